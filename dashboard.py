"""Streamlit entry point: page navigation, language and the shared sidebar.

Run with `make run` (or `streamlit run dashboard.py`). Pages live in pages/ and never import
this file.
"""

from __future__ import annotations

import streamlit as st

from analytics import config, i18n
from analytics.errors import StoreError
from analytics.localise import message_text
from pages.common import (
    chinese_page_style,
    current_user,
    get_store,
    keep_sign_in_cookie,
    lang,
    refresh_user,
    role_text,
    session_alive,
    sign_in_form,
    sign_in_from_cookie,
)

st.set_page_config(page_title="Service Improvement Dashboard · 服务改进看板", page_icon="📈", layout="wide")

st.session_state["run_number"] = st.session_state.get("run_number", 0) + 1
current = lang()
st.session_state["lang"] = current
if st.query_params.get("lang") != current:
    st.query_params["lang"] = current
chinese_page_style()

# the default page is served at "/" only: /home (a bookmark, a link in the minutes) found no page and
# Streamlit's English "Page not found" covered the page; a hidden page at /home opens it instead
home = st.Page("pages/home.py", title=i18n.t("nav.home", current), icon=":material/home:", default=True,
               url_path="start")


def open_home() -> None:
    st.switch_page(home, query_params=st.query_params.to_dict())


pages = [
    home,
    st.Page("pages/scorecard.py", title=i18n.t("nav.scorecard", current), icon=":material/fact_check:",
            url_path="scorecard"),
    st.Page("pages/metric.py", title=i18n.t("nav.metric", current), icon=":material/monitoring:",
            url_path="metric"),
    st.Page("pages/records.py", title=i18n.t("nav.records", current), icon=":material/assignment:",
            url_path="records"),
    st.Page("pages/plan.py", title=i18n.t("nav.plan", current), icon=":material/event_note:", url_path="plan"),
    st.Page("pages/reports.py", title=i18n.t("nav.reports", current), icon=":material/summarize:",
            url_path="reports"),
    st.Page("pages/catalogue.py", title=i18n.t("nav.catalogue", current), icon=":material/tune:",
            url_path="catalogue"),
    st.Page("pages/upload.py", title=i18n.t("nav.upload", current), icon=":material/upload_file:",
            url_path="upload"),
    st.Page("pages/admin.py", title=i18n.t("nav.admin", current), icon=":material/admin_panel_settings:",
            url_path="admin"),
    st.Page(open_home, title=i18n.t("nav.home", current), url_path="home", visibility="hidden"),
]
navigation = st.navigation(pages)


def switch_language() -> None:
    """Before the run the switch starts: the whole page is drawn in the new language at once, and
    a form half filled in keeps its text (a rerun from the middle of the page dropped it)."""
    st.session_state["lang"] = st.session_state["language_choice"]


with st.sidebar:
    st.radio(
        i18n.t("app.language", current), list(i18n.LANGUAGES), index=list(i18n.LANGUAGES).index(current),
        format_func=i18n.LANGUAGES.get, horizontal=True, key="language_choice", on_change=switch_language,
    )
    try:
        store = get_store()
    except StoreError as exc:
        store = None
        problem = message_text(str(exc), current)
    if store is not None:
        st.caption(f"{i18n.t('app.store', current)}: `{store.path}`")

if store is None:
    st.error(i18n.t("app.error", current, message=problem))
    st.stop()
try:
    sign_in_from_cookie()           # a refresh is a new session: the cookie signs the user in again
    refresh_user()
    alive = session_alive()
    if config.sign_in_required():
        keep_sign_in_cookie(st.sidebar)
    if not alive:
        sign_in_form()
        st.stop()
    with st.sidebar:
        user = current_user()
        if config.sign_in_required():
            st.caption(i18n.t("auth.signed_in", current, name=user.name, role=role_text(user.role, current)))
            if st.button(i18n.t("auth.sign_out", current), key="sign_out"):
                st.session_state.pop("user", None)
                st.rerun()
        else:
            st.caption(i18n.t("auth.local", current))
    navigation.run()
except StoreError as exc:
    # the store busy past the wait (a batch job, an admin's DuckDB shell) or migrated by a newer version
    # while this dashboard runs: a message in the page's language, not Streamlit's English "redacted" error
    st.error(i18n.t("app.error", current, message=message_text(str(exc), current)))
