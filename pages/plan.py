"""Annual plan (年度服务改进计划): a year's records, their effects, and what improvement achieved."""

from __future__ import annotations

import streamlit as st

from analytics import i18n
from analytics.annual_plan import annual_plan, plan_years
from analytics.scorecard import display_names
from pages.common import data_table, get_store, lang, t, through_dashboard

through_dashboard()

store = get_store()
current_lang = lang()
st.title(t("plan.title"))
years = plan_years(store)
year = st.columns([1, 4])[0].selectbox(t("plan.year"), years, key="plan_year")
plan = annual_plan(store, int(year))

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
groups = plan.by_group.assign(category=plan.by_group["category"].map(
    lambda c: i18n.t(f"category.{c}", current_lang) if c in ("quality", "effectiveness", "cost", "efficiency") else c))
data_table(groups, column_config={
    "process": t("sc.process"), "category": t("sc.category"), **{b: t(f"bucket.{b}") for b in (
        "planned", "in_progress", "closed", "stopped")}})

st.subheader(t("plan.records"))
records = plan.records.assign(
    state=plan.records["state"].map(lambda s: i18n.t(f"state.{s}", current_lang)),
    bucket=plan.records["bucket"].map(lambda b: i18n.t(f"bucket.{b}", current_lang)),
    verdict=plan.records["verdict"].map(lambda v: i18n.t(f"verdict.{v}", current_lang) if isinstance(v, str) else ""),
    metric=display_names(plan.records, current_lang))
data_table(records[["id", "title", "bucket", "state", "process", "metric", "owner", "go_live", "before_mean",
                    "after_mean", "effect", "verdict", "on_time"]],
           column_config={"id": "#", "title": t("rec.field_title"), "bucket": t("plan.bucket"),
                          "state": t("rec.state_filter"),
                          "process": t("sc.process"), "metric": t("rec.field_metric"), "owner": t("rec.field_owner"),
                          "go_live": t("col.go_live"),
                          "before_mean": st.column_config.NumberColumn(t("col.before"), format="%.2f"),
                          "after_mean": st.column_config.NumberColumn(t("col.after"), format="%.2f"),
                          "effect": st.column_config.NumberColumn(t("col.effect"), format="%+.2f"),
                          "verdict": t("col.verdict"), "on_time": t("col.on_time")})
