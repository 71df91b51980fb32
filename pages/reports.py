"""Reports (报告): the gap report to download after the meeting, in xlsx, csv, html or pdf."""

from __future__ import annotations

import streamlit as st

from analytics import i18n
from analytics.analysis import latest_complete_period
from analytics.errors import InputRefused
from analytics.names import process_shown
from analytics.report_content import build_report
from analytics.reports import FORMATS, render_report, report_file_name
from analytics.scorecard import filter_options
from pages.common import (
    MEETING_CATEGORIES,
    MEETING_PROCESSES,
    data_table,
    get_analysis,
    get_store,
    keep_choice,
    lang,
    listed,
    period_select,
    show_refusal,
    t,
    through_dashboard,
)

through_dashboard()

current_lang = lang()
st.title(i18n.t("nav.reports", current_lang))
st.caption(t("report.intro"))
everything = get_analysis()
if everything.empty:
    st.info(t("sc.no_data"))
    st.stop()
periods = [p.strftime("%Y-%m") for p in everything.periods]
default = latest_complete_period(everything.periods).strftime("%Y-%m")
options = filter_options(everything, current_lang)
c1, c2, c3, c4, c5 = st.columns(5)
period = period_select(c1, t("report.period_label"), periods, default, key="report_period")


def one_of(chosen: list[str], choices: list[str]) -> str | None:
    """The scorecard's filter as this page's single choice: one value, or all when it chose several."""
    return chosen[0] if len(chosen) == 1 and chosen[0] in choices else None


def shared_choice(widget_key: str, shared_key: str, choices: list[str]) -> dict:
    """Open on the meeting's process (category); a change here becomes the meeting's choice."""
    keep_choice(widget_key, shared_key, lambda chosen: one_of(chosen, choices))

    def share() -> None:
        value = st.session_state[widget_key]
        st.session_state[shared_key] = [] if value is None else [value]

    return {"key": widget_key, "on_change": share}


process = c2.selectbox(t("sc.process"), [None] + options["process"],
                       **shared_choice("report_process", MEETING_PROCESSES, options["process"]),
                       format_func=lambda p, _lang=current_lang: i18n.t("sc.all", _lang) if p is None
                       else process_shown(p, _lang))
category = c3.selectbox(t("sc.category"), [None] + options["category"],
                        **shared_choice("report_category", MEETING_CATEGORIES, options["category"]),
                        format_func=lambda c, _lang=current_lang: i18n.t("sc.all", _lang) if c is None
                        else i18n.t(f"category.{c}", _lang))
several = [label for label, key, chosen in ((t("sc.process"), MEETING_PROCESSES, process),
                                            (t("sc.category"), MEETING_CATEGORIES, category))
           if chosen is None and len(st.session_state.get(key, [])) > 1]
if several:     # the report takes one process and one category: say why the review's choice is not here
    st.caption(t("report.one_filter", filters=listed(several)))
# the report speaks the page's language, and follows it when the sidebar switches; a language chosen
# here stands until then (the widget's own state kept the old language after a switch)
if st.session_state.get("report_lang_page") != current_lang or "report_lang" not in st.session_state:
    st.session_state["report_lang"] = current_lang
st.session_state["report_lang_page"] = current_lang
report_lang = c4.selectbox(t("report.language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,
                           key="report_lang")
fmt = c5.selectbox(t("report.format"), list(FORMATS), key="report_format", format_func=str.upper)

content = build_report(get_store(), period, report_lang, process=process, category=category)


def _build() -> bytes:
    return render_report(content, fmt)


try:
    if fmt == "pdf":
        from analytics.report_html import chromium_path

        if chromium_path() is None:
            raise InputRefused(t("report.no_pdf", detail="chromium"))
    st.download_button(t("report.download", fmt=fmt.upper()), data=_build, type="primary",
                       file_name=report_file_name(content, fmt), mime=FORMATS[fmt], icon=":material/download:",
                       on_click="ignore")
except InputRefused as exc:
    show_refusal(exc, heading=t("app.refused"))

st.subheader(content.title)
cols = st.columns(5)
for column, key in zip(cols, ("met", "near", "missed", "improvements", "concerns")):
    column.metric(t(f"sc.{key}"), content.headline[key])
if content.top:
    st.markdown(f"**{content.label('report.top')}**")
    # a table: the real ranks, and names shown as typed (no markdown); rows tall enough for a long
    # reason to wrap onto a second line, where one line cut it at the table's edge
    top = content.top_table()
    data_table(top, row_height=72, column_config={
        top.columns[0]: st.column_config.NumberColumn(width=64), top.columns[1]: st.column_config.TextColumn(width=180)})
