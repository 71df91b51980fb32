"""Metric detail (指标详情): the XmR chart and everything behind one metric's numbers.

Addressable by URL (?metric=ID&period=YYYY-MM&lang=zh) so a link can go into the minutes.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.baselines import list_versions
from analytics.charts import xmr_figure
from analytics.i18n import assurance_label, trend_label
from analytics.localise import message_text
from analytics.names import process_shown
from analytics.records import list_records, record_events
from analytics.scorecard import display_name, shown_status
from analytics.units import (
    format_difference,
    format_number,
    format_rate,
    shown_rounded,
    unit_shown,
)
from analytics.uploads import value_history
from pages.common import (
    MEETING_PERIOD,
    by_display_name,
    data_table,
    get_analysis,
    get_store,
    lang,
    t,
    through_dashboard,
)


def show_metrics_needing_attention(table: pd.DataFrame, language: str) -> None:
    """Opened from the menu with no metric: the ones the review would look at first, one click away."""
    attention = table[table["priority"].notna()].sort_values("priority").head(5)
    if attention.empty:
        return
    st.caption(t("md.attention"))
    for metric_id, item in attention.iterrows():
        status = t(f"status.{item['status']}")
        label = f"{display_name(item, language)} · {status}"
        if st.button(label, key=f"attention-{metric_id}", icon=":material/monitoring:"):
            st.query_params["metric"] = str(metric_id)
            st.rerun()


through_dashboard()
current_lang = lang()     # bound into format_func lambdas: the language of this run

everything = get_analysis()
if everything.empty:
    st.title(t("nav.metric"))
    st.info(t("sc.no_data"))
    st.stop()

periods = [p.strftime("%Y-%m") for p in everything.periods]
period = st.query_params.get("period")
if period in periods:
    st.session_state[MEETING_PERIOD] = period          # a link's month is the meeting's month on every page
else:                                                  # opened from the menu: the month the meeting is on
    period = st.session_state.get(MEETING_PERIOD) if st.session_state.get(MEETING_PERIOD) in periods else None
analysis = get_analysis(period)
table = analysis.table.set_index("metric_id")
ids = by_display_name(table, current_lang)
heading = st.container()       # the title stands above the picker, as on every page, though the choice names it
asked = st.query_params.get("metric")
try:
    current = int(asked) if asked is not None else None
except ValueError:
    current = None
if asked is not None and current not in ids:
    st.warning(t("md.unknown", id=asked))
    current = None
choice = st.selectbox(t("md.pick"), ids, index=ids.index(current) if current in ids else None,
                      format_func=lambda i, _lang=current_lang: display_name(table.loc[i], _lang), placeholder=t("md.no_metric"))
if choice is None:
    heading.title(t("nav.metric"))
    show_metrics_needing_attention(table, current_lang)
    st.stop()
if st.query_params.get("metric") != str(choice):
    st.query_params["metric"] = str(choice)
row = table.loc[choice]
name = display_name(row, lang())
unit = unit_shown(row["unit"], lang())        # 小时, 分钟 on a Chinese page (the catalogue keeps h, min)
decimals = int(row["decimals_shown"])

heading.title(name)
heading.caption(" · ".join(str(x) for x in (row["name"], t(f"category.{row['category']}") if isinstance(
    row["category"], str) else None, process_shown(row["process"], current_lang), row["owner"], t(f"direction.{row['direction']}"))
    if x and not (isinstance(x, float) and pd.isna(x))))

cols = st.columns(3) + st.columns(3)
since = row["actual"] - row["baseline"]          # change since baseline, green when better (SPEC 6)
unchanged = pd.notna(since) and shown_rounded(since, decimals) == 0     # '+0' in red, arrow up, read as a worsening
cols[0].metric(t("col.actual"), format_number(row["actual"], unit, decimals), help=row["period"],
               delta=None if pd.isna(since) else (f"{format_difference(since, unit, decimals, signed=not unchanged, lang=current_lang)} "
                                                  f"{t('md.vs_baseline')}"),
               delta_color="off" if unchanged else {"increase": "normal", "decrease": "inverse"}.get(row["direction"], "off"),
               delta_arrow="off" if unchanged else "auto")
cols[1].metric(t("col.target"), format_number(row["target"], unit, decimals))
cols[2].metric(t("col.baseline"), format_number(row["baseline"], unit, decimals))
cols[3].metric(t("col.gap"), format_difference(row["gap"], unit, decimals, lang=current_lang))
cols[4].metric(t("col.status"), t(f"status.{shown_status(row['status'], row['direction'])}"))
cols[5].metric(t("col.variation"), t(f"variation.{row['variation']}") if isinstance(row["variation"], str) else "–",
               help=assurance_label(row["assurance"], row["assurance_reason"], lang()))

if st.button(t("md.raise"), icon=":material/add_task:"):
    st.switch_page("pages/records.py", query_params={"metric": str(choice), "period": row["period"], "lang": lang()})

points = analysis.points[analysis.points["metric_id"] == choice]
metric_records = list_records(get_store())
metric_records = metric_records[metric_records["metric_id"] == choice]
events = record_events(metric_records, {k: t(f"chart.record_{k}") for k in ("raised", "go_live", "closed")})
versions = list_versions(get_store(), row["name"])
if points.empty:                  # in the catalogue, no upload yet: an empty chart frame would say nothing
    st.info(t("md.no_values_yet", name=name), icon=":material/upload_file:")
else:
    show_2sigma = st.toggle(t("md.two_sigma"), value=False)
    upcoming = versions[pd.to_datetime(versions["from_period"] + "-01") > points["period"].max()]
    next_cycle = upcoming.iloc[-1].to_dict() if len(upcoming) else None
    figure = xmr_figure(points, title=t("md.chart_title", name=name), unit=unit, decimals=decimals, lang=lang(),
                        show_2sigma=show_2sigma, events=events, next_cycle=next_cycle)
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})

st.subheader(t("md.trend"))
ptt = row["periods_to_target"]
if row["status"] == "no_data":
    forecast = t("md.forecast_no_value", period=row["period"])
elif ptt is None or (isinstance(ptt, float) and pd.isna(ptt)):
    forecast = t("md.forecast_none")
elif ptt == "never":
    forecast = t("md.forecast_never")
elif int(ptt) == 0:
    forecast = t("md.forecast_met")
else:
    forecast = t("md.forecast_months", n=int(ptt))
    if row["trend"] == "no_trend":          # a slope that may be noise: its forecast is no promise
        forecast += " " + t("md.forecast_not_significant")
verdict = trend_label(row["trend"], row["slope"], lang()) or "–"
st.markdown(f"**{verdict}** · " + t("md.trend_body", n=int(row["n"]) if pd.notna(row["n"]) else 0,
                                     S=int(row["S"]) if pd.notna(row["S"]) else 0,
                                     p=f"{row['p']:.3f}" if pd.notna(row["p"]) else "–",
                                     slope=format_rate(row["slope"], unit, decimals, current_lang),
                                     forecast=forecast))
if isinstance(row.get("definition"), str):
    st.caption(f"{t('md.definition')}: {row['definition']}")

left, right = st.columns([3, 2])
with left:
    st.subheader(t("md.numbers"))
    numbers = points.sort_values("period", ascending=False).assign(
        period=lambda f: f["period"].dt.strftime("%Y-%m"),
        point=lambda f: f["point_type"].map(lambda p: t(f"point.{p}") if isinstance(p, str) else "–"))
    # the mean and limits two places finer than the values: a count's mean of 1.72 is not 2, and a
    # value of 4.8 beside a limit of 4.802 is below it, as its colour says
    places = decimals + 2
    data_table(numbers[["period", "value", "target", "mean", "lpl", "upl", "point"]], column_config={
                     "period": t("col.period"), "value": st.column_config.NumberColumn(t("col.value"),
                                                                                       format=f"%.{decimals}f"),
                     "target": st.column_config.NumberColumn(t("col.target"), format=f"%.{decimals}f"),
                     "mean": st.column_config.NumberColumn(t("chart.mean"), format=f"%.{places}f"),
                     "lpl": st.column_config.NumberColumn(t("chart.lpl"), format=f"%.{places}f"),
                     "upl": st.column_config.NumberColumn(t("chart.upl"), format=f"%.{places}f"),
                     "point": t("md.point")})
with right:
    st.subheader(t("md.versions"))
    versions = versions.assign(reason=[message_text(r, lang()) if isinstance(r, str) else r for r in versions["reason"]])
    data_table(versions[["cycle", "from_period", "baseline", "target", "set_by", "reason"]], column_config={
                     "cycle": "#", "from_period": t("col.period"), "baseline": t("col.baseline"),
                     "target": t("col.target"), "set_by": t("col.by"), "reason": t("md.reason")})
    st.subheader(t("md.history"))
    history = value_history(get_store(), int(choice))
    history["state"] = [t("md.hist_rolled_back") if state == "rolled back"
                        else t("md.hist_superseded", upload=int(by)) if pd.notna(by) else t("md.hist_current")
                        for state, by in zip(history["state"], history["superseded_by"])]
    data_table(history[["period", "value", "state", "upload_id", "file_name", "uploaded_by", "uploaded_at", "sheet",
                        "row_number"]], column_config={
        "period": t("col.period"), "value": st.column_config.NumberColumn(t("col.value"), format=f"%.{decimals}f"),
        "state": t("md.hist_state"), "upload_id": t("md.hist_upload"), "file_name": t("col.file"),
        "uploaded_by": t("col.by"), "uploaded_at": st.column_config.DatetimeColumn(t("col.when"), format="YYYY-MM-DD HH:mm"),
        "sheet": t("col.sheet"), "row_number": t("col.row")})

if not metric_records.empty:
    st.subheader(t("md.records"))
    data_table(metric_records.assign(state=metric_records["state"].map(lambda s: t(f"state.{s}")))[
        ["id", "title", "state", "change_ref", "go_live", "owner"]],
        column_config={"id": "#", "title": t("rec.field_title"), "state": t("rec.state_filter"),
                       "change_ref": t("col.change_ref"), "go_live": t("col.go_live"), "owner": t("rec.field_owner")})
    st.page_link("pages/records.py", label=t("nav.records"), icon=":material/assignment:")

st.page_link("pages/scorecard.py", label=t("md.back"), icon=":material/arrow_back:",
             query_params={"period": row["period"], "lang": lang()})
