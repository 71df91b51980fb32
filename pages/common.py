"""What every page shares: the store, the language, and showing refusals without tracebacks.

Pages import this module; it never imports dashboard.py (that would render the app twice).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import config, i18n
from analytics.errors import InputRefused, NotAllowed, StoreError
from analytics.localise import message_text, problem_text
from analytics.names import reading_order
from analytics.scorecard import display_names
from analytics.store import Store


def through_dashboard() -> None:
    """Every page calls this first: make sure it runs inside dashboard.py's navigation.

    Streamlit starts a server (and every AppTest run) in its legacy multipage mode when a
    `pages/` folder exists, until dashboard.py calls st.navigation. A first visit straight to
    a page URL such as /upload would then run the page file alone: no sidebar, no language
    switch, the legacy page list. When that happens, leave the legacy mode and rerun through
    dashboard.py, which opens the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource(show_spinner=False)
def _store_at(path: str) -> Store:
    store = Store(path)
    store.ensure_schema()
    return store


def get_store() -> Store:
    """One Store object per file per server process: it opens a connection per unit of work."""
    return _store_at(str(config.db_path()))


SHELL_WIDGETS = frozenset({"language_choice", "sign_out"})     # dashboard.py's own widgets, outside any page


def run_number() -> int:
    """This session's runs, counted by dashboard.py: a page tells the run just before this one."""
    return st.session_state.get("run_number", 0)


def rerun_by_the_menu() -> bool:
    """True when the browser reran without the state of any of the page's widgets: its sidebar link
    to the page already shown (a click on the page sends them all, as does a language switch; a
    first visit sends none). Streamlit has no public word for this: read where it keeps them, and
    say False if that changes."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        get_script_run_ctx,
    )

    try:
        state = get_script_run_ctx().session_state._state
        sent, keys = list(state._new_widget_state), state._key_id_mapper.id_key_mapping
    except AttributeError:
        return False
    return bool(sent) and all(keys.get(widget) in SHELL_WIDGETS for widget in sent)


def lang() -> str:
    """The language chosen in the sidebar, remembered in the URL (?lang=zh|en)."""
    return i18n.language(st.session_state.get("lang") or st.query_params.get("lang"))


def listed(words) -> str:
    """Words as a list reads in the page's language: 甲、乙 in Chinese, A, B in English."""
    return ("、" if lang() == "zh" else ", ").join(words)


def t(key: str, **values: object) -> str:
    return i18n.t(key, lang(), **values)


def role_text(role: str | None, language: str | None = None) -> str:
    """A role as the reader's language names it (改进负责人, not improvement_owner). Pass the
    language in a widget's format_func, which may run outside the page's session."""
    return i18n.t(f"role.{role}", language or lang()) if role else "-"


def data_table(frame, **options):
    """A table as every page shows one: full width, no index, and "–" for an empty cell
    (Streamlit would write "None" in the reader's table)."""
    return st.dataframe(frame, hide_index=True, placeholder="–", width="stretch", **options)


def names_in_chinese(catalogue: pd.DataFrame | None = None) -> dict[str, str]:
    """Catalogue name -> 中文名, for messages that name catalogue metrics on a Chinese page. A page
    that has the catalogue (name, name_zh) at hand passes it instead of reading it again."""
    if lang() != "zh":
        return {}
    if catalogue is None:
        from analytics.catalogue import list_metrics

        try:
            catalogue = list_metrics(get_store())
        except StoreError:
            return {}
    named = catalogue[catalogue["name_zh"].fillna("").str.strip() != ""]
    return dict(zip(named["name"], named["name_zh"], strict=True))


def chinese_page_style() -> None:
    """On a Chinese page, CSS for Streamlit's own English words (it offers no way to translate them):
    its "Press Enter to apply" under a text box is not shown (a value still applies on Enter or on
    leaving the box; no box here counts characters), and a file drop zone's "Upload" button and
    "100MB per file • CSV, …" line are drawn in Chinese over the English, which is kept at size 0."""
    if lang() != "zh":
        return
    from analytics.readers import FILE_TYPES

    limit = t("app.upload_limit", mb=st.get_option("server.maxUploadSize"), types="、".join(map(str.upper, FILE_TYPES)))
    zone = '[data-testid="stFileUploaderDropzone"]'
    st.html(f"""<style>
    [data-testid="InputInstructions"] {{display: none}}
    {zone} [data-testid="stBaseButton-secondary"] p, [data-testid="stFileUploaderDropzoneInstructions"] span {{
        font-size: 0}}
    {zone} [data-testid="stBaseButton-secondary"] p::after {{content: "{t('app.upload_button')}"; font-size: 0.875rem}}
    [data-testid="stFileUploaderDropzoneInstructions"] span::after {{content: "{limit}"; font-size: 0.875rem}}
    </style>""")


def show_refusal(exc: Exception, heading: str | None = None) -> None:
    """A refusal or store problem as a readable message, one line per problem, under `heading`
    (by default the upload's "the files cannot be loaded; nothing was written")."""
    if isinstance(exc, InputRefused):
        st.error(heading or t("upload.refused"))
        names = names_in_chinese()
        st.markdown("\n".join(f"- {problem_text(problem, lang(), names)}" for problem in exc.problems[:100]))
        if len(exc.problems) > 100:
            st.markdown(f"- ... (+{len(exc.problems) - 100})")
    elif isinstance(exc, NotAllowed):
        st.error(t("app.error", message=message_text(str(exc), lang(), names_in_chinese())))
    elif isinstance(exc, StoreError):
        st.error(t("app.error", message=message_text(str(exc), lang())))
    else:
        raise exc


@st.cache_resource(show_spinner=False, max_entries=16)
def _analysis_at(path: str, data_version: int, period: str | None):
    from analytics.analysis import analyse

    return analyse(Store(path), period)


def get_analysis(period: str | None = None):
    """The analysis for a period, cached per (store file, data version, period).

    Any write bumps the data version, so an upload or a new baseline is seen on the next
    rerun; filter changes and language switches reuse the cached frames (never mutate them).
    """
    store = get_store()
    return _analysis_at(str(store.path), store.data_version(), period)


def current_user():
    """The signed-in user (analytics.users.User), or the local admin when sign-in is off."""
    from analytics.auth import LOCAL_ADMIN

    if not config.sign_in_required():
        return LOCAL_ADMIN
    return st.session_state.get("user")


def refresh_user() -> None:
    """Re-read the signed-in account once per run, so that an admin's change of role or
    processes, or a deactivation, takes effect at the user's next click, not their next sign-in."""
    from analytics.users import get_user

    user = st.session_state.get("user")
    if user is None or not config.sign_in_required():
        return
    fresh = get_user(get_store(), user.name)
    if fresh is None:
        st.session_state.pop("user", None)
        st.session_state["signed_out_reason"] = "deactivated"
    else:
        st.session_state["user"] = fresh


def session_alive() -> bool:
    """Keep the session while it is used; sign out after $CSI_SESSION_MINUTES of inactivity."""
    import time

    if not config.sign_in_required():
        return True
    if st.session_state.get("user") is None:
        return False
    now = time.monotonic()
    if now - st.session_state.get("last_seen", now) > config.session_minutes() * 60:
        st.session_state.pop("user", None)
        st.session_state["signed_out_reason"] = "expired"
        return False
    st.session_state["last_seen"] = now
    return True


def sign_in_from_cookie() -> None:
    """After a refresh (a new Streamlit session), sign the user in again from the browser's cookie
    (analytics.sessions). Once per session: a sign-out is not undone by the cookie the session began with."""
    import time

    from analytics.sessions import COOKIE, user_for_token

    if not config.sign_in_required() or st.session_state.get("user") is not None or "cookie_read" in st.session_state:
        return
    st.session_state["cookie_read"] = True
    token = st.context.cookies.get(COOKIE)
    user = user_for_token(get_store(), token)
    if user is not None:
        st.session_state.update(user=user, last_seen=time.monotonic(), session_token=token)


def keep_sign_in_cookie(container) -> None:
    """Write the signed-in user's cookie, renewed at most once a minute so that it lasts as long as the
    inactivity limit after the last click; after a sign-out or an expiry, remove it."""
    import datetime

    from analytics.sessions import COOKIE, expires_in, issue_token

    lifetime = datetime.timedelta(minutes=config.session_minutes())
    user, token = st.session_state.get("user"), st.session_state.get("session_token")
    if user is None:
        if token is not None:
            st.session_state.pop("session_token")
            _set_cookie(container, COOKIE, "", 0)
        return
    if token is None or expires_in(token) < lifetime.total_seconds() - 60:
        token = issue_token(get_store(), user.name, lifetime)
        if token is not None:
            st.session_state["session_token"] = token
            _set_cookie(container, COOKIE, token, int(lifetime.total_seconds()))


def _set_cookie(container, name: str, value: str, max_age: int) -> None:
    """A cookie for the dashboard's address (max_age 0 removes it). Streamlit has no way to set one from
    Python; the value is our own token, never user input."""
    container.html(f"""<script>document.cookie = "{name}={value}; path=/; max-age={max_age}; samesite=strict"
                   + (location.protocol === "https:" ? "; secure" : "");</script>""", unsafe_allow_javascript=True)


def sign_in_form() -> None:
    """The sign-in page (and, in demo mode only, the demo accounts to try)."""
    import time

    from analytics.auth import sign_in
    from analytics.demo import demo_accounts

    st.title(t("auth.title"))
    reason = st.session_state.pop("signed_out_reason", None)
    if reason in ("expired", "deactivated"):
        st.info(t(f"auth.{reason}"))
    with st.form("sign_in"):
        name = st.text_input(t("auth.name"))
        password = st.text_input(t("auth.password"), type="password")
        if st.form_submit_button(t("auth.button"), type="primary"):
            try:
                st.session_state["user"] = sign_in(get_store(), name, password)
                st.session_state["last_seen"] = time.monotonic()
                st.rerun()
            except NotAllowed as exc:
                st.error(message_text(str(exc), lang()))
    from analytics.users import list_users

    if list_users(get_store()).empty:
        st.info(t("auth.no_users"))
    accounts = demo_accounts(get_store())
    if accounts:
        st.caption(t("auth.demo"))
        st.table([{t("auth.name"): a["name"], t("auth.role"): role_text(a["role"]), t("auth.password"): a["password"]}
                  for a in accounts])


def require_permission(action: str, refusal: str = "auth.not_allowed") -> bool:
    """Show why the signed-in user cannot do this here (the `refusal` text); True when they can."""
    from analytics.auth import allowed

    user = current_user()
    if allowed(user, action):
        return True
    st.info(t(refusal, user=getattr(user, "name", "-"), role=role_text(getattr(user, "role", None))))
    return False


def author_field(container, label: str, key: str) -> str:
    """Who is making the change: the signed-in user, or a name typed in when sign-in is off."""
    if config.sign_in_required():
        user = current_user()
        container.text_input(label, value=user.name, disabled=True, key=f"{key}_shown")
        return user.name
    value = container.text_input(label, value=st.session_state.get(key) or config.current_user(), key=key)
    if not value.strip():                       # else the save button is greyed out without a word
        container.caption(t("app.author_needed", field=label))
    return value


MEETING_PERIOD = "meeting_period"     # the month the meeting is on, shared by every page with a period
MEETING_PROCESSES = "meeting_processes"
MEETING_CATEGORIES = "meeting_categories"


def kept_tabs(label_keys: list[str], key: str):
    """Keyed tabs (their choice kept across a rerun) whose choice also survives a switch of language:
    Streamlit keeps the chosen tab by its label, which the other language does not have, so the
    first tab opened again."""
    labels = [t(label_key) for label_key in label_keys]
    chosen = st.session_state.get(key)
    if chosen is not None and chosen not in labels:
        same = {i18n.t(label_key, other): label for other in i18n.LANGUAGES
                for label_key, label in zip(label_keys, labels, strict=True)}
        st.session_state[key] = same.get(chosen, labels[0])
    return st.tabs(labels, key=key, on_change="rerun")      # rerun: a save's st.rerun stays on its tab


def keep_choice(widget_key: str, shared_key: str, seed) -> None:
    """Give a widget the meeting's choice when the page opens: Streamlit drops a widget's state on
    any run that does not render it, so the choice lives on in `shared_key` (not a widget key).
    `seed` turns the shared value into this widget's value (or None to leave the widget's default)."""
    if widget_key in st.session_state or shared_key not in st.session_state:
        return
    value = seed(st.session_state[shared_key])
    if value is not None:
        st.session_state[widget_key] = value


def period_select(container, label: str, periods: list[str], default: str, key: str) -> str:
    """The meeting's month on a page that has one: the URL's ?period= when it has data, else the
    month chosen on another page, else `default`; the choice is kept for the other pages and the URL."""
    asked = st.query_params.get("period")
    if asked in periods:
        st.session_state.setdefault(key, asked)
    keep_choice(key, MEETING_PERIOD, lambda month: month if month in periods else None)
    st.session_state.setdefault(key, default)
    period = container.selectbox(label, periods, key=key)
    if asked and asked not in periods:
        container.caption(t("app.period_no_data", asked=asked, shown=period))
    st.session_state[MEETING_PERIOD] = period
    if st.query_params.get("period") != period:
        st.query_params["period"] = period
    return period


def by_display_name(table: pd.DataFrame, lang: str) -> list:
    """A metric picker's ids (the table's index) in the order of the names it shows in `lang`: sorted
    by the English catalogue name, the Chinese list was in no order its reader could follow; Chinese
    names now go by pinyin (reading_order)."""
    names = dict(zip(table.index, display_names(table.reindex(columns=["name", "name_en", "name_zh"]), lang), strict=True))
    return sorted(names, key=lambda i: (reading_order(names[i]), i))
