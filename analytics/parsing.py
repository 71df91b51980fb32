"""One uploaded file in, one long table of records out, or every problem it has.

readers turns bytes into sheets of cells, sheet_layout finds each sheet's table and reads it;
this module decides which sheets are data, which are skipped (instructions, empty sheets)
and collects every problem so the user can fix the file in one go.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputRefused, Problem, column_letter, spans
from .limits import Limits
from .names import normal_text
from .packed_frame import packed_frame, unpacked_frame
from .readers import read_bytes, read_sheets
from .sheet_layout import (
    DATA_SNIFF_ROWS,
    HEADER_SEARCH_ROWS,
    RECORD_COLUMNS,
    find_table,
    heading_hint,
    looks_like_data,
    read_table,
    unread_header,
)

MAX_PROBLEMS = 200
CHECKED_COLUMNS = ["metric", "period", "value", "target", "sheet", "row", "column", "unit", "service",
                   "as_percent", "period_column", "metric_column", "unit_column", "unit_row", "unit_from_title",
                   "target_column", "target_row", "value_column"]                  # what a refusal keeps for the ingest's own checks of the rows
HIDDEN_ROWS = "its rows are all hidden (or filtered out)"     # a sheet saved with a filter that hides all
NO_HEADER = ("no header row found: expected a column for the metric (指标/metric) and either columns for the "
             "period and value (月份/period, 数值/value) or one column per month (e.g. 2026-01)")


EXAMPLE_SHEET = "an example or instructions, as its name says (not read)"
_EXAMPLE_NAME = re.compile(r"示例|样例|范例|例子|举例|说明|指引|指南|须知|example|sample|instruction|readme|how ?to",
                           re.IGNORECASE)


NOT_VALUES = {"the sheet name": "holds targets, forecasts or past figures, as its name says (not read)",
              "the title above the table": "holds targets, forecasts or past figures, as its title says (not read)",
              "the file name": "holds targets, forecasts or past figures, as the file name says (not read)"}
_NOT_VALUES_WORD = (r"(?:指标|kpi)?\s*(?:下月|下年|次年|明年|年度|月度|本月|全年)?\s*"
                    r"(?:目标值?|计划值?|预测值?|预算|基线值?|去年同期|上年同期|targets?|plan|forecasts?|budget|baseline)"
                    r"\s*(?:数据|值|表|values?)?")
_NOT_VALUES_NAME = re.compile(rf"^(?:\d{{2,4}}\s*年度?)?\s*(?:\d{{1,2}}\s*月份?)?\s*{_NOT_VALUES_WORD}$", re.IGNORECASE)
_NOT_VALUES_TITLE = re.compile(rf"^.{{0,40}}?(?<![实际完成达成])\s*{_NOT_VALUES_WORD}$", re.IGNORECASE | re.DOTALL)


def named_as_not_values(sheet_name: str | None, title: list, file_name: str) -> str | None:
    """Where a sheet is said to hold targets, forecasts, a baseline or last year's figures (a sheet
    目标 beside 实际, a title 2026年11月指标目标, a file 2026年度指标目标值.xlsx), or None: such figures
    were loaded as the months' actual values, over them. A 目标达成情况 title is a report of actuals."""
    places = [("the sheet name", _NOT_VALUES_NAME, [sheet_name]),
              ("the title above the table", _NOT_VALUES_TITLE, title),
              ("the file name", _NOT_VALUES_TITLE, [Path(file_name).stem])]
    for source, pattern, texts in places:
        if any(isinstance(text, str) and pattern.match(normal_text(text).strip().replace("_", " ")) for text in texts):
            return NOT_VALUES[source]
    return None


YEAR_TO_DATE = "a year-to-date or yearly summary, as its name says, without a month column (not read)"
_YEAR_TO_DATE = re.compile(r"累计|全年|年度汇总|年度合计|年度统计|年汇总|年度总结|ytd|year[\s-]*to[\s-]*date|annual|full[\s-]*year",
                           re.IGNORECASE)


_PAST = re.compile(r"上月|上个月|去年|上年|前月|last month|last year|previous month|prior year", re.IGNORECASE)


def named_as_year_to_date(sheet_name: str | None, title: list) -> bool:
    """A sheet named or titled as the year so far (全年汇总, 本年累计, YTD) whose table has no month
    column: its figures are the year's, not the month the file name gives, which they overwrote."""
    return any(isinstance(text, str) and _YEAR_TO_DATE.search(normal_text(text)) for text in [sheet_name, *title])


def _targets_apart(table) -> bool:
    """A table that keeps its targets apart from its values (a 目标 column, 9月目标 | 9月实际): a
    sheet or file named for targets then holds both, and is read."""
    return bool(table.target_columns) or "target" in table.roles


def named_as_an_example(name: str | None) -> bool:
    """A sheet named 填报说明, 示例 or Example: the filled-in example row of a template's
    instructions is not this month's data. Only skipped beside another sheet (a file's only
    sheet is its data, whatever it is called)."""
    return name is not None and _EXAMPLE_NAME.search(name) is not None


@dataclass
class ParsedFile:
    file_name: str
    records: pd.DataFrame                 # RECORD_COLUMNS; period 'YYYY-MM'; value NaN = missing
    sheets: list[str | None]              # sheets read as data (None: a CSV file)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)
    warnings: list[str] = field(default_factory=list)

    def __reduce__(self):
        """Pickled with its records packed (packed_frame): a workbook's records are sent back from
        the reading process."""
        return _unpacked_file, (self.file_name, packed_frame(self.records), self.sheets, self.skipped_sheets,
                                self.warnings)


def _unpacked_file(file_name: str, packed: tuple, sheets: list, skipped: list, warnings: list) -> ParsedFile:
    return ParsedFile(file_name, unpacked_frame(packed), sheets, skipped, warnings)


def parse_file(source: str | os.PathLike | bytes, *, file_name: str, limits: Limits | None = None) -> ParsedFile:
    """Read a CSV or workbook; raise InputRefused listing every problem (file, sheet, row, column)."""
    limits = limits or Limits.from_env()
    data = read_bytes(source)
    if len(data) > limits.max_file_bytes:
        raise InputRefused(Problem(f"the file is {len(data) / 2**20:.1f} MB, over the limit of "
                                   f"{limits.max_file_bytes / 2**20:.0f} MB", file=file_name))
    sheets = read_sheets(data, file_name, limits)
    problems: list[Problem] = []
    frames: list[pd.DataFrame] = []
    used: list[str | None] = []
    skipped: list[tuple[str, str]] = []
    warnings: list[str] = []
    if sheets and (kind := sheets[0].read_as):
        warnings.append(f"the file is {kind} saved under the name {Path(file_name).suffix.lower()} (as systems that "
                        "export to Excel write it), not a workbook: its cells were read as Excel shows them")
    for sheet in sheets:
        if sheet.hidden:
            skipped.append((sheet.name, "hidden"))
            continue
        if not sheet.has_cells():
            if sheet.name is None:
                problems.append(Problem("the file is empty", file=file_name))
            else:
                skipped.append((sheet.name, "empty"))
            continue
        if any(sheet.hidden_cells):
            warnings.append(_hidden_note(sheet))
        if sheet.uncalculated:
            warnings.append(_uncalculated_note(sheet))
        head = sheet.head(HEADER_SEARCH_ROWS)
        table = find_table(head, sheet.name, file_name)
        if table is not None and named_as_an_example(sheet.name) and any(
                other is not sheet and not other.hidden and other.has_cells() for other in sheets):
            skipped.append((sheet.name, EXAMPLE_SHEET))
            continue
        if table is not None and table.period is not None and named_as_year_to_date(
                sheet.name, [cell for row in head[:table.header_row] for cell in row]):
            skipped.append((sheet.name or file_name, YEAR_TO_DATE))
            continue
        if table is not None and table.period is not None and sheet.name and _PAST.search(normal_text(sheet.name)):
            skipped.append((sheet.name, NOT_VALUES["the sheet name"]))      # 上月修订 beside 本月: not the file's month
            continue
        if table is not None and not _targets_apart(table) and (not_values := named_as_not_values(
                sheet.name, [cell for row in head[:table.header_row] for cell in row], file_name)):
            skipped.append((sheet.name or file_name, not_values))
            continue
        if table is None:
            why = unread_header(head, sheet.name, file_name)
            if why:
                problems.append(Problem(why[0], file=file_name, sheet=sheet.name, row=why[1]))
            elif sheet.name is not None and (len(sheets) > 1 and not looks_like_data(sheet.head(DATA_SNIFF_ROWS))):
                skipped.append((sheet.name, "no data table (instructions or notes)"))
            else:
                problems.append(Problem(NO_HEADER + heading_hint(head, sheet.name, file_name), file=file_name,
                                        sheet=sheet.name))
                if any(r < HEADER_SEARCH_ROWS for r in sheet.hidden_cells[0]):     # the heading may be hidden
                    problems.append(Problem(_hidden_text(sheet) + ": unhide them if the table's heading is there",
                                            file=file_name, sheet=sheet.name))
            continue
        records, sheet_problems, notes = read_table(sheet, table, file_name)
        problems.extend(sheet_problems)
        warnings.extend(notes)
        if records.empty and not sheet_problems:
            skipped.append((sheet.name or file_name, HIDDEN_ROWS if sheet.hidden_cells[0] else "the table has no rows"))
            continue
        frames.append(records)
        used.append(sheet.name)
        if len(problems) > MAX_PROBLEMS:
            break
    if problems:
        order = {name: i for i, name in enumerate(s.name for s in sheets)}
        problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0, p.column or ""))
        read = pd.concat(frames, ignore_index=True)[CHECKED_COLUMNS] if frames and len(problems) <= MAX_PROBLEMS else None
        raise InputRefused(problems[:MAX_PROBLEMS] + (
            [Problem("... and more problems; fix these first", file=file_name)] if len(problems) > MAX_PROBLEMS
            else []), records=read)
    if not frames:
        raise InputRefused(Problem("the file has no data rows" + (
            " (sheets: " + ", ".join(f"'{s}' {why}" for s, why in skipped) + ")" if skipped else ""), file=file_name))
    records = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(records) > limits.max_rows:
        raise InputRefused(Problem(f"the file has {len(records):,} values, over the limit of {limits.max_rows:,}",
                                   file=file_name))
    return ParsedFile(file_name, records[RECORD_COLUMNS], used, skipped, warnings)


def _hidden_note(sheet) -> str:
    """'sheet 'S': rows 5–9, 12 and columns C–D are hidden …': what was left out, in spans (a
    web page's only table has no sheet name)."""
    return _hidden_text(sheet) if sheet.name is None else f"sheet '{sheet.name}': {_hidden_text(sheet)}"


def _uncalculated_note(sheet) -> str:
    """'sheet 'S': C2 (=B2+0.5), … are formulas …': an .xls written by a program holds '' or 0 for
    them, and Excel shows what they calculate (see xls_package)."""
    cells = sorted(sheet.uncalculated.items())
    named = ", ".join(f"{column_letter(c)}{r + 1} ({text})" for (r, c), text in cells[:5]) + (", …" if len(cells) > 5 else "")
    return (f"sheet '{sheet.name}': {named} {'is a formula' if len(cells) == 1 else 'are formulas'} whose result "
            "the file does not hold (a program wrote it, and it was not saved in Excel or WPS since): read as blank "
            "or 0. If Excel shows values there, open the file in Excel or WPS and save it again")


def _hidden_text(sheet) -> str:
    rows, columns = sheet.hidden_cells
    parts = ([f"row{'s' * (len(rows) > 1)} {spans([r + 1 for r in rows], str)}"] if rows else []) + (
        [f"column{'s' * (len(columns) > 1)} {spans(columns, column_letter)}"] if columns else [])
    verb = "is" if len(rows) + len(columns) == 1 else "are"
    return f"{' and '.join(parts)} {verb} hidden (or filtered out) and not read"
