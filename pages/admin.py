"""Administration (系统管理): accounts, roles and processes, the account change log, and a backup download.

Only admins change anything here; every change is checked again in analytics.users/auth and
recorded with who made it.
"""

from __future__ import annotations

import datetime
import functools
import tempfile
from pathlib import Path

import streamlit as st

from analytics.auth import allowed
from analytics.backup import backup
from analytics.errors import InputRefused, NotAllowed
from analytics.localise import message_text, problem_text
from analytics.names import process_shown, reading_order
from analytics.users import (
    ROLES,
    add_user,
    known_processes,
    linked_process_choices,
    list_users,
    update_user,
    user_events,
)
from pages.common import (
    current_user,
    data_table,
    get_store,
    kept_tabs,
    lang,
    require_permission,
    role_text,
    t,
    through_dashboard,
)

through_dashboard()

store = get_store()
st.title(t("admin.title"))
st.caption(t("admin.intro"))
if not require_permission("manage_users", refusal="auth.admin_only"):    # the page shows nothing else
    st.stop()
me = current_user()
current_lang = lang()
role_label = functools.partial(role_text, language=current_lang)
process_label = functools.partial(process_shown, lang=current_lang)
with store.read() as con:
    processes = known_processes(con)

st.subheader(t("admin.accounts"))
if st.session_state.get("admin_flash"):
    st.success(st.session_state.pop("admin_flash"))
users = list_users(store).sort_values("name", key=lambda names: names.map(reading_order))   # 陈静 before 刘洋, by pinyin
data_table(users.assign(role=users["role"].map(role_label),
                        processes=[", ".join(process_label(p.strip()) for p in text.split(",")) or None
                                   for text in users["processes"].fillna("")]),    # no process: "–" as elsewhere
           column_config={
               "name": t("auth.name"), "role": t("auth.role"), "processes": t("admin.processes"),
               "active": st.column_config.CheckboxColumn(t("admin.active")),
               "has_password": st.column_config.CheckboxColumn(t("admin.has_password")),
               "created_at": st.column_config.DatetimeColumn(t("admin.created"), format="YYYY-MM-DD HH:mm"),
               "created_by": t("col.by")})


def _why(exc: Exception) -> str:
    """A refusal as one readable line (nothing was changed)."""
    if isinstance(exc, InputRefused):
        return "; ".join(problem_text(problem, lang()) for problem in exc.problems)
    return message_text(str(exc), lang())


def _passwords(first: str, second: str) -> str | None:
    if first != second:
        raise InputRefused(t("admin.passwords_differ"))
    return first or None


add_tab, change_tab, history_tab = kept_tabs(["admin.add", "admin.change", "admin.history"], key="admin_tabs")
with add_tab, st.form("admin_add", clear_on_submit=True):
    c1, c2 = st.columns(2)
    name = c1.text_input(t("auth.name"))
    role = c2.selectbox(t("auth.role"), ROLES, index=ROLES.index("viewer"), format_func=role_label)
    linked = st.multiselect(t("admin.processes"), processes, help=t("admin.process_owner_hint"),
                            placeholder=t("admin.no_process"), format_func=process_label)
    c3, c4 = st.columns(2)
    first = c3.text_input(t("auth.password"), type="password")
    second = c4.text_input(t("admin.password_again"), type="password")
    if st.form_submit_button(t("admin.add_button"), type="primary"):
        try:
            user = add_user(store, name, role, password=_passwords(first, second), by=me.name, processes=linked)
        except (InputRefused, NotAllowed) as exc:
            st.error(_why(exc))
        else:
            st.session_state["admin_flash"] = t("admin.added", name=user.name, role=role_label(user.role))
            st.rerun()

with change_tab:
    names = users["name"].tolist()
    if names:
        pick = st.selectbox(t("admin.account"), names, key="admin_pick")
        row = users.set_index("name").loc[pick]
        current = [p.strip() for p in (row["processes"] or "").split(",") if p.strip()]
        with st.form("admin_change"):
            c1, c2 = st.columns(2)
            role = c1.selectbox(t("auth.role"), ROLES, index=ROLES.index(row["role"]), format_func=role_label)
            active = c2.checkbox(t("admin.active"), value=bool(row["active"]))
            offered, linked_now = linked_process_choices(current, processes)
            linked = st.multiselect(t("admin.processes"), offered, default=linked_now, format_func=process_label,
                                    placeholder=t("admin.no_process"), help=t("admin.process_owner_hint"))
            c3, c4 = st.columns(2)
            first = c3.text_input(t("admin.new_password"), type="password")
            second = c4.text_input(t("admin.password_again"), type="password")
            if st.form_submit_button(t("admin.change_button"), type="primary"):
                try:
                    update_user(store, pick, by=me.name, role=role, processes=linked, active=active,
                                password=_passwords(first, second))
                except (InputRefused, NotAllowed) as exc:
                    st.error(_why(exc))
                else:
                    st.session_state["admin_flash"] = t("admin.changed", name=pick)
                    st.rerun()

with history_tab:
    data_table(user_events(store), column_config={
        "changed_at": st.column_config.DatetimeColumn(t("col.when"), format="YYYY-MM-DD HH:mm"), "by_user": t("col.by"),
        "name": t("admin.account"), "change": t("admin.change_col")})

st.subheader(t("admin.backup"))
st.caption(t("admin.backup_intro"))


def _backup_bytes() -> bytes:
    """A consistent copy made now (the download is built when the button is clicked)."""
    with tempfile.TemporaryDirectory() as directory:
        return backup(store, Path(directory) / "backup.duckdb").read_bytes()


if allowed(me, "backup"):
    st.download_button(t("admin.backup_button"), data=_backup_bytes, type="primary", icon=":material/download:",
                       file_name=f"csi-backup-{datetime.datetime.now():%Y%m%d-%H%M}.duckdb",
                       mime="application/octet-stream", on_click="ignore")
