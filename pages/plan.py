"""Annual plan (年度服务改进计划): a year's records, their effects, and what improvement achieved."""

from __future__ import annotations

import streamlit as st

from analytics.annual_plan import (
    PLAN_FORMATS,
    annual_plan,
    localised_groups,
    localised_records,
    plan_csv,
    plan_file_name,
    plan_headers,
    plan_xlsx,
    plan_years,
)
from pages.common import data_table, get_store, kept_tabs, lang, t, through_dashboard

through_dashboard()

store = get_store()
current_lang = lang()
st.title(t("plan.title"))
years = plan_years(store)
c1, c2, c3 = st.columns([1, 1, 3], vertical_alignment="bottom")
year = c1.selectbox(t("plan.year"), years, key="plan_year")
fmt = c2.selectbox(t("report.format"), list(PLAN_FORMATS), key="plan_format", format_func=str.upper)
plan = annual_plan(store, int(year))
export = {"xlsx": plan_xlsx, "csv": plan_csv}[fmt]
c3.download_button(t("plan.download", fmt=fmt.upper()), data=lambda: export(plan, current_lang), type="primary",
                   file_name=plan_file_name(plan.year, current_lang, fmt), mime=PLAN_FORMATS[fmt],
                   icon=":material/download:", on_click="ignore")

st.subheader(t("plan.results"))
summary = plan.summary
cols = st.columns(5)
cols[0].metric(t("plan.raised"), summary["raised"])
cols[1].metric(t("plan.closed"), summary["closed"])
cols[2].metric(t("plan.on_time"), f"{summary['closed_on_time']} / {summary['closed_with_due_date']}")
share = summary["share_effective"]
cols[3].metric(t("plan.effective"), "–" if share is None else f"{share:.0%}")
cols[4].metric(t("plan.open"), summary["open_at_year_end"])

if plan.records.empty:
    st.info(t("plan.none", year=year))
    st.stop()

st.subheader(t("plan.by_group"))
data_table(localised_groups(plan, current_lang), column_config={
    "process": t("sc.process"), "category": t("sc.category"), **{b: t(f"bucket.{b}") for b in (
        "planned", "in_progress", "closed", "stopped")}})

# Two views of the records, each narrow enough for a 1400 px screen with the sidebar open: the
# measured effect, and the progress (the export has every column in one sheet).
st.subheader(t("plan.records"))
records = localised_records(plan, current_lang)
headers = plan_headers(current_lang)
effect_view, progress_view = kept_tabs(["plan.view_effect", "plan.view_progress"], key="plan_views")
number = {"before_mean": "%.2f", "after_mean": "%.2f"}
with effect_view:
    data_table(records[["id", "title", "metric", "before_mean", "after_mean", "effect", "outcome", "verdict"]],
               column_config={"id": st.column_config.NumberColumn("#", width=40),
                              "title": st.column_config.TextColumn(headers["title"], width=200),
                              "metric": st.column_config.TextColumn(headers["metric"], width=150),
                              **{c: st.column_config.NumberColumn(headers[c], format=f, width=85)
                                 for c, f in number.items()},
                              "effect": st.column_config.NumberColumn(headers["effect"], format="%+.2f", width=115),
                              "outcome": headers["outcome"], "verdict": headers["verdict"]})
with progress_view:
    data_table(records[["id", "title", "bucket", "state", "process", "owner", "due_date", "go_live", "on_time"]],
               column_config={"id": st.column_config.NumberColumn("#", width=40),
                              "title": st.column_config.TextColumn(headers["title"], width=200),
                              "due_date": st.column_config.DateColumn(headers["due_date"], format="YYYY-MM-DD"),
                              **{c: headers[c] for c in ("bucket", "state", "process", "owner", "go_live", "on_time")}})
