"""Metrics & baselines (指标与基准): edit the catalogue, import it, set or compute baselines and targets."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import i18n
from analytics.auth import PERMISSIONS, allowed
from analytics.baselines import (
    baseline_from_window,
    compute_version,
    list_versions,
    set_version_if_changed,
)
from analytics.catalogue import (
    CATEGORIES,
    DIRECTIONS,
    edited_rows,
    import_catalogue,
    import_catalogue_file,
    metrics_as_shown,
)
from analytics.charts import xmr_figure
from analytics.errors import InputRefused, StoreError
from analytics.localise import message_text, skipped_sheet_reason
from analytics.readers import FILE_TYPES
from analytics.scorecard import display_name
from analytics.units import format_number, unit_shown
from analytics.users import ROLES
from pages.common import (
    author_field,
    by_display_name,
    current_user,
    data_table,
    get_analysis,
    get_store,
    kept_tabs,
    lang,
    listed,
    require_permission,
    role_text,
    show_refusal,
    t,
    through_dashboard,
)

through_dashboard()

store = get_store()
current_lang = lang()
state = st.session_state
st.title(t("cat.title"))
if state.get("catalogue_flash"):
    st.success(state.pop("catalogue_flash"))
for warning in state.pop("catalogue_warnings", []):      # a unit or direction changed under loaded data
    st.warning(message_text(warning, current_lang))
by = author_field(st, t("cat.by"), "catalogue_by")
can_edit, can_set = allowed(current_user(), "edit_catalogue"), allowed(current_user(), "set_baseline")
catalogue_tab, baselines_tab = kept_tabs(["cat.tab_catalogue", "cat.tab_baselines"], key="catalogue_tabs")

EDITABLE = ["name_en", "name_zh", "aliases", "unit", "category", "direction", "service", "process", "owner",
            "weight", "tolerance", "decimals", "volume_metric", "unit_cost", "definition"]

with catalogue_tab:
    metrics = metrics_as_shown(store, current_lang)
    column_config = {
        "name": t("col.metric"),
        **{field: t(f"field.{field}") for field in EDITABLE},
        "category": st.column_config.SelectboxColumn(
            t("field.category"), options=list(CATEGORIES),
            format_func=lambda c, _lang=current_lang: i18n.t(f"category.{c}", _lang)),
        "direction": st.column_config.SelectboxColumn(
            t("field.direction"), options=list(DIRECTIONS), required=True,
            format_func=lambda d, _lang=current_lang: i18n.t(f"direction.{d}", _lang)),
        "weight": st.column_config.NumberColumn(t("field.weight"), min_value=0, max_value=1000),
        "tolerance": st.column_config.NumberColumn(t("field.tolerance"), min_value=0),
        "decimals": st.column_config.NumberColumn(t("field.decimals"), min_value=0, max_value=6, step=1),
        "unit_cost": st.column_config.NumberColumn(t("field.unit_cost"), min_value=0),
    }
    if not can_edit:                 # a role that cannot save sees the catalogue as a table, not an editor
        data_table(metrics[["name"] + EDITABLE], column_config=column_config)
        require_permission("edit_catalogue")
    else:
        st.caption(t("cat.editor_help"))
        edited = st.data_editor(metrics[["name"] + EDITABLE], hide_index=True, placeholder="–", width="stretch",
                                key="catalogue_editor", disabled=["name"], num_rows="fixed", column_config=column_config)
        if st.button(t("cat.save"), type="primary", disabled=not by.strip()):
            changed = edited_rows(metrics, edited)
            if changed.empty:
                st.info(t("cat.no_changes"))
            else:
                try:
                    counts = import_catalogue(store, changed, by=by.strip(), file_name=t("cat.tab_catalogue"))
                    state["catalogue_flash"] = t("cat.saved", updated=counts["updated"])
                    state["catalogue_warnings"] = counts["warnings"]
                    st.rerun()
                except (InputRefused, StoreError) as exc:
                    show_refusal(exc, heading=t("app.refused"))
    st.divider()
    upload = st.file_uploader(t("cat.import"), type=FILE_TYPES, key="catalogue_file") if can_edit else None
    if upload is not None and st.button(t("cat.import_button"), disabled=not by.strip()):
        try:
            counts = import_catalogue_file(store, upload.getvalue(), by=by.strip(), file_name=upload.name,
                                               isolated=True)
            unread = listed(counts["unread"])
            said = [t("cat.imported", file=upload.name, **counts)]
            said += [t("cat.sheet_skipped", sheet=sheet, reason=skipped_sheet_reason(reason, current_lang),
                       read=counts["sheet"]) for sheet, reason in counts["skipped_sheets"]]
            said += [message_text(note, current_lang) + ("。" if current_lang == "zh" else ".")   # 合计 rows left out
                     for note in counts["notes"]]
            said += [t("cat.unread", columns=unread)] if unread else []
            state["catalogue_flash"] = " ".join(said)
            state["catalogue_warnings"] = counts["warnings"]
            st.rerun()
        except (InputRefused, StoreError) as exc:
            show_refusal(exc)

with baselines_tab:
    analysis = get_analysis()
    if analysis.empty:
        st.info(t("sc.no_data"))
        st.stop()
    table = analysis.table.set_index("metric_id")
    ids = by_display_name(table, current_lang)
    metric_id = st.selectbox(t("md.pick"), ids, format_func=lambda i, _lang=current_lang: display_name(table.loc[i], _lang),
                             key="baseline_metric")
    row = table.loc[metric_id]
    unit, decimals = unit_shown(row["unit"], lang()), int(row["decimals"]) if pd.notna(row["decimals"]) else 1
    versions = list_versions(store, row["name"])
    versions = versions.assign(reason=[message_text(r, lang()) if isinstance(r, str) else r for r in versions["reason"]])
    data_table(versions[["cycle", "from_period", "baseline", "target", "set_by", "set_at", "reason"]],
               column_config={
                     "cycle": "#", "from_period": t("cat.from"), "baseline": t("col.baseline"),
                     "target": t("col.target"), "set_by": t("col.by"),
                     "set_at": st.column_config.DatetimeColumn(t("col.when"), format="YYYY-MM-DD HH:mm"),
                     "reason": t("md.reason")})
    points = analysis.points[analysis.points["metric_id"] == metric_id].sort_values("period")
    months = [p.strftime("%Y-%m") for p in points["period"]]
    next_month = (points["period"].max() + pd.offsets.MonthBegin(1)).strftime("%Y-%m")

    if not can_set:             # else the greyed-out forms below say nothing of why
        setters = [role_text(r) for r in ROLES if r in PERMISSIONS["set_baseline"]]
        st.caption(t("cat.set_who", roles=listed(setters), user=getattr(current_user(), "name", "-"),
                     role=role_text(getattr(current_user(), "role", None))))
    left, right = st.columns(2)
    with left:
        st.subheader(t("cat.set_header"))
        with st.form("set_version"):
            new_baseline = st.number_input(t("col.baseline"), value=None, format=f"%.{decimals}f",
                                           placeholder=t("cat.keep"))
            new_target = st.number_input(t("col.target"), value=None, format=f"%.{decimals}f",
                                         placeholder=t("cat.keep"))
            from_period = st.text_input(t("cat.from"), value=next_month, help="YYYY-MM")
            reason = st.text_input(t("cat.reason"))
            backdate = st.checkbox(t("cat.backdate"), key="set_backdate")
            if st.form_submit_button(t("cat.set_button"), type="primary", disabled=not by.strip() or not can_set):
                try:
                    cycle, added = set_version_if_changed(store, row["name"], baseline=new_baseline,
                                                          target=new_target, from_period=from_period, by=by.strip(),
                                                          reason=reason, backdate=backdate)
                    state["catalogue_flash"] = t("cat.set_done" if added else "cat.set_unchanged",
                                                 metric=display_name(row, lang()), cycle=cycle, period=from_period)
                    st.rerun()
                except (InputRefused, StoreError) as exc:
                    show_refusal(exc, heading=t("app.refused"))
    with right:
        st.subheader(t("cat.compute_header"))
        if months:
            c1, c2 = st.columns(2)
            start = c1.selectbox(t("cat.window_from"), months, index=max(0, len(months) - 12), key="window_from")
            end = c2.selectbox(t("cat.window_to"), months, index=len(months) - 1, key="window_to")
            stat = st.radio(t("cat.stat"), ["mean", "median"], horizontal=True, key="window_stat",
                            format_func=lambda s, _lang=current_lang: i18n.t(f"cat.stat_{s}", _lang))
            window = points[(points["period"] >= pd.Timestamp(start)) & (points["period"] <= pd.Timestamp(end))]
            try:
                value = baseline_from_window(window["value"], stat)
                st.markdown(t("cat.computed", stat=t(f"cat.stat_{stat}"), n=int(window["value"].notna().sum()),
                              value=format_number(value, unit, decimals)))
                compute_from = st.text_input(t("cat.from"), value=next_month, key="compute_from")
                compute_backdate = st.checkbox(t("cat.backdate"), key="compute_backdate")
                if st.button(t("cat.compute_button"), disabled=not by.strip() or start > end or not can_set):
                    cycle, _, _ = compute_version(store, row["name"], window=f"{start}:{end}", stat=stat,
                                                  from_period=compute_from, by=by.strip(), backdate=compute_backdate)
                    state["catalogue_flash"] = t("cat.set_done", metric=display_name(row, lang()), cycle=cycle,
                                                 period=compute_from)
                    st.rerun()
            except (InputRefused, StoreError) as exc:
                show_refusal(exc, heading=t("app.refused"))
            figure = xmr_figure(points, title=display_name(row, lang()), unit=unit, decimals=decimals, lang=lang(),
                                height=360)
            figure.add_vrect(x0=pd.Timestamp(start), x1=pd.Timestamp(end), fillcolor="#289de0", opacity=0.12,
                             line_width=0, annotation_text=t("cat.window"), annotation_position="top left")
            st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
