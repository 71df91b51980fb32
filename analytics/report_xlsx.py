"""The gap report as an Excel workbook (xlsxwriter): Summary, Gaps, Charts, Records, Data, Uploads.

Real numbers with number formats (the metric's decimals), frozen header rows, autofilters,
fitted column widths, status colours, native Excel line charts (one per charted metric, drawn
from the Data sheet, special-cause points in the dashboard's colours, the mean and limits stepping
at a new cycle). Text is always written as text (never as a formula), and text that looks like a
formula is quote-prefixed as well.

Most of the workbook is the charted metrics' points, so the Data sheet is written from arrays with
the formats made once, and only the first series of a chart carries the month labels (Excel takes
the axis from it; every further copy would be cached in the chart again).
"""

from __future__ import annotations

import datetime
import io

import numpy as np
import pandas as pd
import xlsxwriter

from .icons import PALETTE, POINT_COLOURS
from .memory import gc_paused
from .report_content import (
    ReportContent,
    looks_like_formula,
    neutralise,
    neutralised_text,
)
from .scorecard import STATUS_COLOURS
from .units import pct_shown, points_word, shown_rounded

HEADER = {"bold": True, "bg_color": "#005EB8", "font_color": "white", "text_wrap": True, "valign": "top",
          "border": 1}
FONT = "Microsoft YaHei"


class SheetWriter:
    def __init__(self, target):
        self.book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "nan_inf_to_errors": True})
        self.formats: dict[tuple, object] = {}

    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.formats:
            self.formats[key] = self.book.add_format({"font_name": FONT, **props})
        return self.formats[key]

    def cell(self, sheet, row: int, col: int, value, decimals: int | None = None, suffix: str = "", **props) -> int:
        """Write one value with the right type; returns the width it needs. A number's `suffix` is
        shown by its number format (' pp'), the value staying a number."""
        if value is None or value is pd.NA or value is pd.NaT or (
                isinstance(value, (float, datetime.date, pd.Timestamp)) and pd.isna(value)):
            sheet.write_blank(row, col, None, self.fmt(**props))
            return 0
        if isinstance(value, (bool,)):
            sheet.write_boolean(row, col, value, self.fmt(**props))
            return 5
        if isinstance(value, (int, float)) and not isinstance(value, bool) or hasattr(value, "item"):
            number = float(value)
            places = 0 if float(number).is_integer() and decimals is None else (decimals if decimals is not None
                                                                                 else 2)
            shown = "#,##0" + ("." + "0" * places if places else "") + (f'"{suffix}"' if suffix else "")
            sheet.write_number(row, col, number, self.fmt(num_format=shown, **props))
            return len(f"{number:,.{places}f}") + len(suffix) + 1
        if isinstance(value, (datetime.date, datetime.datetime, pd.Timestamp)):
            sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(),
                                 self.fmt(num_format="yyyy-mm-dd hh:mm" if isinstance(value, (datetime.datetime,
                                                                                             pd.Timestamp))
                                          else "yyyy-mm-dd", **props))
            return 16
        text = str(value)
        self.text(sheet, row, col, text, **props)
        return max(len(line) + sum(1 for ch in line if ord(ch) > 0x2E80) for line in text.splitlines() or [""])

    def text(self, sheet, row: int, col: int, text: str, **props) -> None:
        """Text as text; text that looks like a formula is quote-prefixed: Excel shows =1+2 as typed,
        with no apostrophe in the cell, and does not run it when the cell is edited."""
        sheet.write_string(row, col, text, self.fmt(quote_prefix=True, **props) if looks_like_formula(text)
                           else self.fmt(**props))

    def table(self, name: str, frame: pd.DataFrame, headers: dict[str, str], decimals: pd.Series | None = None,
              start_row: int = 0, fixed_decimals: dict[str, int] | None = None,
              suffixes: dict[str, list[str]] | None = None):
        """One sheet: numbers with each row's metric decimals, except columns in `fixed_decimals`
        (a gap % has one decimal whatever the metric's unit), and a column's row by row unit shown
        from `suffixes` (the gap of a % metric is in percentage points)."""
        sheet = self.book.add_worksheet(name)
        columns = list(headers)
        widths = [len(headers[c]) * 2 for c in columns]
        for j, column in enumerate(columns):
            sheet.write_string(start_row, j, headers[column], self.fmt(**HEADER))
        column_suffixes = [(suffixes or {}).get(column) for column in columns]
        for n, row in enumerate(frame[columns].itertuples(index=False)):
            i = start_row + 1 + n
            places = int(decimals.iloc[n]) if decimals is not None else None
            for j, value in enumerate(row):
                column_places = (fixed_decimals or {}).get(columns[j], places)
                suffix = column_suffixes[j][n] if column_suffixes[j] else ""
                widths[j] = max(widths[j], self.cell(sheet, i, j, value, column_places, suffix))
        for j, width in enumerate(widths):
            sheet.set_column(j, j, min(max(width, 6), 60))
        sheet.freeze_panes(start_row + 1, 0)
        if len(frame):
            sheet.autofilter(start_row, 0, start_row + len(frame), len(columns) - 1)
        return sheet


def write_xlsx(content: ReportContent, target=None) -> bytes | None:
    """Write to a path, or return the bytes when target is None."""
    with gc_paused():                  # xlsxwriter keeps a small tuple per cell: 320k for 2,000 metrics
        return _write_xlsx(content, target)


def _write_xlsx(content: ReportContent, target) -> bytes | None:
    buffer = io.BytesIO() if target is None else None
    writer = SheetWriter(buffer if buffer is not None else target)
    label = content.label
    _summary(writer, content)
    gap_headers = {"metric": label("col.metric"), "unit": label("report.unit"), "actual": label("col.actual"),
                   "baseline": label("col.baseline"), "target": label("col.target"), "gap": label("col.gap"),
                   "gap_pct": label("col.gap_pct"), "status": label("col.status"),
                   "variation": label("col.variation"), "assurance": label("col.assurance"),
                   "trend": label("col.trend"), "periods_to_target": label("report.ptt"),
                   "priority": label("col.priority"), "reason": label("col.reason"),
                   "since_baseline": label("col.since_baseline")}     # last: a script reading by position keeps working
    gaps = writer.table(label("report.gaps"), content.gaps, gap_headers,
                        decimals=content.gaps["decimals"] if len(content.gaps) else None,
                        fixed_decimals={"gap_pct": 1, "periods_to_target": 0, "priority": 0},
                        suffixes={"gap": [" " + points_word(content.lang) if unit == "%" else ""    # as format_difference
                                          for unit in content.gaps["unit"]]})
    _print_setup(gaps, header_row=True)
    if len(content.gaps):
        status_col = list(gap_headers).index("status")
        for key, colour in STATUS_COLOURS.items():
            gaps.conditional_format(1, status_col, len(content.gaps), status_col, {
                "type": "cell", "criteria": "==", "value": f'"{label(f"status.{key}")}"',
                "format": writer.book.add_format({"bg_color": colour})})
    data_rows = _data(writer, content)
    _charts(writer, content, data_rows)
    writer.table(label("report.records"), content.records, {
        "id": "#", "title": label("rec.field_title"), "state": label("rec.state_filter"),
        "metric": label("col.metric"), "owner": label("rec.field_owner"), "due_date": label("rec.field_due_date"),
        "change_ref": label("col.change_ref"), "go_live": label("col.go_live"), "verdict": label("col.verdict")})
    writer.table(label("report.uploads"), content.uploads, {
        "id": "#", "file_name": label("col.file"), "uploaded_by": label("col.by"), "uploaded_at": label("col.when"),
        "source": label("upload.source"), "values_new": label("upload.new"),
        "values_changed": label("upload.changed")})
    writer.book.close()
    return buffer.getvalue() if buffer is not None else None


def _summary(writer: SheetWriter, content: ReportContent) -> None:
    label = content.label
    sheet = writer.book.add_worksheet(label("report.summary"))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 90)
    sheet.write_string(0, 0, content.title, writer.fmt(bold=True, font_size=16))
    sheet.write_string(1, 0, label("report.generated", when=datetime.datetime.now().strftime("%Y-%m-%d %H:%M")),
                       writer.fmt(italic=True, font_color="#666666"))
    for i, key in enumerate(("met", "near", "missed", "improvements", "concerns"), start=3):
        sheet.write_string(i, 0, label(f"sc.{key}"), writer.fmt(bold=True))
        sheet.write_number(i, 1, content.headline[key], writer.fmt(num_format="0"))
    sheet.write_string(9, 0, label("report.top"), writer.fmt(bold=True, font_size=13))
    for i, (priority, metric, reason) in enumerate(content.top, start=10):
        sheet.write_number(i, 0, priority, writer.fmt(num_format="0", align="left"))
        writer.text(sheet, i, 1, str(metric), bold=True)
        writer.text(sheet, i, 2, str(reason or ""), text_wrap=True)
    _print_setup(sheet, header_row=False)
    sheet.activate()


def _print_setup(sheet, header_row: bool) -> None:
    """Printed for the meeting: A4 landscape, one page wide, the header row on every page."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    if header_row:
        sheet.repeat_rows(0)


SPECIAL = (("special_cause_improvement", PALETTE["improvement"]), ("special_cause_concern", PALETTE["concern"]),
           ("special_cause_neutral", PALETTE["neutral"]))
CYCLE_LINES = ("mean", "lpl", "upl")          # constant within a cycle: stepped, not joined, at a new one
STEPPED_LINES = (*CYCLE_LINES, "target")      # the target too steps where a new version changes it
FIRST_CYCLE_COLUMN = 8 + len(SPECIAL)
# metric, period, value, mean, lpl, upl, target, point; a value column per signal; each stepped line twice
DATA_COLUMNS = FIRST_CYCLE_COLUMN + 2 * len(STEPPED_LINES)


def _cycle_column(line: str, parity: int) -> int:
    """The Data column holding `line` in the odd (parity 0: the first, third, ...) or even steps."""
    return FIRST_CYCLE_COLUMN + 2 * STEPPED_LINES.index(line) + parity


def _signal_names(label) -> list[str]:
    """'Special cause: improvement', '... concern', '... neutral' (high and low share a colour and a column)."""
    return [label("point.special_cause_neutral_high").split("(")[0].strip() if key == "special_cause_neutral"
            else label(f"point.{key}") for key, _ in SPECIAL]


def _cycle_names(label) -> list[str]:
    """'Mean (cycles 1, 3, 5…)', 'Mean (cycles 2, 4, 6…)', the same for each process limit, then
    'Target (targets 1, 3, 5…)' and 'Target (targets 2, 4, 6…)'."""
    return [label(key, line=label(f"chart.{line}")) for line in CYCLE_LINES
            for key in ("report.cycles_odd", "report.cycles_even")] + [
        label(key, line=label("col.target")) for key in ("report.targets_odd", "report.targets_even")]


def _step_parity(steps: np.ndarray) -> np.ndarray:
    """0 in the first, third, ... run of equal `steps` (in period order), 1 in the others. Only a
    change from one value straight to another counts: a blank (no target) is a gap anyway."""
    if not len(steps):
        return np.zeros(0, dtype=int)
    changed = (steps[1:] != steps[:-1]) & pd.notna(steps[1:]) & pd.notna(steps[:-1])
    return np.concatenate([[0], np.cumsum(changed)]) % 2


def _data(writer: SheetWriter, content: ReportContent) -> dict[int, tuple[int, int, set[int]]]:
    """The charted metrics' points on one sheet; returns metric id -> (first row, last row, signal and
    cycle columns used).

    Written column by column from the points' arrays with one format per number of decimals (no
    per-cell type dispatch or format lookup): the sheet holds every charted point, which is most
    of the workbook. The signal columns repeat a special-cause point's value so the chart can
    colour it as the dashboard does (a native line chart cannot colour single markers). For a
    metric with more than one cycle, the cycle columns repeat its mean and limits in alternate
    cycles, so the chart draws each cycle's line apart: one series through all months joined the
    last month's old limits to the new ones with a slope that read as a trend.
    """
    label = content.label
    sheet = writer.book.add_worksheet(label("report.data"))
    headers = [label("col.metric"), label("col.period"), label("col.value"), label("chart.mean"), label("chart.lpl"),
               label("chart.upl"), label("col.target"), label("md.point")] + _signal_names(label) + _cycle_names(label)
    header = writer.fmt(**HEADER)
    for j, text in enumerate(headers):
        sheet.write_string(0, j, text, header)
    point_labels = {key: label(f"point.{key}") for key in POINT_COLOURS}
    text_format = writer.fmt()
    write_number, write_string = sheet.write_number, sheet.write_string
    ranges = {}
    row = 1
    for chart in content.charts:
        points = chart.points
        count = len(points)
        first = row
        number = writer.fmt(num_format="#,##0" + ("." + "0" * chart.decimals if chart.decimals > 0 else ""))
        name = str(chart.name)
        name_format = writer.fmt(quote_prefix=True) if looks_like_formula(name) else text_format
        periods = points["period"].dt.strftime("%Y-%m").tolist()
        kinds = points["point_type"].tolist()
        for i in range(count):
            write_string(row + i, 0, name, name_format)
            write_string(row + i, 1, periods[i], text_format)
            kind = kinds[i]
            if isinstance(kind, str) and kind in point_labels:
                write_string(row + i, 7, point_labels[kind], text_format)
        values = points["value"].to_numpy(dtype=float, na_value=np.nan)
        for column, key in ((2, "value"), (3, "mean"), (4, "lpl"), (5, "upl"), (6, "target")):
            array = values if key == "value" else points[key].to_numpy(dtype=float, na_value=np.nan)
            for i in np.flatnonzero(~np.isnan(array)).tolist():
                write_number(row + i, column, float(array[i]), number)
        used = set()
        for j, (key, _) in enumerate(SPECIAL, start=8):
            hits = [i for i, kind in enumerate(kinds) if isinstance(kind, str) and kind.startswith(key)
                    and not np.isnan(values[i])]
            for i in hits:
                write_number(row + i, j, float(values[i]), number)
            if hits:
                used.add(j)
        used |= _write_cycles(sheet, row, points, number)
        row += count
        ranges[chart.metric_id] = (first, row - 1, used)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, DATA_COLUMNS - 1, 12)
    sheet.freeze_panes(1, 0)
    if row > 1:
        sheet.autofilter(0, 0, row - 1, DATA_COLUMNS - 1)
    return ranges


def _write_cycles(sheet, row: int, points: pd.DataFrame, number) -> set[int]:
    """The mean and limits of a metric with more than one cycle, and its target where a version
    changes it, in the step columns from `row`; returns the columns written (none for a line that
    never steps: its own column charts it)."""
    segments = points["segment"].to_numpy() if "segment" in points else np.zeros(len(points))
    used = set()
    for line in STEPPED_LINES:
        array = points[line].to_numpy(dtype=float, na_value=np.nan)
        parity = _step_parity(array if line == "target" else segments)
        if not parity.any():
            continue
        for i in np.flatnonzero(~np.isnan(array)).tolist():
            sheet.write_number(row + i, _cycle_column(line, int(parity[i])), float(array[i]), number)
        used |= {_cycle_column(line, 0), _cycle_column(line, 1)}
    return used


def _value_axis(chart) -> dict:
    """The value axis fitted to the chart's values, limits and target, as on the dashboard: Excel's
    default axis from zero flattens a process that varies between 100 and 120 into a line."""
    import math

    import numpy as np

    from .chart_svg import nice_ticks

    columns = [c for c in ("value", "mean", "lpl", "upl", "target") if c in chart.points]
    numbers = chart.points[columns].to_numpy(dtype=float, na_value=np.nan).ravel()
    numbers = numbers[np.isfinite(numbers)]
    if not numbers.size:
        return {}
    low, high, ticks = nice_ticks(float(numbers.min()), float(numbers.max()), int(chart.decimals))
    if len(ticks) < 2:
        return {}
    step = ticks[1] - ticks[0]
    return {"min": math.floor(low / step) * step, "max": math.ceil(high / step) * step, "major_unit": step,
            "major_gridlines": {"visible": True, "line": {"color": "#E5E5E5"}}}


def _charts(writer: SheetWriter, content: ReportContent, ranges: dict[int, tuple[int, int, set[int]]]) -> None:
    """One native line chart per charted metric: the values with their special-cause points in the
    dashboard's colours, the centre line, the process limits and the target, all from the Data sheet."""
    label = content.label
    sheet = writer.book.add_worksheet(label("report.charts"))
    sheet.set_paper(9)                 # A4, one chart wide when printed
    sheet.fit_to_pages(1, 0)
    data = label("report.data")
    lines = ((2, "value", label("col.value"), PALETTE["value_line"], None),
             (3, "mean", label("chart.mean"), PALETTE["mean_line"], None),
             (4, "lpl", label("chart.lpl"), PALETTE["common_cause"], "dash"),
             (5, "upl", label("chart.upl"), PALETTE["common_cause"], "dash"),
             (6, "target", label("col.target"), PALETTE["target"], "dash_dot"))
    signals = [(j, name, colour) for j, name, (_, colour) in
               zip(range(8, FIRST_CYCLE_COLUMN), _signal_names(label), SPECIAL)]
    for n, chart in enumerate(content.charts):
        first, last, used = ranges[chart.metric_id]
        if last < first:
            continue
        line = writer.book.add_chart({"type": "line"})
        categories = [data, first, 1, last, 1]
        added, unlisted = 0, []        # a cycle line's further series: one legend entry per line
        for column, key, name, colour, dash in lines:
            series = {"name": name, "line": {"color": colour, "width": 1.5 if column == 2 else 1.25}}
            if dash:
                series["line"]["dash_type"] = dash
            if column == 2:    # the first series names the months for the axis; the others share it
                series["categories"] = categories
                series["marker"] = {"type": "circle", "size": 5, "fill": {"color": colour}, "border": {"none": True}}
            for k, values in enumerate(_line_columns(key, column, used)):
                if k:
                    unlisted.append(added)
                line.add_series({**series, "values": [data, first, values, last, values]})
                added += 1
        for column, name, colour in signals:
            if column in used:
                line.add_series({"name": name, "values": [data, first, column, last, column],
                                 "line": {"none": True},
                                 "marker": {"type": "circle", "size": 7, "fill": {"color": colour},
                                            "border": {"color": "#FFFFFF"}}})
        line.set_title({"name": str(neutralise(chart.name)), "name_font": {"size": 12, "name": FONT}})
        line.set_legend({"position": "bottom", **({"delete_series": unlisted} if unlisted else {})})
        line.set_size({"width": 760, "height": 300})
        line.set_x_axis({"num_font": {"rotation": -45}})
        line.set_y_axis(_value_axis(chart))
        line.show_blanks_as("gap")
        sheet.insert_chart(n * 16, 0, line)


def _line_columns(key: str, column: int, used: set[int]) -> list[int]:
    """The Data columns a line's series are drawn from: its own, or for the mean and limits of a
    metric with more than one cycle (and a target that changes) the odd and the even steps' columns
    (blank between, drawn as a gap), so the line steps instead of sloping into its new level."""
    if key in STEPPED_LINES and _cycle_column(key, 0) in used:
        return [_cycle_column(key, 0), _cycle_column(key, 1)]
    return [column]


def _csv_number(value: object, places: int) -> str:
    """A number at the metric's decimals (8.8, 110.0), where the float's last bits were written
    (8.799999999999997, 110.00000000000001); blank when there is none."""
    if value is None or value is pd.NA or pd.isna(value):
        return ""
    return f"{shown_rounded(float(value), int(places)):.{int(places)}f}"


def write_csv(content: ReportContent) -> bytes:
    """The gap table as CSV in UTF-8 with BOM (Excel on Chinese Windows opens it correctly)."""
    label = content.label
    headers = {"metric": label("col.metric"), "unit": label("report.unit"), "actual": label("col.actual"),
               "baseline": label("col.baseline"), "target": label("col.target"), "gap": label("col.gap"),
               "gap_pct": label("col.gap_pct"), "status": label("col.status"), "variation": label("col.variation"),
               "assurance": label("col.assurance"), "trend": label("col.trend"),
               "periods_to_target": label("report.ptt"), "priority": label("col.priority"),
               "reason": label("col.reason"), "since_baseline": label("col.since_baseline")}   # last: added later
    frame = neutralised_text(content.gaps[list(headers)])
    # the gap % keeps the sign of the gap beside it ('-0.0' by '-0.04'), as the dashboard and the HTML do
    frame["gap_pct"] = [pct_shown(pct, gap, places) for pct, gap, places in
                        zip(frame["gap_pct"], content.gaps["gap"], content.gaps["decimals"])]
    for column in ("actual", "baseline", "target", "gap"):      # as the workbook shows them (-4.0 is a number, not text)
        frame[column] = [_csv_number(value, p) for value, p in zip(frame[column], content.gaps["decimals"])]
    frame["gap_pct"] = ["" if pd.isna(value) else f"{value:.1f}" for value in frame["gap_pct"]]
    frame = frame.rename(columns=headers)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
