"""What every page shares: the store, the language, and showing refusals without tracebacks.

Pages import this module; it never imports dashboard.py (that would render the app twice).
"""

from __future__ import annotations

import streamlit as st

from analytics import config, i18n
from analytics.errors import InputRefused, NotAllowed, StoreError
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


def lang() -> str:
    """The language chosen in the sidebar, remembered in the URL (?lang=zh|en)."""
    return i18n.language(st.session_state.get("lang") or st.query_params.get("lang"))


def t(key: str, **values: object) -> str:
    return i18n.t(key, lang(), **values)


def show_refusal(exc: Exception) -> None:
    """A refusal or store problem as a readable message, one line per problem."""
    if isinstance(exc, InputRefused):
        st.error(t("upload.refused"))
        st.markdown("\n".join(f"- {problem}" for problem in exc.problems[:100]))
        if len(exc.problems) > 100:
            st.markdown(f"- ... (+{len(exc.problems) - 100})")
    elif isinstance(exc, (StoreError, NotAllowed)):
        st.error(t("app.error", message=str(exc)))
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
