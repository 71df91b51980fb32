"""Upload: drop files, see what would change and every problem, confirm, roll back."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import config, i18n
from analytics.auth import allowed, require, require_upload_scope
from analytics.catalogue import add_aliases, alias_choices, list_metrics
from analytics.errors import InputRefused, NotAllowed, StoreError
from analytics.ingest import (
    NEW_METRICS_NAMED,
    SOURCES,
    IngestPlan,
    apply_ingest,
    plan_ingest,
)
from analytics.isolation import start_reading_server
from analytics.localise import message_text, skipped_sheet_reason
from analytics.readers import FILE_TYPES
from analytics.scorecard import display_names
from analytics.uploads import (
    list_uploads,
    preview_table,
    records_verified_on,
    rollback_upload,
)
from pages.common import (
    author_field,
    current_user,
    data_table,
    get_store,
    lang,
    listed,
    names_in_chinese,
    require_permission,
    show_refusal,
    t,
    through_dashboard,
)

through_dashboard()
start_reading_server()      # loads the readers while the user picks a file
current_lang = lang()     # bound into format_func lambdas: the language of this run

store = get_store()
state = st.session_state
state.setdefault("uploader_generation", 0)

st.title(t("upload.title"))
st.write(t("upload.intro"))

if state.get("upload_flash"):
    st.success(state.pop("upload_flash"))

can_upload = require_permission("upload")
files = None if not can_upload else st.file_uploader(t("upload.files"), type=FILE_TYPES, accept_multiple_files=True,
                                                     key=f"uploader_{state['uploader_generation']}",
                                                     help=t("upload.format_help"))
c1, c2, c3 = st.columns([2, 2, 3])
source = c1.selectbox(t("upload.source"), SOURCES, format_func=lambda s, _lang=current_lang: i18n.t(f"source.{s}", _lang))
by = author_field(c2, t("upload.by"), "upload_by")
create_metrics = c3.checkbox(t("upload.create_metrics"), value=False)


def _plan(files: list, create_metrics: bool) -> IngestPlan | InputRefused:
    """Check the files once per (files, option, store version); reruns reuse the result."""
    key = (tuple(f.file_id for f in files), create_metrics, store.data_version())
    cached = state.get("upload_plan")
    if cached and cached[0] == key:
        return cached[1]
    with st.spinner(t("upload.checking", file=", ".join(f.name for f in files))):
        try:
            result: IngestPlan | InputRefused = plan_ingest(
                store, [(f.getvalue(), f.name) for f in files], create_metrics=create_metrics, isolated=True)
        except InputRefused as exc:
            result = exc
    state["upload_plan"] = (key, result)
    return result


def _names_in_reader_language(names: pd.Series, catalogue: pd.DataFrame) -> list[str]:
    """Catalogue names as the other pages show them (中文名 in Chinese); a metric the upload
    would create keeps the name it has in the file."""
    named = pd.DataFrame({"in_file": names.astype(object).to_numpy()}).merge(
        catalogue, left_on="in_file", right_on="name", how="left")
    return display_names(named, lang(), fallback="in_file")


PREVIEW_ROWS = 5000          # a browser table of more rows is slow to draw; the caption says so


def _show_preview(plan: IngestPlan) -> None:
    st.subheader(t("upload.preview"))
    summary = pd.DataFrame([f.summary() for f in plan.files])
    catalogue = list_metrics(get_store())[["name", "name_en", "name_zh"]]     # once for every file's table
    data_table(summary, column_config={
        "file": t("col.file"), "rows": t("upload.rows"), "new": t("upload.new"), "changed": t("upload.changed"),
        "unchanged": t("upload.unchanged"), "missing": t("upload.missing"),
        "new_metrics": t("upload.new_metrics"), "suggestions": t("upload.suggestions")})
    names = names_in_chinese(catalogue)             # a note about a catalogue metric names it by its 中文名
    for file_plan in plan.files:
        st.markdown(t("upload.summary_line", **file_plan.summary()))
        for sheet, reason in file_plan.parsed.skipped_sheets:
            st.caption(t("upload.sheet_skipped", sheet=sheet, reason=skipped_sheet_reason(reason, lang())))
        for warning in file_plan.parsed.warnings:
            st.caption(message_text(warning, lang(), names))
        for doubt in file_plan.doubts:
            name = _names_in_reader_language(pd.Series([doubt.metric]), catalogue)[0]
            st.warning(message_text(doubt.text(name), lang()), icon=":material/warning:")
        created = file_plan.new_metrics_as_created()
        if len(created) > NEW_METRICS_NAMED:
            st.caption(t("upload.more_new_metrics", n=len(created) - NEW_METRICS_NAMED))
        for metric in created[:NEW_METRICS_NAMED]:
            st.info(t("upload.new_metric", name=metric["name"], direction=t(f"direction.{metric['direction']}"),
                      unit=metric["unit"] or t("upload.no_unit"), decimals=metric["decimals"]),
                    icon=":material/add_chart:")
        with st.expander(t("upload.changes_table", file=file_plan.file_name), expanded=len(plan.files) == 1):
            view = preview_table(file_plan.changes, lang())
            shown = view.head(PREVIEW_ROWS).copy()
            if file_plan.count("missing"):
                st.caption(t("upload.blank_note"))
            shown["catalogue_name"] = _names_in_reader_language(shown["catalogue_name"], catalogue)
            data_table(shown,
                       column_config={
                             "status": t("upload.status"), "catalogue_name": t("col.metric"), "period": t("col.period"),
                             "old_value": t("upload.old_value"), "value": t("upload.new_value"),
                             "target": t("col.target"), "sheet": t("col.sheet"), "row": t("col.row")})
            if len(view) > PREVIEW_ROWS:
                st.caption(t("upload.preview_cut", shown=PREVIEW_ROWS, total=len(view)))


ALIASES_OFFERED = 10        # names mapped at a time: a file of dozens of unknown names is the wrong file


def _offer_aliases(refused: InputRefused) -> None:
    """For each name the catalogue lacks, a choice of the catalogue's metrics (closest first): the
    ones picked become aliases in one write, and the files are checked again on the rerun (the
    store's version is part of the check's key). Only for a role that may edit the catalogue."""
    unknown = list(dict.fromkeys(p.unknown_name for p in refused.problems if p.unknown_name))
    if not unknown or not allowed(current_user(), "edit_catalogue"):
        return
    st.subheader(t("upload.aliases_title"))
    st.caption(t("upload.aliases_help"))
    catalogue = list_metrics(store)
    shown = dict(zip(catalogue["name"], display_names(catalogue, current_lang)))
    with st.form("aliases_form"):
        picked = {name: st.selectbox(name, choices, index=None, placeholder=t("upload.alias_pick"),
                                     format_func=lambda metric: shown.get(metric, metric), key=f"alias_for_{name}")
                  for name, choices in alias_choices(store, unknown[:ALIASES_OFFERED]).items()}
        if len(unknown) > ALIASES_OFFERED:
            st.caption(t("upload.aliases_more", n=len(unknown) - ALIASES_OFFERED))
        submitted = st.form_submit_button(t("upload.aliases_save"), disabled=not by.strip())
    if not submitted:
        return
    mapped = {name: metric for name, metric in picked.items() if metric}
    if not mapped:
        st.info(t("upload.aliases_none"))
        return
    try:
        require(current_user(), "edit_catalogue")
        add_aliases(store, mapped, by=by.strip(), file_name=t("upload.aliases_title"))
    except (InputRefused, StoreError, NotAllowed) as exc:
        show_refusal(exc, heading=t("app.refused"))
        return
    state["upload_flash"] = t("upload.aliases_added", pairs=listed(
        [f"{name} → {shown.get(metric, metric)}" for name, metric in mapped.items()]))
    st.rerun()


if files:
    result = _plan(files, create_metrics)
    if isinstance(result, InputRefused):
        show_refusal(result)
        _offer_aliases(result)
    else:
        _show_preview(result)
        totals = result.totals()
        if totals["new"] + totals["changed"] + totals["new_metrics"] + totals["suggestions"] == 0:
            st.info(t("upload.nothing_to_load"))
        try:
            require_upload_scope(store, current_user(), result)
            in_scope = True
        except NotAllowed as exc:
            show_refusal(exc)
            in_scope = False
        label = t("upload.confirm", n=len(files)) if len(files) > 1 else t("upload.confirm_one")
        if in_scope and st.button(label, type="primary", disabled=not by.strip()):
            with st.status(t("upload.writing")) as status:
                try:
                    require_upload_scope(store, current_user(), result)
                    ids = apply_ingest(store, result, by=by.strip(), source=source)
                except (InputRefused, StoreError, NotAllowed) as exc:
                    status.update(state="error")
                    show_refusal(exc)
                else:
                    status.update(state="complete")
                    state["upload_flash"] = t("upload.done", ids=", ".join(f"#{i}" for i in ids),
                                              new=totals["new"], changed=totals["changed"])
                    state["uploader_generation"] += 1
                    state.pop("upload_plan", None)
                    st.rerun()

st.divider()
st.subheader(t("upload.history"))
uploads = list_uploads(store)
if uploads.empty:
    st.caption(t("upload.no_uploads"))
else:
    shown = uploads.assign(outcome=uploads["outcome"].map(lambda o: t(f"outcome.{o}")),
                           source=uploads["source"].map(lambda s: t(f"source.{s}") if s in SOURCES else s))
    data_table(
        shown[["id", "file_name", "source", "uploaded_by", "uploaded_at", "rows_read", "values_new",
               "values_changed", "values_unchanged", "values_missing", "outcome", "rolled_back_by"]],
        column_config={
            "id": t("col.id"), "file_name": t("col.file"), "source": t("upload.source"), "uploaded_by": t("col.by"),
            "uploaded_at": st.column_config.DatetimeColumn(t("col.when"), format="YYYY-MM-DD HH:mm"),
            "rows_read": t("upload.rows"), "values_new": t("upload.new"), "values_changed": t("upload.changed"),
            "values_unchanged": t("upload.unchanged"), "values_missing": t("upload.missing"),
            "outcome": t("col.outcome"), "rolled_back_by": t("outcome.rolled_back")})
    applied = uploads[uploads["outcome"] == "applied"]
    if not applied.empty and allowed(current_user(), "rollback"):
        with st.expander(t("upload.rollback")):
            pick = st.selectbox(t("upload.rollback_pick"), applied["id"].tolist(),
                                format_func=lambda i: f"#{i} · {applied.set_index('id').at[i, 'file_name']}")
            relying = records_verified_on(store, int(pick))
            if relying:
                st.warning(t("upload.rollback_records", ids=listed([f"#{rid}" for rid in relying])))
            if st.button(t("upload.rollback_button"), key="rollback_button"):
                try:
                    require(current_user(), "rollback")
                    done = rollback_upload(store, int(pick), by=by.strip() or config.current_user())
                    removed = listed(done["removed"])
                    state["upload_flash"] = t("upload.rollback_done", id=pick, retracted=done["retracted"],
                                              restored=done["restored"]) + (
                        " " + t("upload.metrics_removed", names=removed) if removed else "")
                    st.rerun()
                except (InputRefused, StoreError, NotAllowed) as exc:
                    show_refusal(exc, heading=t("app.refused"))
