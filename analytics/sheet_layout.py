"""Finding the data table in a sheet and reading it in either layout.

People put title rows, merged headings and notes above and below their tables, and write
headers in Chinese or English. The header row is the first of the top rows that names a metric
column and either a period and a value column (long layout: one row per metric and month) or
at least one month (wide layout: one row per metric, one column per month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import Problem, column_letter
from .names import name_key
from .periods import parse_period, parse_periods
from .readers import Sheet
from .values import parse_values

HEADER_SEARCH_ROWS = 30
RECORD_COLUMNS = ["metric", "period", "value", "target", "note", "suggestion", "sheet", "row", "column"]

HEADER_WORDS = {
    "metric": ["metric", "metric name", "name", "indicator", "kpi", "measure", "指标", "指标名称", "指标名",
               "度量项", "度量指标", "度量项名称", "名称", "指标项", "考核指标", "项目"],
    "period": ["period", "month", "date", "reporting period", "月份", "期间", "统计月份", "日期", "时间", "年月",
               "统计周期", "周期", "统计期间", "数据月份"],
    "value": ["value", "actual", "actual value", "result", "数值", "实际值", "值", "实际", "结果", "完成值",
              "本月值", "指标值", "本期值", "实绩"],
    "target": ["target", "goal", "target value", "目标", "目标值", "本月目标"],
    "note": ["note", "notes", "comment", "comments", "remark", "remarks", "备注", "说明", "注释"],
    "suggestion": ["suggestion", "suggestions", "improvement suggestion", "improvement suggestions",
                   "改进建议", "建议", "改进意见"],
}
_LOOKUP = {name_key(w): role for role, words in HEADER_WORDS.items() for w in words}
_BRACKETS = re.compile(r"[\(\[（【].*?[\)\]）】]")
_FOOTNOTE = re.compile(r"^(注|备注|说明|数据来源|来源|填表|note|source|\*)", re.IGNORECASE)


@dataclass
class Table:
    layout: str                      # long | wide
    header_row: int                  # 0-based
    roles: dict[str, int]            # role -> column index (long) / metric, target, note (wide)
    period_columns: dict[int, str]   # wide: column index -> 'YYYY-MM'
    headers: list[str]


def header_role(cell: object) -> str | None:
    if not isinstance(cell, str):
        return None
    text = _BRACKETS.sub("", cell)
    return _LOOKUP.get(name_key(text))


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def find_table(rows: list[list]) -> Table | None:
    """The first header row within HEADER_SEARCH_ROWS, or None."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles: dict[str, int] = {}
        for c, cell in enumerate(row):
            role = header_role(cell)
            if role and role not in roles:
                roles[role] = c
        if "metric" not in roles:
            continue
        headers = [_text(c) for c in row]
        if "period" in roles and "value" in roles:
            return Table("long", r, roles, {}, headers)
        periods = {}
        for c, cell in enumerate(row):
            if c in roles.values() or cell in (None, ""):
                continue
            period = parse_period(cell)
            if period:
                periods[c] = period
        if periods:
            return Table("wide", r, roles, periods, headers)
    return None


def looks_like_data(rows: list[list]) -> bool:
    """A sheet with several rows holding numbers is meant as data (so failing to read it is an error)."""
    numeric_rows = 0
    for row in rows[:200]:
        filled = [c for c in row if c not in (None, "")]
        if len(filled) >= 2 and any(isinstance(c, (int, float)) and not isinstance(c, bool) for c in filled):
            numeric_rows += 1
            if numeric_rows >= 2:
                return True
    return False


def _grid(rows: list[list], start: int, min_width: int = 0) -> list[list]:
    """The rows from `start`, all padded to one width (ragged CSV rows are common)."""
    body = rows[start:]
    width = max([len(r) for r in body] + [min_width])
    return [list(r) + [""] * (width - len(r)) for r in body]


def _column_label(table: Table, c: int) -> str:
    header = table.headers[c] if c < len(table.headers) else ""
    return f"{column_letter(c)} ({header})" if header else column_letter(c)


def read_table(sheet: Sheet, table: Table, file_name: str) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Records (RECORD_COLUMNS) of one sheet, problems found, and notes for the user."""
    needed = max(list(table.roles.values()) + list(table.period_columns) + [len(table.headers) - 1]) + 1
    grid = _grid(sheet.rows, table.header_row + 1, needed)
    if not grid:
        return pd.DataFrame(columns=RECORD_COLUMNS), [], []
    frame = pd.DataFrame(grid, dtype=object)
    frame.index = np.arange(table.header_row + 2, table.header_row + 2 + len(frame))  # spreadsheet row numbers
    empty = pd.concat([_blank(frame[c]) for c in frame.columns], axis=1)
    frame = frame[~empty.all(axis=1)]
    if table.layout == "long":
        return _read_long(frame, sheet, table, file_name)
    return _read_wide(frame, sheet, table, file_name)


def _percent_mask(sheet: Sheet, rows: pd.Index, column: int) -> np.ndarray:
    if not sheet.percent_cells:
        return np.zeros(len(rows), dtype=bool)
    return np.array([(r - 1, column) in sheet.percent_cells for r in rows], dtype=bool)


def _numbers(cells: pd.Series, sheet: Sheet, column: int) -> tuple[pd.Series, pd.Series]:
    values, ok = parse_values(cells)
    percent = _percent_mask(sheet, cells.index, column)
    if percent.any():
        values = values.where(~percent, values * 100.0)
    return values.round(10), ok


def _texts(cells: pd.Series) -> pd.Series:
    """Cells as trimmed text, None when blank; each distinct cell is converted once."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    texts = [_text(u) or None for u in uniques]
    lookup = np.array(texts + [None], dtype=object)
    return pd.Series(lookup[codes], index=cells.index, dtype=object)


def _blank(cells: pd.Series) -> pd.Series:
    """True where a cell is empty or only white space (vectorised)."""
    text = cells.astype("string")
    return (text.isna() | text.str.strip().eq("")).fillna(True).astype(bool)


def _read_long(frame: pd.DataFrame, sheet: Sheet, table: Table, file_name: str):
    roles = table.roles
    metric = _texts(frame[roles["metric"]])
    period_cells = frame[roles["period"]]
    value_cells = frame[roles["value"]]
    blank_period = _blank(period_cells)
    blank_value = _blank(value_cells)
    notes: list[str] = []
    footnote = metric.notna() & blank_period & blank_value
    if footnote.any():
        notes.append(f"{_where(sheet)}{int(footnote.sum())} row(s) with a name but no period or value were "
                     f"ignored (row {', '.join(str(r) for r in frame.index[footnote][:5])})")
    keep = ~footnote
    frame, metric, period_cells, value_cells = frame[keep], metric[keep], period_cells[keep], value_cells[keep]
    problems: list[Problem] = []
    periods = parse_periods(period_cells)
    values, ok = _numbers(value_cells, sheet, roles["value"])
    for row in frame.index[metric.isna()]:
        problems.append(Problem("the row has values but no metric name", file=file_name, sheet=sheet.name,
                                row=int(row), column=_column_label(table, roles["metric"])))
    for row in frame.index[periods.isna()]:
        problems.append(Problem(f"'{_text(period_cells[row])}' is not a month (write it like 2026-05 or 2026年5月)"
                                if _text(period_cells[row]) else "the period is blank",
                                file=file_name, sheet=sheet.name, row=int(row),
                                column=_column_label(table, roles["period"])))
    for row in frame.index[~ok]:
        problems.append(Problem(f"'{_text(value_cells[row])}' is not a number", file=file_name, sheet=sheet.name,
                                row=int(row), column=_column_label(table, roles["value"])))
    if "target" in roles:
        targets, target_ok = _numbers(frame[roles["target"]], sheet, roles["target"])
        for row in frame.index[~target_ok]:
            problems.append(Problem(f"target '{_text(frame.at[row, roles['target']])}' is not a number",
                                    file=file_name, sheet=sheet.name, row=int(row),
                                    column=_column_label(table, roles["target"])))
    else:
        targets = pd.Series(np.nan, index=frame.index)
    records = pd.DataFrame({
        "metric": metric, "period": periods, "value": values, "target": targets,
        "note": _texts(frame[roles["note"]]) if "note" in roles else None,
        "suggestion": _texts(frame[roles["suggestion"]]) if "suggestion" in roles else None,
        "sheet": sheet.name, "row": frame.index.astype("int64"),
        "column": column_letter(roles["value"]),
    }, index=frame.index)
    return records.reset_index(drop=True), problems, notes


def _read_wide(frame: pd.DataFrame, sheet: Sheet, table: Table, file_name: str):
    roles = table.roles
    metric = _texts(frame[roles["metric"]])
    period_cols = list(table.period_columns)
    problems: list[Problem] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for c, period in table.period_columns.items():
        if period in seen:
            problems.append(Problem(f"month {period} has two columns ({column_letter(seen[period])} and "
                                    f"{column_letter(c)})", file=file_name, sheet=sheet.name,
                                    row=table.header_row + 1, column=column_letter(c)))
        seen[period] = c
    filled = ~pd.concat([_blank(frame[c]) for c in period_cols], axis=1)
    no_values = ~filled.any(axis=1)
    footnote = metric.notna() & no_values & metric.fillna("").map(lambda t: bool(_FOOTNOTE.match(t)) or len(t) > 40)
    if footnote.any():
        notes.append(f"{_where(sheet)}{int(footnote.sum())} note row(s) under the table were ignored "
                     f"(row {', '.join(str(r) for r in frame.index[footnote][:5])})")
    frame, metric, filled = frame[~footnote], metric[~footnote], filled[~footnote]
    for row in frame.index[metric.isna() & filled.any(axis=1)]:
        problems.append(Problem("the row has values but no metric name", file=file_name, sheet=sheet.name,
                                row=int(row), column=_column_label(table, roles["metric"])))
    frame, metric = frame[metric.notna()], metric[metric.notna()]
    if "target" in roles:
        targets, target_ok = _numbers(frame[roles["target"]], sheet, roles["target"])
        for row in frame.index[~target_ok]:
            problems.append(Problem(f"target '{_text(frame.at[row, roles['target']])}' is not a number",
                                    file=file_name, sheet=sheet.name, row=int(row),
                                    column=_column_label(table, roles["target"])))
    else:
        targets = pd.Series(np.nan, index=frame.index)
    note = _texts(frame[roles["note"]]) if "note" in roles else pd.Series(None, index=frame.index, dtype=object)
    suggestion = (_texts(frame[roles["suggestion"]]) if "suggestion" in roles
                  else pd.Series(None, index=frame.index, dtype=object))
    parts = []
    for c in period_cols:
        values, ok = _numbers(frame[c], sheet, c)
        for row in frame.index[~ok]:
            problems.append(Problem(f"'{_text(frame.at[row, c])}' is not a number", file=file_name,
                                    sheet=sheet.name, row=int(row), column=_column_label(table, c)))
        parts.append(pd.DataFrame({
            "metric": metric, "period": table.period_columns[c], "value": values, "target": targets,
            "note": note, "suggestion": suggestion, "sheet": sheet.name, "row": frame.index.astype("int64"),
            "column": column_letter(c), "_order": c,
        }, index=frame.index))
    if not parts:
        return pd.DataFrame(columns=RECORD_COLUMNS), problems, notes
    records = pd.concat(parts)
    records["_row"] = records.index
    records = records.sort_values(["_row", "_order"], kind="stable")
    # a suggestion or note belongs to the row, not to every month: keep it on the latest month only
    last = records["_order"] == max(period_cols, key=lambda c: table.period_columns[c])
    records.loc[~last, ["note", "suggestion"]] = None
    return records[RECORD_COLUMNS].reset_index(drop=True), problems, notes


def _where(sheet: Sheet) -> str:
    return f"sheet '{sheet.name}': " if sheet.name else ""
