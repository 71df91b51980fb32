"""What the gap report says, decided once; the xlsx/csv/html/pdf writers only lay it out.

For a period (default: the latest complete month) and optional process/category filters, in
one language: the summary with the top priorities and why, the gap table, the points of every
metric that missed target or shows a special cause (for its chart), the open improvement
records with their verdict, and the provenance (the uploads the values came from).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from .analysis import Analysis, analyse, latest_complete_period
from .catalogue import CATEGORIES, CATEGORY_WORDS
from .errors import InputRefused, Problem
from .i18n import STRINGS, assurance_label, t, trend_label
from .names import header_key, process_shown, process_spelling
from .record_views import record_verification
from .records import OPEN_STATES, get_record, list_records
from .scorecard import Filters, display_names, filter_options, headline, scorecard_rows
from .store import Store
from .units import unit_shown
from .uploads import list_uploads

GAP_COLUMNS = ["metric", "unit", "actual", "baseline", "target", "gap", "gap_pct", "status", "variation",
               "assurance", "trend", "periods_to_target", "priority", "reason", "since_baseline"]
POINT_COLUMNS = ["period", "value", "mean", "lpl", "upl", "target", "point_type"]
TOP = 5


@dataclass
class ChartData:
    metric_id: int
    name: str
    unit: str | None
    decimals: int
    points: pd.DataFrame       # one metric's analysis points (for charts.xmr_figure)


@dataclass
class ReportContent:
    period: str | None
    lang: str
    title: str
    headline: dict[str, int]
    top: list[tuple[int, str, str]]     # (priority, metric, reason)
    gaps: pd.DataFrame                  # GAP_COLUMNS plus decimals; names in the report's language
    charts: list[ChartData]
    records: pd.DataFrame               # id, title, state, metric, owner, due_date, change_ref, go_live, verdict
    uploads: pd.DataFrame               # id, file_name, uploaded_by, uploaded_at, source, values_new, values_changed
    filters: Filters = field(default_factory=Filters)    # the process/category as the catalogue spells them

    def label(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    @property
    def has_values(self) -> bool:
        """Whether any metric of the report has a value in its period (a future month has none)."""
        return bool(self.gaps["status_key"].ne("no_data").any()) if "status_key" in self.gaps else False

    def top_table(self) -> pd.DataFrame:
        """The top priorities with their rank as `analyse` gives it (a filtered report keeps the
        real rank, 2 and 5, where a numbered list would renumber them 1 and 2)."""
        return pd.DataFrame([{self.label("col.priority"): p, self.label("col.metric"): m, self.label("col.reason"): r}
                             for p, m, r in self.top],
                            columns=[self.label(k) for k in ("col.priority", "col.metric", "col.reason")])


def build_report(store: Store, period: str | None = None, lang: str = "zh", *, process: str | None = None,
                 category: str | None = None) -> ReportContent:
    everything = analyse(store)
    if period is None and not everything.empty:
        chosen = latest_complete_period(everything.periods)
        period = chosen.strftime("%Y-%m") if chosen is not None else None
    analysis = analyse(store, period) if period else everything
    filters = report_filters(everything, process, category)
    filtered = bool(filters.processes or filters.categories)
    rows = scorecard_rows(analysis, lang, filters)
    title = t("report.title", lang, period=period or "–") + _scope(filters, lang)
    if rows.empty:
        empty = pd.DataFrame(columns=GAP_COLUMNS + ["decimals"])
        return ReportContent(period, lang, title, headline(rows), [], empty, [],
                             _records(store, lang, set() if filtered else None), _uploads(store, set(), period, lang),
                             filters)
    gaps = pd.DataFrame({
        "metric": rows["display_name"], "unit": rows["unit"].map(lambda u: unit_shown(u, lang)),
        "actual": rows["actual"], "baseline": rows["baseline"],
        "target": rows["target"], "gap": rows["gap"], "gap_pct": rows["gap_pct"],
        "status": rows["status_shown"].map(lambda s: t(f"status.{s}", lang)),
        "variation": rows["variation"].map(lambda v: t(f"variation.{v}", lang) if isinstance(v, str) else None),
        "assurance": [assurance_label(v, why, lang) for v, why in zip(rows["assurance"], rows["assurance_reason"],
                                                                           strict=True)],
        "trend": [trend_label(v, slope, lang) for v, slope in zip(rows["trend"], rows["slope"], strict=True)],
        "periods_to_target": pd.Series([_months_to_target(months, trend, lang) for months, trend in zip(
            rows["periods_to_target"], rows["trend"], strict=True)], index=rows.index, dtype=object),
        "priority": rows["priority"].astype("Int64"),
        "reason": rows["reason"],
        "since_baseline": rows["change_since_baseline"].map(lambda v: t(f"since.{v}", lang) if isinstance(v, str)
                                                            else None),
        "decimals": rows["decimals"].fillna(1).astype(int),
        "status_key": rows["status_shown"], "metric_id": rows["metric_id"],
    })
    top = [(int(p), m, r) for p, m, r in zip(rows["priority"], rows["display_name"], rows["reason"])
           if pd.notna(p)][:TOP]
    needs_chart = rows["status"].isin(["missed", "near"]) | (
        rows["variation"].notna() & ~rows["variation"].isin(["common_cause", "too_few_points"]))
    charts = []
    charted = rows[needs_chart]
    points = analysis.points
    # one pass over the points for all charted metrics (not one boolean mask over all points per chart)
    points = points[points["metric_id"].isin(charted["metric_id"])].sort_values(["metric_id", "period"], kind="stable")
    by_metric = dict(iter(points.groupby("metric_id", sort=False)))
    empty = points.iloc[0:0]
    for row in charted.itertuples():
        charts.append(ChartData(int(row.metric_id), row.display_name, row.unit if isinstance(row.unit, str) else None,
                                int(row.decimals) if pd.notna(row.decimals) else 1,
                                by_metric.get(row.metric_id, empty)))
    return ReportContent(period, lang, title, headline(rows), top, gaps.reset_index(drop=True), charts,
                         _records(store, lang, set(rows["metric_id"]) if filtered else None),
                         _uploads(store, set(rows["metric_id"]), period, lang), filters)


def report_filters(everything: Analysis, process: str | None, category: str | None) -> Filters:
    """The report's filters as the catalogue spells them: a process in any letter case, a category
    in English or Chinese (Cost, 服务成本). A value naming nothing is refused with the known values,
    where it gave an empty report that looked like 'no gaps'."""
    processes = filter_options(everything)["process"]
    if process:
        known = {p.casefold(): p for p in processes}
        spelled = process_spelling(process.strip(), processes).casefold()      # 变更管理 is change
        if spelled not in known:
            raise InputRefused(Problem(f"process '{process}' is not one of {', '.join(processes) or '(none)'}"))
        process = known[spelled]
    if category:
        canonical = CATEGORY_WORDS.get(header_key(category))
        if canonical is None:         # the catalogue's own refusal, which localise puts in Chinese
            raise InputRefused(Problem(f"category '{category}' is not one of {', '.join(CATEGORIES)} "
                                       "(服务质量/服务效果/服务成本/流程执行效率)"))
        category = canonical
    return Filters(processes=(process,) if process else (), categories=(category,) if category else ())


def _months_to_target(months: object, trend: object, lang: str) -> int | str | None:
    """Months until the target at the trend's slope, as the report shows them: 0 when it is met
    already; none without a significant trend (a slope that may be noise promises nothing, and
    '418' or 'never' beside 'No trend' would read as a forecast); 'never' in the reader's language.
    Whole numbers, kept as such (a column of them and blanks is not turned into 10.0)."""
    if months is None or (isinstance(months, float) and math.isnan(months)):
        return None
    if months == 0:
        return 0
    if trend == "no_trend":
        return None
    return t("report.ptt_never", lang) if months == "never" else int(months)


def _scope(filters: Filters, lang: str) -> str:
    """' · 流程:事件管理 · 类别:服务成本' after the title of a filtered report: the document is passed
    round after the meeting, and its headline counts are of these metrics only."""
    parts = [t("report.scope_process", lang, process=process_shown(p, lang)) for p in filters.processes]
    parts += [t("report.scope_category", lang, category=t(f"category.{c}", lang)) for c in filters.categories]
    return "".join(" · " + part for part in parts)


def _records(store: Store, lang: str, metric_ids: set | None) -> pd.DataFrame:
    """The open records; of a filtered report, only those of its metrics (None: no filter, all of them)."""
    records = list_records(store)
    records = records[records["state"].isin(OPEN_STATES)]
    if metric_ids is not None:
        records = records[records["metric_id"].isin(metric_ids)]
    verdicts = []
    for record_id in records["id"]:
        verification = record_verification(store, get_record(store, int(record_id)))
        verdicts.append(t(f"verdict.{verification.verdict}", lang) if verification else None)
    out = records[["id", "title", "state", "metric", "owner", "due_date", "change_ref", "go_live"]].copy()
    out["metric"] = display_names(records, lang) if len(records) else out["metric"]   # as the gap table names it
    out["state"] = out["state"].map(lambda s: t(f"state.{s}", lang))
    out["due_date"] = pd.to_datetime(out["due_date"]).map(lambda d: d.date() if pd.notna(d) else None)   # a day
    out["verdict"] = verdicts
    return out.reset_index(drop=True)


def _uploads(store: Store, metric_ids: set, period: str | None, lang: str) -> pd.DataFrame:
    """The uploads the report's values came from: those holding a current value of one of its
    metrics up to its period (the month's value and the history its limits, trend and charts are
    drawn from), where every applied upload was listed, later months and other processes too."""
    uploads = list_uploads(store)
    sources: set = set()
    if metric_ids and period:
        month_after = (pd.Period(period, "M") + 1).to_timestamp().date()
        with store.read() as con:
            sources = {row[0] for row in con.execute(
                "SELECT DISTINCT upload_id FROM current_observation WHERE period < ? AND list_contains(?, metric_id)",
                [month_after, sorted(int(i) for i in metric_ids)]).fetchall()}
    uploads = uploads[(uploads["outcome"] == "applied") & uploads["id"].isin(sources)]
    uploads = uploads.assign(source=[t(f"source.{s}", lang) if f"source.{s}" in STRINGS else s   # 服务报告, not
                                     for s in uploads["source"]])                                 # service_report
    return uploads[["id", "file_name", "uploaded_by", "uploaded_at", "source", "values_new",
                    "values_changed"]].reset_index(drop=True)


def looks_like_formula(text: object) -> bool:
    """Text a spreadsheet would run as a formula (= + - @, or a tab or CR before one)."""
    return isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV, which has no
    cell formats); other values pass. The workbook marks such a cell quote-prefixed instead."""
    return "'" + text if looks_like_formula(text) else text


def neutralised_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame for a CSV: every text column neutralised (see neutralise), numbers as they are."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise)
    return frame
