"""Monthly review (月度评审): the scorecard the meeting walks through, exceptions first."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics import i18n
from analytics.analysis import latest_complete_period
from analytics.icons import BADGE_HEIGHT, badge_svg, badge_width, data_uri
from analytics.names import process_shown
from analytics.record_views import open_record_labels
from analytics.scorecard import (
    STATUS_COLOURS,
    STATUSES,
    Filters,
    filter_options,
    headline,
    scorecard_rows,
)
from pages.common import (
    MEETING_CATEGORIES,
    MEETING_PROCESSES,
    data_table,
    get_analysis,
    get_store,
    keep_choice,
    lang,
    period_select,
    t,
    through_dashboard,
)

through_dashboard()
current_lang = lang()     # bound into format_func lambdas: the language of this run

st.title(t("sc.title"))
everything = get_analysis()
if everything.empty:
    st.info(t("sc.no_data"))
    st.page_link("pages/home.py", label=t("nav.home"), icon=":material/home:")
    st.stop()

periods = [p.strftime("%Y-%m") for p in everything.periods]
default = latest_complete_period(everything.periods).strftime("%Y-%m")
# two rows of filters: in one row of six, a chosen process showed as a bare "×" at 1280 px
first, second = st.columns([1, 2, 2.5]), st.columns([2, 2, 1])
period = period_select(first[0], t("sc.period"), periods, default, key="sc_period")
analysis = get_analysis(period)
options = filter_options(analysis, current_lang)


def kept_filter(column, label: str, name: str, choices, shared_key: str, **extra) -> tuple[str, ...]:
    """A filter kept while the meeting opens a metric and comes back (those of this month only);
    the process and category are also the other pages' (MEETING_PROCESSES, MEETING_CATEGORIES)."""
    keep_choice(f"sc_{name}", shared_key, lambda chosen: [c for c in chosen if c in choices])
    chosen = column.multiselect(label, choices, key=f"sc_{name}", placeholder=t("sc.all"), **extra)
    st.session_state[shared_key] = chosen
    return tuple(chosen)


def kept_search(column) -> str:
    """The search box, kept as the filters are."""
    keep_choice("sc_search", "scorecard_search", lambda text: text)
    text = column.text_input(t("sc.search"), key="sc_search", help=t("sc.search_help"))
    st.session_state["scorecard_search"] = text
    return text


filters = Filters(
    processes=kept_filter(first[1], t("sc.process"), "process", options["process"], MEETING_PROCESSES,
                          format_func=lambda p, _lang=current_lang: process_shown(p, _lang)),
    categories=kept_filter(first[2], t("sc.category"), "category", options["category"], MEETING_CATEGORIES,
                           format_func=lambda c, _lang=current_lang: i18n.t(f"category.{c}", _lang)),
    owners=kept_filter(second[0], t("sc.owner"), "owner", options["owner"], "scorecard_owners"),
    statuses=kept_filter(second[1], t("sc.status"), "status", STATUSES, "scorecard_statuses",
                         format_func=lambda s, _lang=current_lang: i18n.t(f"status.{s}", _lang)),
    search=kept_search(second[2]),
)
rows = scorecard_rows(analysis, lang(), filters)

counts = headline(rows)
for column, key in zip(st.columns(5), ("met", "near", "missed", "improvements", "concerns")):
    column.metric(t(f"sc.{key}"), counts[key])
st.caption(t("sc.caption") + ("" if rows.empty else " " + t("sc.more_columns")))

if rows.empty:
    st.info(t("sc.none_match"))
    st.stop()

# a 1280×800 meeting-room projector, sidebar open, gives the table 789 px. The columns the meeting
# reads come first and fit it (measured 770 px in Chinese, 772 in English): the metric (pinned, 168 px
# holds ten Chinese characters), the numbers, the status, the trend and the SPC variation. The rest
# follows to the right, reached by scrolling beside the pinned metric: assurance, the other icon, first
# (what the edge cuts is a picture: a cut priority showed 10 as "1"), priority (the rows' order
# already), the words that explain a row (records, reason), and the sparkline, the picture, last.
COLUMNS = ["display_name", "actual_text", "target_text", "gap_text", "gap_pct", "status_text", "trend_text",
           "variation_icon", "assurance_icon", "priority", "open_records", "reason", "sparkline"]
open_records = open_record_labels(get_store(), lang())
# status as a coloured badge picture: a Styler colouring the cells re-renders every cell on each rerun
badges = {s: data_uri(badge_svg(t(f"status.{s}"), colour)) for s, colour in STATUS_COLOURS.items()}


def badge_column_width(status: str) -> int:
    """Room for a status badge in a 38 px row: the grid draws it 32 px high (3 px padding above and below),
    9 px in from the left: "Off target" needs 126 px and "No target" 120, more than the fixed 100 it had."""
    return math.ceil(9 + badge_width(t(f"status.{status}")) * 32 / BADGE_HEIGHT) + 3


view = rows.assign(
    status_text=rows["status_shown"].map(badges),
    trend_text=[i18n.trend_label(v, slope, lang()) or "–" for v, slope in zip(rows["trend"], rows["slope"], strict=True)],
    priority=rows["priority"].map(lambda p: "" if pd.isna(p) else str(int(p))),
    gap_pct=rows["gap_pct_shown"],          # signed as the gap beside it is: no "+0.0%" by "-0.04 pp"
    open_records=rows["metric_id"].map(open_records).astype(object).fillna(""),
)[COLUMNS + ["metric_id", "name", "status", "actual"]]
# as wide as the widest badge in view: "未达标" and "Missed" take 91 px, "No target" 120
status_width = max((badge_column_width(s) for s in rows["status_shown"].dropna().unique()), default=91)
selection = data_table(
    view, height=min(38 * len(view) + 40, 900), row_height=38,
    on_select="rerun", selection_mode="single-row", key="sc_table",
    column_order=COLUMNS,
    column_config={
        "display_name": st.column_config.TextColumn(t("col.metric"), width=168, pinned=True),
        "actual_text": st.column_config.TextColumn(t("col.actual"), width="small", help=t("sc.help.actual")),
        "target_text": st.column_config.TextColumn(t("col.target"), width="small"),
        # "-0.04 百分点" needs 92 px where "-0.04 pp" fitted 75 (zh: 770 px of 789; by the badge's width,
        # 784 with 偏离目标)
        "gap_text": st.column_config.TextColumn(t("col.gap"), width=92 if current_lang == "zh" else "small",
                                                help=t("sc.help.gap")),
        "gap_pct": st.column_config.NumberColumn(t("col.gap_pct"), format="%+.1f%%", width="small",
                                                 help=t("sc.help.gap_pct")),
        "status_text": st.column_config.ImageColumn(t("col.status"), width=status_width),
        "trend_text": st.column_config.TextColumn(t("col.trend"), width=114 if current_lang == "zh" else 104,
                                                  help=t("sc.help.trend")),     # → 无显著趋势, ↘ Worsening whole
        # the icon is 32 px; "Variation" would not fit over it, "SPC" does (its full name in the tooltip)
        "variation_icon": st.column_config.ImageColumn(t("sc.col.variation"), width=48, help=t("sc.help.variation")),
        "assurance_icon": st.column_config.ImageColumn(t("col.assurance"), width=66, help=t("sc.help.assurance")),
        "priority": st.column_config.TextColumn(t("col.priority"), width=58, help=t("sc.help.priority")),
        "open_records": st.column_config.TextColumn(t("col.open_records"), width=160),  # "#2 Monitoring: Not yet"
        "reason": st.column_config.TextColumn(t("col.reason"), width="large"),
        "sparkline": st.column_config.LineChartColumn(t("col.last_months"), width="medium"),
    },
)
chosen = selection.selection.rows if selection else []
if chosen:
    metric_id = int(rows.iloc[chosen[0]]["metric_id"])
    st.switch_page("pages/metric.py", query_params={"metric": str(metric_id), "period": period, "lang": lang()})

with st.expander(t("sc.legend")):
    from analytics.icons import (
        ASSURANCE_ICONS,
        VARIATION_ICONS,
        assurance_svg,
        data_uri,
        variation_svg,
    )

    icons = [(data_uri(variation_svg(v)), t(f"variation.{v}")) for v in VARIATION_ICONS]
    icons += [(data_uri(assurance_svg(a)), t(f"assurance.{a}")) for a in ASSURANCE_ICONS]
    st.markdown(" ".join(f'<span style="display:inline-flex;align-items:center;margin:0 18px 8px 0">'
                         f'<img src="{uri}" width="30" style="margin-right:6px"/>{label}</span>'
                         for uri, label in icons), unsafe_allow_html=True)
    st.markdown(t("sc.legend_body"))
