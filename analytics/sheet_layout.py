"""Finding the data table in a sheet and reading it in either layout.

People put title rows, merged headings and notes above and below their tables, and write
headers in Chinese or English. The header row is the first of the top rows that names a metric
column and either a period and a value column (long layout: one row per metric and month) or
at least one month (wide layout: one row per metric, one column per month).

Month columns often name only the month (1月 … 12月) under a merged year heading, which makes a
two-row header (指标名称 over an empty cell, 2026年 over 1月 2月 …); the year is taken from the
heading above each month, or else from the one year the title rows or the sheet's name give, and
the user is told where it came from. Rows that total or average the others (合计, 平均) are left
out with a note.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from itertools import pairwise, zip_longest
from pathlib import PurePath

import numpy as np
import pandas as pd

from .errors import Problem, column_letter, spans
from .names import (
    header_key,
    is_unit,
    name_key,
    normal_text,
    unit_key,
    unit_suffix,
    without_marks,
)
from .periods import (
    is_quarter,
    is_quarter_or_half_year,
    issue_date,
    made_on_label,
    month_as_number,
    month_without_year,
    months_in,
    october_or_january,
    parse_period,
    parse_periods,
    year_in,
)
from .readers import Sheet
from .values import (
    all_plain_numbers,
    bound_directions,
    categories_used,
    factorize_cells,
    number_typed_with_unit,
    parse_categories,
    parse_value,
    parse_values,
    spread_categorical,
    without_bounds,
    written_as_percent,
    written_with_a_sign,
)

HEADER_SEARCH_ROWS = 30
DATA_SNIFF_ROWS = 200     # rows looked at to tell a data sheet from notes
RECORD_COLUMNS = ["metric", "period", "value", "target", "note", "suggestion", "sheet", "row", "column", "unit",
                  "service", "as_percent", "target_bound", "period_column", "metric_column", "unit_column",
                  "unit_row", "unit_from_title", "target_column", "target_row", "value_column"]
# column: the letter of the value's cell (C, for C5); value_column: that column with its heading (C (数值),
# D (2026-10) in a wide table, the metric's own column where each metric has one), where a value refused is shown;
# period_column: the column that gives the record's month, with its heading (B (月份), or D (2026-10) in a
# wide table), where a month refused is shown; metric_column: the column that names the record's metric,
# with its heading (A (指标), or the metric's own column in a table with one column per metric);
# unit_column, target_column: the column of the cell that gives the record's unit (its 单位 column, or a
# cell typed with its unit: 4.5小时, ≤4小时) and its target (目标, 9月目标, or the month's column of a target
# row), with its heading, where another unit or a target below zero is shown; unit_row, target_row: that
# cell's row when it is not the record's own (a target row), else missing; unit_from_title: the unit is a note
# over the table (IT成本指标（单位：万元）), which speaks for its rows of that kind (money), not for a % or hours row;
# as_percent: the value was written as a percentage (95%, or formatted so); target_bound: the metric's
# targets were written as a floor (1: ≥95%) or a ceiling (-1: ≤4小时), else 0 (see bounds_of_metrics)

HEADER_WORDS = {
    "metric": ["metric", "metric name", "name", "indicator", "kpi", "measure", "指标", "指标名称", "指标名",
               "度量项", "度量指标", "度量项名称", "名称", "指标项", "考核指标", "项目", "kpi名称", "kpi指标",
               "服务指标", "考核项目", "评价指标", "行标签", "row labels"],      # a pivot table's first column
    "period": ["period", "month", "date", "reporting period", "月份", "期间", "统计月份", "日期", "时间", "年月",
               "统计周期", "周期", "统计期间", "数据月份", "报告期", "考核月份", "月度", "所属月份", "所属期间", "数据期间",
               "统计日期", "统计时间"],
    "value": ["value", "actual", "actual value", "result", "数值", "实际值", "值", "实际", "结果", "完成值",
              "本月值", "指标值", "本期值", "实绩", "本月实际", "本月实际值", "当月", "当月值", "当月实际", "本期实际",
              "实际完成", "本月完成", "本月", "统计值", "实际数值", "本月数值", "本期", "本期数", "本期数值", "当期",
              "当期值", "本月数", "实际完成值", "本期完成"],
    "year": ["year", "年份", "年度", "年", "统计年份", "统计年度"],    # with a month column that omits it
    "target": ["target", "goal", "target value", "目标", "目标值", "本月目标", "目标要求", "考核目标", "当月目标",
               "计划值", "本月计划", "计划目标", "考核标准", "标准值", "指标要求", "目标值要求"],
    "unit": ["unit", "units", "单位", "计量单位", "度量单位"],       # checked against the catalogue's unit
    # whose metric the row is, in a group that tracks one metric per service or subsidiary (网银 | SLA达成率)
    "service": ["service", "服务", "服务名称", "所属服务", "业务系统", "系统名称", "应用系统", "子公司", "分公司",
                "单位名称", "所属单位", "机构", "机构名称", "subsidiary", "company"],
    "note": ["note", "notes", "comment", "comments", "remark", "remarks", "备注", "说明", "注释"],
    "suggestion": ["suggestion", "suggestions", "improvement suggestion", "improvement suggestions",
                   "改进建议", "建议", "改进意见"],
}
_LOOKUP = {header_key(w): role for role, words in HEADER_WORDS.items() for w in words}
_BRACKETS = re.compile(r"[\(\[（【].*?[\)\]）】]")
ROW_KINDS = {"target": ["目标", "目标值", "计划", "计划值", "target", "plan"],
             "actual": ["实际", "实际值", "完成", "完成值", "实绩", "actual", "result"],
             # worked out from the two beside it, not read: 目标 | 实际 | 完成率 under each month
             "other": ["完成率", "达成率", "完成比例", "完成百分比", "差异", "差距", "差值", "偏差", "同比", "环比", "增减",
                       "增减率", "是否达标", "达标情况", "达标", "完成情况", "排名", "variance", "difference", "gap",
                       "achievement", "achieved",
                       "预测", "预测值", "预算", "forecast", "budget"]}     # not the month's value either
_KIND = {header_key(w): kind for kind, words in ROW_KINDS.items() for w in words}
TOTAL_WORDS = ["合计", "总计", "小计", "汇总", "平均", "平均值", "均值", "月均", "月平均", "累计", "年累计", "total", "totals", "grand total", "subtotal",
               "sum", "average", "avg", "mean"]
_TOTAL_KEYS = {header_key(w) for w in TOTAL_WORDS}   # 合　计 is 合计
_FOOTNOTE = re.compile(r"^(注|备注|说明|数据来源|来源|填表|note|source|\*)", re.IGNORECASE)
_EXAMPLE_CELL = re.compile(    # a template's example row, marked in its 序号 or 备注: 示例, （示例）, 示例行，请勿删除, e.g.
    r"^[\s(（\[【<《]*(?:(?:填写|填报)?(?:示例|样例|范例)(?:行|数据)?(?:[\s)）\]】>》:：,，;；.。!！、-].*)?"
    r"|(?:例|例如|举例|e\.?g\.?|example|sample)[\s)）\]】>》:：.。]*)$", re.IGNORECASE | re.DOTALL)
_NOTE_UNDER = re.compile(      # a note's or a sign-off's first cell: 备注：…, 注1：…, *口径…, 填报人：张三, 审核人
    r"^(?:(?:注\s*\d*|备注|说明|数据来源|来源|口径说明|填表说明|notes?|source)\s*[:：]|\*"
    r"|(?:(?:单位负责人|部门负责人|填报人|填表人|制表人|审核人|复核人|批准人|审批人|负责人|联系人|经办人|统计人|报送人|编制人|经理|主管|"
    r"领导|制表|填表|填报|审核|复核|批准|审批|签字|签名|签章|盖章|联系电话|填报日期|制表日期|报送日期|编制日期|审核日期|日期|更新时间|"
    r"更新日期|数据更新时间|填报单位|报送单位|编制单位|prepared by|approved by|reviewed by|checked by|signature|signed)\s*)+"
    r"(?:[:：]|$))", re.IGNORECASE)     # 部门负责人签字：, 经理签字：, 审核日期


@dataclass
class Table:
    layout: str                      # long | wide | across (one row per month, one column per metric)
    header_row: int                  # 0-based
    roles: dict[str, int]            # role -> column index (long) / metric, target, note (wide)
    period_columns: dict[int, str]   # wide: column index -> 'YYYY-MM'
    headers: list[str]
    context_note: str | None = None  # where a month or year the table does not give was taken from
    period: str | None = None        # long without a month column: the one month of a monthly report
    metric_columns: dict[int, str] = field(default_factory=dict)   # across: column index -> metric name
    unread_months: dict[int, str] = field(default_factory=dict)    # wide: 2026-10(预估), 1-10月累计 (column -> heading)
    refused_months: dict[int, object] = field(default_factory=dict)  # wide: month headings refused (12月 among
    #                                 dated months, its year not certain; 2026.1, January or October) -> heading
    month_row: int | None = None                                   # wide: 0-based row naming the months
    target_columns: dict[int, str] = field(default_factory=dict)   # wide: 9月目标, 目标 under 2026年9月 -> 'YYYY-MM'
    year: tuple[int, str] | None = None      # long: the one year the title or a name gives, for months without one
    unit_row: int | None = None              # across: 0-based row under the heading giving each metric's unit
    column_units: dict[int, str] = field(default_factory=dict)     # across: column index -> that row's unit
    value_note: str | None = None            # wide: what became of a 本月 column beside the month columns


_PIVOT_VALUE = re.compile(r"^\s*(?:求和项|平均值项|sum of|average of)\s*[:：]?\s*", re.IGNORECASE)   # not 计数项: a count


_DIAGONAL = re.compile(r"\s*[\\/＼／\n]\s*|\s{2,}")       # 指标\月份: a corner cell split by a diagonal line


def header_role(cell: object) -> str | None:
    if not isinstance(cell, str):
        return None
    parts = [part for part in _DIAGONAL.split(cell.strip()) if part]
    if len(parts) == 2 and {_word_role(part) for part in parts} == {"metric", "period"}:
        return "metric"                   # the names run down this column, the months across the heading row
    return _word_role(cell)


def _word_role(cell: str) -> str | None:
    text = _BRACKETS.sub("", _PIVOT_VALUE.sub("", cell))
    return _LOOKUP.get(header_key(text))


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


_NAMES_A_METRIC = {header_key(w) for w in ("指标", "指标名称", "指标名", "度量项", "度量指标", "度量项名称", "指标项", "考核指标",
                                             "kpi名称", "kpi指标", "服务指标", "评价指标", "metric", "metric name",
                                             "indicator", "kpi", "measure")}
_NUMBERING = {header_key(w) for w in ("序号", "编号", "行号", "序", "no", "no.", "#", "seq", "item no.")}


def _roles(row: list) -> dict[str, int]:
    """Each role's column: the first so headed, except that a heading that names a metric (指标名称)
    wins over a general one (名称, 项目) left of it: 项目 | 指标名称 is a category, then the metric."""
    roles: dict[str, int] = {}
    for c, cell in enumerate(row):
        role = header_role(cell)
        if role and role not in roles:
            roles[role] = c
        elif role == "metric" and not _names_a_metric(row[roles["metric"]]) and _names_a_metric(cell):
            roles["metric"] = c
    return roles


def _names_a_metric(cell: object) -> bool:
    return header_key(_BRACKETS.sub("", _text(cell))) in _NAMES_A_METRIC


def find_table(rows: list[list], sheet_name: str | None = None, file_name: str = "") -> Table | None:
    """The first header row within HEADER_SEARCH_ROWS, or None.

    A row naming the metric column whose own cells are not months may be the upper half of a
    two-row header: then the row below it (blank under the metric heading) holds the months.
    A table with metric and value columns but no month column is one month's report when its
    title, sheet name or file name names exactly one month (2026年10月IT服务月报.xlsx)."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = _roles(row)
        if "metric" not in roles:
            across = _metrics_across(rows, r, roles, sheet_name, file_name)
            if across:
                return across
            if not _a_corner_over_months(row, roles):
                continue
            roles = {"metric": roles.pop("period"), **roles}
        headers = [_text(c) for c in row]
        if "period" in roles and "value" in roles:
            return Table("long", r, roles, {}, headers, year=_one_year(rows[:r], sheet_name, file_name))
        months = _month_columns(rows, r, roles, sheet_name, file_name)
        if months:
            return _with_this_month(_wide_table(rows, r, roles, months), rows[:r], sheet_name, file_name)
        below = r + 1
        if below < min(len(rows), HEADER_SEARCH_ROWS) and _text(_cell(rows[below], roles["metric"])) in (
                "", headers[roles["metric"]]):        # blank, or the metric heading merged down over both rows
            months = _month_columns(rows, below, roles, sheet_name, file_name)
            if months:
                return _wide_table(rows, r, {**_roles(rows[below]), **roles}, months)
        if "value" in roles and "period" not in roles:
            month = _month_of_report(rows[:r], sheet_name, file_name)
            if month:
                return Table("long", r, roles, {}, headers, f"the table has no month column; {month[0]} was taken "
                             f"from {month[1]}", period=month[0])
    return None


def _title_cells(above: list[list]) -> list:
    """The cells of the rows above a table that may name its month or year: not the date beside a
    制表日期 label, which is the day the file was made, nor an Excel date of a day in a month (the
    day the report was issued: 2026-12-02 under November's title), as months_in and year_in with
    title=True leave out such a day written as text."""
    return [cell for row in above for before, cell in zip([None, *row], row)
            if not made_on_label(before) and not issue_date(cell)]


def _month_of_report(above: list[list], sheet_name: str | None, file_name: str) -> tuple[str, str] | None:
    """The one month that the title rows, the sheet name and the file name name, and which of
    them named it; None when they name none, several, or a span of months."""
    sheet_month = month_without_year(sheet_name)        # 9月: its year comes from the title or the file name
    named = _months_named(above, sheet_name, file_name)
    if named is None:
        return None
    if not named:
        return _sheet_month_of_year(above, sheet_month, file_name) if sheet_month else None
    if len(named) != 1:
        return None
    month, source = next(iter(named.items()))
    if sheet_month and int(month[5:]) != sheet_month:
        if source == "the file name":          # 2026年11月月报.xlsx with sheets 9月, 10月, 11月: the sheet's month
            year = int(month[:4]) - (sheet_month > int(month[5:]))     # 12月 in a January file: the year before
            return f"{year:04d}-{sheet_month:02d}", "the sheet name, with the year from the file name"
        return None                            # 2026年9月 in the title of sheet 10月
    return month, source


def _months_named(above: list[list], sheet_name: str | None, file_name: str) -> dict[str, str] | None:
    """{month: the first of the title rows, the sheet name and the file name that names it}; None
    when one of them names a span of months (2026年1-10月累计). A sheet named by its month alone (9月)
    names none here."""
    sources = [("the title above the table", [months_in(cell, title=True) for cell in _title_cells(above)]),
               ("the sheet name", [[] if month_without_year(sheet_name) else months_in(sheet_name, days=False)]),
               ("the file name", [months_in(PurePath(file_name).stem, days=False)])]
    named: dict[str, str] = {}
    for source, found in sources:
        if any(months is None for months in found):
            return None
        for month in (m for months in found for m in months):
            named.setdefault(month, source)
    return named


def _disagreeing(named: dict) -> str | None:
    """'the title above the table names 2026-10 and the file name names 2026-11' where places that
    each name one month (or year) name different ones: one of them is wrong. None when they agree,
    or when one place names two (a title comparing with last year: then neither is wrong)."""
    by_source: dict[str, list[str]] = {}
    for what, source in named.items():
        by_source.setdefault(source, []).append(str(what))
    if len(by_source) < 2 or any(len(whats) > 1 for whats in by_source.values()):
        return None
    return " and ".join(f"{source} names {whats[0]}" for source, whats in by_source.items())


def _sheet_month_of_year(above: list[list], month: int, file_name: str) -> tuple[str, str] | None:
    """A workbook with a sheet per month (9月, 10月, …): the sheet names the month and the title or
    the file name (2026年IT服务指标.xlsx) the one year."""
    in_title = {year_in(cell, title=True) for cell in _title_cells(above)} - {None}
    in_file = {year_in(PurePath(file_name).stem, days=False)} - {None}
    if len(in_title | in_file) != 1:
        return None
    source = "the title above the table" if in_title else "the file name"
    return f"{(in_title | in_file).pop():04d}-{month:02d}", f"the sheet name, with the year from {source}"


def _metrics_across(rows: list[list], r: int, roles: dict[str, int], sheet_name: str | None = None,
                    file_name: str = "") -> Table | None:
    """A tracking table with one row per month and one column per metric (月份 | SLA达成率 | MTTR …):
    a month column but no metric or value column, months below it, and mostly numbers under the
    other headings, so that a change log (日期 | 修改人 | 内容) is not taken for one."""
    if "period" not in roles or "value" in roles:
        return None
    row = rows[r]
    columns = {c: _text(cell) for c, cell in enumerate(row)
               if c not in roles.values() and _text(cell) and header_role(cell) is None
               and header_key(_text(cell)) not in _TOTAL_KEYS | _NUMBERING}     # 序号: the rows' numbering
    units = _unit_row(rows[r + 1] if r + 1 < len(rows) else [], roles["period"], columns)
    below = [cells for cells in rows[r + 1 + (units is not None):r + 11] if not _beside_the_months(cells, roles)]
    year = _one_year(rows[:r], sheet_name, file_name)
    if not columns or not any(parse_period(month) or (year and _month_number(month))
                              for month in (_cell(cells, roles["period"]) for cells in below)):
        return None
    parsed = [_number_or_typed(_cell(cells, c)) for cells in below for c in columns]
    numbers = sum(ok and not math.isnan(value) for value, ok in parsed)
    if not numbers or sum(not ok for _, ok in parsed) * 4 > numbers:      # mostly numbers; a typo is refused later
        return None
    return Table("across", r, roles, {}, [_text(c) for c in row], metric_columns=columns, year=year,
                 unit_row=None if units is None else r + 1, column_units=units or {})


def _beside_the_months(row: list, roles: dict[str, int]) -> bool:
    """A row under a tracking table's heading that is not a month's and holds no month's values: a
    target row (目标值 | ≥95% | ≤5.5), a row worked out from them (完成率), or a note or sign-off
    (填报人：张三 | 审核人：李四). Counted as a month's row, its texts made the table seem no table."""
    label = _text(_cell(row, roles["period"]))
    first = next((text for text in map(_text, row) if text), "")
    return _KIND.get(header_key(label)) in ("target", "other") or bool(_NOTE_UNDER.match(normal_text(first)))


def _unit_row(row: list, period_column: int, columns: dict[int, str]) -> dict[int, str] | None:
    """{column: unit} of a row under a tracking table's heading that gives each metric's unit
    (单位 | % | 小时), labelled so in the month column; None when the row is not one. Read as a
    month, it was refused ('单位' is not a month, '%' is not a number)."""
    if header_role(_cell(row, period_column)) != "unit":
        return None
    units = {c: _text(_cell(row, c)) for c in columns if _text(_cell(row, c))}
    return units if units and all(is_unit(unit) for unit in units.values()) else None


def _number_or_typed(cell: object) -> tuple[float, bool]:
    """parse_value, where a number typed with its unit (4.5小时, 4:30) counts as the number it is."""
    value, ok = parse_value(cell)
    if not ok and (typed := number_typed_with_unit(cell)) is not None:
        return typed[0], True
    return value, ok


def _a_number(cell: object) -> bool:
    """A cell holding a number, typed as one or written as text (95.2%, 4.5小时, 1,200)."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return True
    value, ok = _number_or_typed(cell)
    return ok and not math.isnan(value)


def _a_corner_over_months(row: list, roles: dict[str, int]) -> bool:
    """A heading row whose first heading says 月份 over the month headings to its right: it labels
    the months across (the corner of the table); the names run down its column."""
    corner = roles.get("period")
    return (corner is not None and "value" not in roles and corner == min(roles.values())
            and any(parse_period(cell) for cell in row[corner + 1:]))


def _cell(row: list, c: int) -> object:
    return row[c] if c < len(row) else None


@dataclass
class _Months:
    """The month columns of a wide table's heading row."""
    values: dict[int, str]           # column -> 'YYYY-MM' whose value (actual) it holds
    targets: dict[int, str]          # column -> 'YYYY-MM' whose target it holds (9月目标; 目标 under 2026年9月)
    note: str | None                 # where a year the headings do not give was taken from
    month_row: int                   # the row naming the months
    header_row: int                  # the last heading row: the kinds row under merged months, if any
    refused: dict[int, object] = field(default_factory=dict)  # 12月 whose year is not certain; 2026.1 (Jan or Oct?)


def _month_columns(rows: list[list], r: int, roles: dict[str, int], sheet_name: str | None,
                   file_name: str = "") -> _Months | None:
    """Row r's month columns, each the month's value or (目标, target) its target, and a note on
    where a missing year came from. A month merged over two columns (2026年9月 over 目标 | 实际)
    takes each column's kind from the row below, which then ends the heading."""
    taken = set(roles.values())
    split = {c: _split_kind(cell) for c, cell in enumerate(rows[r]) if c not in taken and cell not in (None, "")}
    periods = {c: period for c, (month, _) in split.items() if (period := parse_period(month))}
    note = None
    if not periods:
        months = {c: number for c, (month, _) in split.items() if (number := month_without_year(month))}
        found = _years(rows, r, months, sheet_name, file_name) if months else None
        if not found:
            return None
        years, source = found
        shown = " and ".join(str(y) for y in sorted(set(years.values())))
        columns = (f"the month column {column_letter(min(months))} gives" if len(months) == 1 else
                   f"the month columns {column_letter(min(months))}–{column_letter(max(months))} give")
        note = f"{columns} no year; {shown} {'was' if len(set(years.values())) == 1 else 'were'} taken from {source}"
        periods = {c: f"{years[c]:04d}-{number:02d}" for c, number in months.items()}
    yearless = {c: number for c, (month, kind) in split.items()          # 10月目标 among dated months stays unread
                if c not in periods and kind != "target" and (number := month_without_year(month))}
    uncertain: dict[int, object] = _months_not_read(split, periods)
    if yearless:
        found = _years_carried(periods, yearless)
        if found is None:
            uncertain |= {c: _text(rows[r][c]) for c in yearless}
        else:
            carried, counted = found
            periods = dict(sorted((periods | carried).items()))
            note = (f"the month columns {', '.join(f'{column_letter(c)} ({_text(rows[r][c])})' for c in carried)} "
                    "give no year; " + ("the headings run month by month, and each took the year that counting on "
                                        "from the dated one gives" if counted else
                                        "each took the year of the month heading to its left"))
    kinds, header_row = {c: split[c][1] for c in periods}, r
    if r + 1 < len(rows):
        def kind_below(c: int) -> str | None:
            return _KIND.get(header_key(_text(_cell(rows[r + 1], c))))
        spanned = periods if len(set(periods.values())) < len(periods) else \
            _over_blank_headings(rows[r], periods, taken, kind_below)
        below = {c: kind_below(c) for c in spanned}
        if len(set(spanned.values())) < len(spanned) and all(below.values()):
            periods, kinds, header_row = spanned, below, r + 1
    values = {c: period for c, period in periods.items() if kinds[c] not in ("target", "other")}
    targets = {c: period for c, period in periods.items() if kinds[c] == "target"}
    return _Months(values, targets, note, r, header_row, dict(sorted(uncertain.items()))) if values else None


def _months_not_read(split: dict[int, tuple[object, str | None]], periods: dict[int, str]) -> dict[int, object]:
    """Headings beside month columns that would be months but are not read as any: 2026.1 (January,
    or 2026.10 saved as a number) and a month typed as a number (2026.09). Left out, their values
    would be lost without a word."""
    return {c: month for c, (month, _) in split.items()
            if c not in periods and (october_or_january(month) or month_as_number(month))}


def _years_carried(periods: dict[int, str], yearless: dict[int, int]) -> tuple[dict[int, str], bool] | None:
    """Month headings without a year among dated ones (2025年11月 | 12月 | 2026年1月 | 2月), each in
    the year of the dated heading to its left, or counted on month by month (2025年11月 | 12月 | 1月);
    None when that is not certain (see _carry_years). True with them when they were counted."""
    columns = sorted(periods | yearless)
    carried = _carry_years(pd.Series([periods.get(c) for c in columns], dtype=object),
                           np.array([yearless.get(c, 0) for c in columns]))
    if carried is None:
        return None
    full, counted = carried
    return {c: full.iloc[i] for i, c in enumerate(columns) if c in yearless}, counted


def _carry_years(periods: pd.Series, month: np.ndarray,
                 group: np.ndarray | None = None) -> tuple[pd.Series, bool] | None:
    """Months in their order, the year written only where it changes or only once: `periods`
    ('YYYY-MM', or missing) and, where one is missing, `month` (1-12 for a month without its year,
    else 0). In each group (a long table's metric) such a month takes the year of the dated month
    before it, when the group's months then run one way; else, when they run on month by month
    (2025年11月 | 12月 | 1月, or newest first), the year that counting gives (2026-01), and True
    comes with them. None when neither is certain for a group: 2025年11月 | 12月 | 2月, or
    2026年1月 | 2026年2月 | 1月."""
    group = np.zeros(len(periods), dtype="int64") if group is None else group
    dated = periods.notna().to_numpy()
    kept = dated | (month > 0)
    full = periods.astype(object).where(dated, None)                    # NaN is no month to count from
    numbers = np.where(dated, pd.to_numeric(periods.str[5:7], errors="coerce").fillna(0).astype("int64"), month)
    counted = False
    for _, rows in pd.Series(np.flatnonzero(kept)).groupby(group[kept], sort=False):
        at = rows.to_numpy()
        given, months = full.iloc[at].tolist(), numbers[at].tolist()
        years = _carried(given, months)
        if years is None:
            years, counted = _counted_on(given, months), True
            if years is None:
                return None
        full.iloc[at] = years
    return full, counted


def _carried(periods: list[str | None], months: list[int]) -> list[str] | None:
    """One group's months ('YYYY-MM', or None beside its month number), each without its year in
    the year of the dated one before it; None when one comes before any dated month, or when they
    then do not run one way (see _one_way)."""
    year, full = None, []
    for period, month in zip(periods, months, strict=True):
        if period:
            year = period[:4]
        elif year is None:
            return None
        full.append(period or f"{year}-{month:02d}")
    return full if _one_way(full) else None


def _counted_on(periods: list[str | None], months: list[int]) -> list[str] | None:
    """One group's months ('YYYY-MM', or None beside its month number), each the month right after
    the one before it, or each right before it (a month twice in a row counts once), with every
    year counted from the first dated one; None when they do not run on so, when none is dated, or
    when a dated month is not where the counting puts it."""
    steps = [0] + [(b - a) % 12 for a, b in pairwise(months)]
    moving = {step for step in steps if step}
    anchor = next((i for i, period in enumerate(periods) if period), None)
    if anchor is None or not (moving <= {1} or moving <= {11}):
        return None
    direction = -1 if moving == {11} else 1
    position = np.cumsum([step != 0 for step in steps])          # months on from the first
    start = int(periods[anchor][:4]) * 12 + int(periods[anchor][5:7]) - 1 - direction * int(position[anchor])
    full = [f"{(start + direction * int(p)) // 12:04d}-{(start + direction * int(p)) % 12 + 1:02d}" for p in position]
    return full if all(p is None or p == f for p, f in zip(periods, full, strict=True)) else None


def _one_way(periods: list[str]) -> bool:
    """Whether months ('YYYY-MM') with a year carried to them run one way, earliest or latest first;
    a month given twice in a row (its target, then its value; two metrics' rows) counts once. Not
    December then January of one year: newest first it skips ten months, where the year's end
    (2026-01, its year not written) runs on month by month."""
    steps = [a for a, b in pairwise(periods) if a != b] + periods[-1:]
    year_end = any(a[:4] == b[:4] and a[5:] == "12" and b[5:] == "01" for a, b in pairwise(steps))
    return not year_end and (all(a < b for a, b in pairwise(steps)) or all(a > b for a, b in pairwise(steps)))


def _over_blank_headings(row: list, periods: dict[int, str], taken: set[int], kind_below) -> dict[int, str]:
    """The month columns, each spread over the blank headings to its right that have a kind (目标,
    实际) below them: a month heading that was merged over 目标 | 实际 until the sheet was saved as
    CSV, or never merged."""
    spanned = dict(periods)
    for c, period in periods.items():
        nxt = c + 1
        while (nxt < len(row) and nxt not in periods and nxt not in taken and _cell(row, nxt) in (None, "")
               and kind_below(nxt)):
            spanned[nxt] = period
            nxt += 1
    return spanned


_KIND_WORDS = "|".join(sorted((re.escape(w) for words in ROW_KINDS.values() for w in words), key=len, reverse=True))
_WITH_KIND = re.compile(rf"^(?P<month>.*?\S)\s*(?P<open>[(（\[【])?\s*(?P<kind>{_KIND_WORDS})\s*(?(open)[)）\]】])$"
                        rf"|^(?P<kind_first>{_KIND_WORDS})\s*(?P<month_after>\S.*)$", re.IGNORECASE)


def _split_kind(cell: object) -> tuple[object, str | None]:
    """A month heading and what its column holds: ('2026-09', 'actual') for 2026-09（实际）,
    ('9月', 'target') for 9月目标 or 目标9月; (cell, None) for a plain heading or any other."""
    match = _WITH_KIND.match(_text(cell)) if isinstance(cell, str) else None
    if match is None:
        return _without_unit(cell), None
    return match["month"] or match["month_after"], _KIND.get(header_key(match["kind"] or match["kind_first"]))


def _without_unit(cell: object) -> object:
    """A month heading without the unit its values are in (2026-09（万元） is 2026-09), which
    _table_unit reads from it; any other cell as it is (数值（万元） is no month)."""
    if (split := _heading_unit(cell)) is None:
        return cell
    return split[0] if parse_period(split[0]) or month_without_year(split[0]) else cell


def _heading_unit(cell: object) -> tuple[str, str] | None:
    """(heading, unit) for a heading that ends with a unit this project knows (数值（万元）, 2026-09(分钟));
    None for another or none: brackets may hold anything (实际值（预估）)."""
    split = unit_suffix(cell) if isinstance(cell, str) else None
    return split if split and is_unit(split[1]) else None


def _wide_table(rows: list[list], r: int, roles: dict[str, int], months: _Months) -> Table:
    """The wide table whose month columns `months` found; row r names the metric column. Over a
    heading of two rows the lower text names the column (1月 under 2026年); a kinds row adds its
    word to the month's (2026年9月 实际)."""
    heading = rows[r:months.header_row + 1]
    columns = [[_text(cell) for cell in cells] for cells in zip_longest(*heading, fillvalue="")]
    kinds_row = months.header_row > months.month_row
    headers, month = [], ""
    for c, texts in enumerate(columns):
        named = [t for t in texts if t]
        month = _text(_cell(rows[months.month_row], c)) or month       # a blank heading continues the month's
        if kinds_row and named and (c in months.values or c in months.targets
                                    or _KIND.get(header_key(named[-1])) == "other"):
            headers.append(f"{month} {named[-1]}")                    # the month, then 目标, 实际 or 完成率
        else:
            headers.append(named[-1] if named else "")
    taken = set(months.values) | set(months.targets) | set(roles.values()) | set(months.refused)
    unread = {c: headers[c] if kinds_row and headers[c].startswith(_text(cell)) else _text(cell)
              for c, cell in enumerate(rows[months.month_row])
              if c not in taken and isinstance(cell, str) and months_in(cell) != []}
    return Table("wide", months.header_row, roles, months.values, headers, months.note, unread_months=unread,
                 target_columns=months.targets, refused_months=months.refused, month_row=months.month_row)


def _with_this_month(table: Table, above: list[list], sheet_name: str | None, file_name: str) -> Table:
    """A wide table with a value column beside its months (9月 | 10月 | 本月): the 本月 column is the
    month the title, the sheet name or the file name names, when it is not among the months; else
    it is named as not read. It was dropped without a word, and with it the month the report is for."""
    if "value" not in table.roles:
        return table
    c = table.roles["value"]
    label = _column_label(table, c)
    month = _month_of_report(above, sheet_name, file_name)
    if month is None or month[0] in table.period_columns.values():
        return replace(table, value_note=f"column {label} was not read: the table's months are in its headings, and "
                                         "the title, sheet name and file name name no other month for it; head it "
                                         "with its month (e.g. 2026-11)")
    return replace(table, period_columns={**table.period_columns, c: month[0]},
                   value_note=f"column {label} was read as {month[0]}, the month {month[1]} names")


def _years(rows: list[list], r: int, months: dict[int, int], sheet_name: str | None,
           file_name: str = "") -> tuple[dict[int, int], str] | None:
    """Each month column's year, and where it came from; None when that is not certain.

    From the row above: the year heading over a month, or the nearest one to its left over the
    months (a merged heading keeps its text in its first cell). A row naming a year left of the
    months is a title line (2026年IT服务指标, （与2025年同期对比）), not year headings: then, as with no
    row of year headings, the one year that the rows above the table, the sheet's name and the
    file's name name (2026年IT服务指标.xlsx; an export date does not count), if the months then run
    in order (10月 11月 12月 1月 under one title year is not certain)."""
    if r > 0 and not any(year_in(_cell(rows[r - 1], c)) for c in range(min(months))):
        above, year, years = rows[r - 1], None, {}
        for c in range(min(months), max(months) + 1):
            year = year_in(_cell(above, c)) or year
            if c in months and year:
                years[c] = year
        if len(years) == len(months):
            in_year = {year: [months[c] for c in sorted(months) if years[c] == year] for year in set(years.values())}
            if not all(_in_order(months_of_year) for months_of_year in in_year.values()):
                return None           # 2025年 merged over 11月 12月 1月
            return years, "the year heading above them"
        if years:
            return None
    named = _one_year(rows[:r], sheet_name, file_name)
    if named is None or not _in_order([months[c] for c in sorted(months)]):   # a month twice: its target and value
        return None
    year, source = named
    return {c: year for c in months}, source


def _one_year(above: list[list], sheet_name: str | None, file_name: str) -> tuple[int, str] | None:
    """The one year that the rows above a table, the sheet's name and the file's name name
    (2026年IT服务指标.xlsx; an export date does not count), and which of them named it."""
    named = _years_named(above, sheet_name, file_name)
    return next(iter(named.items())) if len(named) == 1 else None


def _years_named(above: list[list], sheet_name: str | None, file_name: str) -> dict[int, str]:
    """{year: the first of the title rows, the sheet name and the file name that names it}."""
    named: dict[int, str] = {}
    for source, years in (("the title above the table", [year_in(cell, title=True) for cell in _title_cells(above)]),
                          ("the sheet name", [year_in(sheet_name)]),
                          ("the file name", [year_in(PurePath(file_name).stem, days=False)])):
        for year in years:
            if year is not None:
                named.setdefault(year, source)
    return named


def _in_order(months: list[int]) -> bool:
    """Month numbers under one year that do not run over a year's end (10月 11月 12月 1月 is not
    certain; nor is 12月 1月): the months of any one year, judged as _one_way judges them."""
    return _one_way([f"0000-{month:02d}" for month in months])


def unread_header(rows: list[list], sheet_name: str | None = None,
                  file_name: str = "") -> tuple[str, int | None] | None:
    """Why a sheet with a header naming the metric column was still not read, for the refusal:
    months without a certain year (1月 2月 …), quarters instead of months, or values without any month
    (and where the title, the sheet name and the file name name different ones, which: last month's
    file copied and renamed); with the heading row's number where the refusal is about that row's own
    cells (months typed as numbers)."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = _roles(row)
        if "metric" not in roles:
            if "period" in roles and (quarters := [_text(cells[roles["period"]]) for cells in rows[r + 1:r + 11]
                                                   if roles["period"] < len(cells) and is_quarter(cells[roles["period"]])]):
                return (f"the cells under {column_letter(roles['period'])} ({_text(row[roles['period']])}) are quarters "
                        f"({quarters[0]} …), not months: the dashboard follows metrics month by month; write one row per "
                        "month (e.g. 2026-07)"), None
            continue
        if "value" in roles and "period" not in roles:
            if apart := _disagreeing(_months_named(rows[:r], sheet_name, file_name) or {}):
                return (f"the table has a value column but no month column, and {apart}: correct the one that is "
                        "wrong, or add a month column (月份)"), None
            return ("the table has a value column but no month column, and its title, sheet name and file name "
                    "do not name one month: add a month column (月份) or put the month in the title (e.g. 2026年10月)"), None
        for candidate in (row, rows[r + 1] if r + 1 < len(rows) else []):
            quarters = {c: _text(cell) for c, cell in enumerate(candidate) if c not in roles.values() and is_quarter(cell)}
            if quarters:
                first, last = min(quarters), max(quarters)
                return (f"the columns {column_letter(first)}–{column_letter(last)} ({quarters[first]} … "
                        f"{quarters[last]}) are quarters, not months: the dashboard follows metrics month by month; "
                        "send one column per month (e.g. 2026-01)"), None
            months = {c: _text(cell) for c, cell in enumerate(candidate)
                      if c not in roles.values() and month_without_year(_split_kind(cell)[0])}
            if months:
                first, last = min(months), max(months)
                columns = f"the month columns {column_letter(first)}–{column_letter(last)} ({months[first]} … {months[last]})"
                if apart := _disagreeing(_years_named(rows[:r], sheet_name, file_name)):
                    return (f"{columns} give no year, and {apart}: correct the one that is wrong, or write each month "
                            "as 2026-01"), None
                return (f"{columns} give no year that is certain: put the year above them (e.g. 2026年) "
                        "or write each month as 2026-01"), None
        if typed := _months_typed_as_numbers(row, roles):
            return typed, r + 1
        if short := _months_with_a_short_year(row, roles):
            return short, r + 1
    return None


_SHORT_YEAR_MONTH = re.compile(r"^(?P<y>\d{2})\s*[./]\s*(?P<m>\d{1,2})$")     # 26.10, 26/10: yy.mm, or a day


def _months_with_a_short_year(row: list, roles: dict[str, int]) -> str | None:
    """Why a heading row of months written with two digits of the year (26.09, 26.10, or 26.1 when
    Excel kept 26.10 as a number) was not read: 26.10 may be October 2026 or the 26th of October."""
    def short(cell: object) -> bool:
        text = repr(float(cell)) if isinstance(cell, float) else cell
        match = _SHORT_YEAR_MONTH.match(text.strip()) if isinstance(text, str) else None
        return bool(match) and 1 <= int(match["m"]) <= 12
    found = {c: cell for c, cell in enumerate(row) if c not in roles.values() and short(cell)}
    if not found:
        return None
    first, last = min(found), max(found)
    if first == last:
        return (f"the heading {column_letter(first)} ({_text(found[first])}) does not name a month for certain (26.10 "
                "may be October 2026 or the 26th of October): write the month with its year in full, like 2026-10")
    return (f"the headings {column_letter(first)}–{column_letter(last)} ({_text(found[first])} … {_text(found[last])}) "
            "do not name a month for certain (26.10 may be October 2026 or the 26th of October): write each month "
            "with its year in full, like 2026-10")


def _months_typed_as_numbers(row: list, roles: dict[str, int]) -> str | None:
    """Why a heading row of months typed as numbers (2026.08, 2026.1 for 2026.10) was not read,
    for the refusal: those cells are numbers, where a heading names a month as text."""
    numbers = {c: cell for c, cell in enumerate(row) if c not in roles.values() and month_as_number(cell)}
    if not numbers:
        return None
    first, last = min(numbers), max(numbers)
    year = month_as_number(numbers[first])[:4]
    example = next((month_as_number(cell) for cell in numbers.values() if not october_or_january(cell)), f"{year}-10")
    if first == last:                      # one heading: 'B–B (2026.1 … 2026.1)' read as if there were several
        return (f"the heading {column_letter(first)} ({_text(numbers[first])}) is a number, not a month (Excel keeps "
                f"{year}.10 typed in a cell as the number {year}.1): type the month as text, like "
                + (f"{year}-01 or {year}-10" if october_or_january(numbers[first]) else example))
    return (f"the headings {column_letter(first)}–{column_letter(last)} ({_text(numbers[first])} … "
            f"{_text(numbers[last])}) are numbers, not months (Excel keeps {year}.10 typed in a cell as the number "
            f"{year}.1): type each month as text, like {example}")


def heading_hint(rows: list[list], sheet_name: str | None = None, file_name: str = "") -> str:
    """For the refusal of a sheet whose heading was not found: the row that seems to be its heading
    (the last row of text above the first row of numbers), so the user knows which cells to rename,
    and which of them (a month the title, sheet or file name gives is not asked for)."""
    first = next((r for r, row in enumerate(rows)
                  if sum(c not in (None, "") for c in row) >= 2 and any(_a_number(c) for c in row)), None)
    for r in range(first - 1 if first else -1, -1, -1):
        headings = [text[:20] for text in map(_text, rows[r]) if text]
        if len(headings) >= 2:
            shown = " | ".join(headings[:6]) + (" …" if len(headings) > 6 else "")
            return f"; row {r + 1} ({shown}) seems to be the heading row" + _unnamed_roles(
                rows[r], _month_of_report(rows[:r], sheet_name, file_name) is not None)
    return ""


def _in_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]]))


_ROLE_NAMES = {"metric": ("the metric", "指标"), "period": ("the month", "月份"), "value": ("the value", "数值")}


def _unnamed_roles(row: list, month_given: bool) -> str:
    """Which of the metric's, the month's and the value's columns the heading row does not name
    (指标 | 月份 | 完成情况: the value's), so that the user renames that one, not every column."""
    roles = _roles(row)
    missing = [role for role in _ROLE_NAMES if role not in roles and not (role == "period" and month_given)]
    if not missing:
        return ": name its columns so"
    what = _in_words([_ROLE_NAMES[role][0] for role in missing])
    words = _in_words([_ROLE_NAMES[role][1] for role in missing])
    wide = ", or head each month's column with its month (2026-10)" if {"period", "value"} <= set(missing) else ""
    return f", but no column in it is named as {what}: name {'it' if len(missing) == 1 else 'them'} {words}{wide}"


def looks_like_data(rows: list[list]) -> bool:
    """A sheet with several rows holding numbers is meant as data (so failing to read it is an error).
    A number may be written as text, as exports and reports write it: 95.2%, 4.5小时, 1,200."""
    numeric_rows = 0
    for row in rows[:DATA_SNIFF_ROWS]:
        filled = [c for c in row if c not in (None, "")]
        if len(filled) >= 2 and any(_a_number(c) for c in filled):
            numeric_rows += 1
            if numeric_rows >= 2:
                return True
    return False


def _column_label(table: Table, c: int) -> str:
    header = table.headers[c] if c < len(table.headers) else ""
    return f"{column_letter(c)} ({header})" if header else column_letter(c)


def _label_of(table: Table, role: str) -> str | None:
    """The label of the table's column for `role` (C (单位)); None when it has none."""
    return _column_label(table, table.roles[role]) if role in table.roles else None


def read_table(sheet: Sheet, table: Table, file_name: str) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Records (RECORD_COLUMNS) of one sheet, problems found, and notes for the user."""
    needed = max([*table.roles.values(), *table.period_columns, *table.target_columns, len(table.headers) - 1]) + 1
    columns = sheet.body(table.header_row + 1, needed)
    if not columns or not len(columns[0]):
        return pd.DataFrame(columns=RECORD_COLUMNS), [], []
    frame = pd.DataFrame(dict(enumerate(columns)), copy=False)
    empty = _blank_rows(frame)
    if empty.any():
        frame = frame[~empty]
    repeated, heading_problems, heading_notes = _repeated_headings(frame, sheet, table, file_name)
    if repeated.any():
        frame = frame[~repeated]
    if heading_problems:                  # another table: its rows are not this one's, to be refused cell by cell
        frame = frame[frame.index < min(problem.row for problem in heading_problems)]
    example = _example_rows(frame)
    example_note = [_ignored(sheet, frame.index[example], "example row(s) (示例)")] if example.any() else []
    if example.any():
        frame = frame[~example]
    signed = _notes_under_the_table(frame)
    signed_note = [_ignored(sheet, frame.index[signed], "note row(s) under the table")] if signed.any() else []
    if signed.any():
        frame = frame[~signed]
    table = _units_that_are_organisations(frame, table)
    read = {"long": _read_long, "wide": _read_wide, "across": _read_across}[table.layout]
    records, problems, notes = read(frame, sheet, table, file_name)
    if (given := _table_unit(sheet, table)) is not None:
        records = _with_table_unit(records, *given)
    if sheet.name is None:
        problems = _split_by_a_comma(sheet, table, file_name) + _split_into_a_note(records, table, file_name) + problems
    problems = _refused_months(sheet, table, file_name) + problems
    unread = ", ".join(f"{column_letter(c)} ({text})" for c, text in table.unread_months.items())
    unread_note = [(f"{_where(sheet)}the columns {unread} name a month but were not read: only a month heading "
                    "alone, or marked (实际), holds that month's values")] if unread else []
    unread_columns = _unread_columns(frame, sheet, table)
    unheaded = _numbers_without_heading(frame, unread_columns)
    unread_notes = [(f"{_where(sheet)}{'columns' if len(unheaded) > 1 else 'column'} {spans(unheaded, column_letter)} "
                      f"{'hold numbers but have' if len(unheaded) > 1 else 'holds numbers but has'} no heading, so "
                      "not read: if they are a month's values, write the month above them (e.g. 2026-11)")
                     ] if unheaded else []
    if quarters := _quarters_beside_months(frame, unread_columns):
        unread_notes.append(f"{_where(sheet)}the columns {', '.join(f'{column_letter(c)} ({h})' for c, h in quarters.items())} "
                             "name a quarter or half-year, not a month, so were not read: the dashboard follows metrics "
                             "month by month")
    return (records, heading_problems + problems,
            ([_where(sheet) + table.context_note] if table.context_note else [])
            + ([_where(sheet) + table.value_note] if table.value_note else []) + heading_notes + unread_note
            + unread_notes + example_note + notes + signed_note)


_ORGANISATION = re.compile(r"(?:公司|集团|分行|支行|中心|事业部|部|局|处|院|所|科|厂|站|office|company|branch|dept|"
                           r"department)$", re.IGNORECASE)


def _units_that_are_organisations(frame: pd.DataFrame, table: Table) -> Table:
    """单位 is a unit of measure and an organisation (工作单位): a 单位 column of 华东分公司, 运维部 names
    whose figures the rows are, as a 分公司 column does. Read as units, they were not judged (a word
    the catalogue does not know) and the rows loaded as the metrics' own, without a word."""
    c = table.roles.get("unit")
    if c is None or "service" in table.roles or c not in frame.columns:
        return table
    cells = _texts(frame[c])
    codes = cells.array.codes
    texts = cells.cat.categories[np.unique(codes[codes >= 0])]          # a CSV column's heading too is a category
    if not len(texts) or not all(_ORGANISATION.search(normal_text(text)) for text in texts):
        return table
    roles = {role: column for role, column in table.roles.items() if role != "unit"}
    return replace(table, roles={**roles, "service": c})


def _example_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows a template marks as its example (示例 in the 序号 column, （示例） or 示例行，请勿删除 in the
    note): the example's figures, loaded, overwrote that month's real value without a word. Each
    column's distinct cells are looked at once."""
    example = np.zeros(len(frame), dtype=bool)
    for c in frame.columns:
        if frame[c].dtype.kind in "fiub":
            continue
        codes, cells = factorize_cells(frame[c])
        marked = np.array([isinstance(cell, str) and _EXAMPLE_CELL.match(normal_text(cell).strip()) is not None
                           for cell in cells] + [False])          # Ｅｘａｍｐｌｅ typed full-width is Example
        if marked[:-1].any():
            example |= marked[codes]
    return example


def _notes_under_the_table(frame: pd.DataFrame) -> np.ndarray:
    """The last rows of the table that are a note or a sign-off, not data: each begins with a note
    (备注：数据来源ITSM系统, merged across the table, so in every cell) or a signature's label
    (填报人：张三 | 审核人：李四 | 填报日期：2026-11-03) and holds no number. Read as data, each of their
    cells was refused as not a month or not a number. Looked for from the bottom up, so a row in
    the middle of the data is never one."""
    signed = np.zeros(len(frame), dtype=bool)
    for position in range(len(frame) - 1, -1, -1):
        cells = [cell for cell in frame.iloc[position].tolist() if _text(cell)]
        if not (cells and isinstance(cells[0], str) and _NOTE_UNDER.match(normal_text(cells[0]).strip())) or any(
                not math.isnan(value) for value, ok in map(parse_value, cells) if ok):
            break
        signed[position] = True
    return signed


def _unread_columns(frame: pd.DataFrame, sheet: Sheet, table: Table) -> dict[int, list[str]]:
    """Columns right of the metric column that nothing reads, with the texts of their heading rows,
    each to be looked into only if it holds numbers (_holds_numbers). Left of the names, a column is
    the rows' numbering (序号), and is not one."""
    used = {*table.roles.values(), *table.period_columns, *table.target_columns, *table.metric_columns}
    heading_rows = [table.headers] + ([sheet.head(table.month_row + 1)[table.month_row]]
                                      if table.month_row is not None and table.month_row != table.header_row else [])
    first = table.roles.get("metric", min(used, default=0))
    return {c: [_text(row[c]) if c < len(row) else "" for row in heading_rows] for c in frame.columns
            if c > first and c not in used}


def _holds_numbers(column: pd.Series) -> bool:
    return bool(parse_values(column)[0].notna().any())


def _numbers_without_heading(frame: pd.DataFrame, unread: dict[int, list[str]]) -> list[int]:
    """Unread columns (_unread_columns) under a blank heading: the newest month's heading forgotten
    (指标 | 2026-09 | 2026-10 | (blank)). Nothing reads them, and nobody would know."""
    return [c for c, headings in unread.items() if not any(headings) and _holds_numbers(frame[c])]


def _quarters_beside_months(frame: pd.DataFrame, unread: dict[int, list[str]]) -> dict[int, str]:
    """Unread columns headed by a quarter or a half-year (2026Q3, 上半年) beside the months: the
    dashboard keeps months, so they are rightly not read, but the owner who typed them should know."""
    named = {c: next((h for h in headings if is_quarter_or_half_year(h)), None) for c, headings in unread.items()}
    return {c: heading for c, heading in named.items() if heading and _holds_numbers(frame[c])}


_UNIT_NOTE = re.compile(r"(?:单位|计量单位|units?)\s*[:：]\s*(?P<unit>[^\s,，;；:：()（）\[\]【】]{1,8})", re.IGNORECASE)


def _table_unit(sheet: Sheet, table: Table) -> tuple[str, str, int, bool] | None:
    """The unit the table's values are written in, as a 单位 column would give it, with the cell
    that says so (its column's label, its row) and whether it is a note over the table: the value
    column's heading (数值（万元）, value (min)), else a note in the title rows above the table
    (IT成本指标（单位：万元）, 单位:千元), which is said of the table's money rows, not of a rate among
    them (see unit_from_title). Only a unit whose spellings are known is taken: a heading's brackets
    may hold anything (实际值（预估）)."""
    if "value" in table.roles and (split := _heading_unit(table.headers[table.roles["value"]])):
        return split[1], _column_label(table, table.roles["value"]), table.header_row + 1, False
    if (months := _month_headings_unit(sheet, table)) is not None:
        return *months, False
    for r, row in enumerate(sheet.head(table.header_row)):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and (note := _UNIT_NOTE.search(cell)) and is_unit(note["unit"]):
                return note["unit"], column_letter(c), r + 1, True
    return None


def _month_headings_unit(sheet: Sheet, table: Table) -> tuple[str, str, int] | None:
    """The unit a wide table's month headings carry (2026-09（万元） | 2026-10（万元）; or marked once,
    over the first month), with the heading's cell; None when none carries one."""
    if table.layout != "wide" or table.month_row is None:
        return None
    row = sheet.head(table.month_row + 1)[table.month_row]
    for c in sorted(table.period_columns):
        if split := _heading_unit(cell := _cell(row, c)):
            return split[1], f"{column_letter(c)} ({_text(cell)})", table.month_row + 1
    return None


def _with_table_unit(records: pd.DataFrame, unit: str, column: str, row: int, from_title: bool) -> pd.DataFrame:
    """The records with the table's unit (_table_unit) and its cell where they have none of their own:
    a 单位 column's, or a unit typed in the cell (1200元), says more of its row than the heading."""
    missing = records["unit"].isna().to_numpy()
    if not missing.any():
        return records
    records = records.copy()
    records["unit_from_title"] = records["unit_from_title"].to_numpy() | (missing & from_title)
    for name, value in (("unit", unit), ("unit_column", column), ("unit_row", row)):
        cells = records[name].array if isinstance(records[name].dtype, pd.CategoricalDtype) else pd.Categorical(
            records[name])
        categories = cells.categories if value in cells.categories else pd.Index([*cells.categories, value])
        codes = cells.codes.astype("int32")                          # the categories kept their places
        codes[missing] = categories.get_loc(value)
        records[name] = pd.Categorical.from_codes(codes, categories=categories)
    return records


def _refused_months(sheet: Sheet, table: Table, file_name: str) -> list[Problem]:
    """A month heading without its year among dated ones whose year is not certain, or one that may
    be either of two months (2026.1): its values would be lost, or put in the wrong month."""
    return [Problem(_period_problem(heading), file=file_name, sheet=sheet.name, row=table.month_row + 1,
                    column=column_letter(c)) for c, heading in table.refused_months.items()]


def _split_by_a_comma(sheet: Sheet, table: Table, file_name: str) -> list[Problem]:
    """A CSV row with more fields than its heading row: an unquoted comma inside a value (1,234.5
    read as 1 and 234.5), which shifts what follows it. Read as it stands, the value would be
    wrong without a word."""
    width, wider = sheet.rows_wider_than(table.header_row)
    return [Problem(f"the row has {fields} fields but the heading row has {width}: a value with a comma in it "
                    "(1,234.5) must be in quotes or written without the comma; a note beside the table needs a heading",
                    file=file_name, row=row, column=column_letter(extra))
            for row, fields, extra in wider]


def _split_into_a_note(records: pd.DataFrame, table: Table, file_name: str) -> list[Problem]:
    """A CSV value with an unquoted thousands comma whose tail lands in an empty note column right
    after it (…,5,321 under 数值,备注): the row is no wider than its heading, and 5 would load with
    321 as its note. Judged only when the column's every number is such a three-digit tail after a
    whole value, on one row or at most half of them: a column that holds numbers on purpose is
    left alone, and a note like '321 张' is no number."""
    roles = [role for role in ("note", "suggestion") if table.roles.get(role)]
    if not roles:                   # most files: nothing to look at in two million rows
        return []
    problems = []
    value = records["value"]
    for role in roles:
        cells = records[role]
        distinct = categories_used(cells) if isinstance(cells.dtype, pd.CategoricalDtype) else cells.dropna().unique()
        if not any(re.fullmatch(r"\d{3}", str(text)) for text in distinct):      # judged once per distinct note
            continue
        c, texts = table.roles[role], cells.astype(object)
        rows = records.loc[value.notna(), "row"].nunique()
        tail = ((records["column"].astype(object) == column_letter(c - 1)).to_numpy()
                & texts.str.fullmatch(r"\d{3}", na=False).to_numpy() & (value.abs() < 1000).to_numpy()
                & (value % 1 == 0).to_numpy() & ~records["as_percent"].to_numpy(dtype=bool))
        count = int(tail.sum())
        if not count or (pd.to_numeric(texts, errors="coerce").notna().to_numpy() & ~tail).any() or (
                count > 1 and 2 * count > rows):
            continue
        problems += [Problem(f"the value {v:g} and the {role} {t} beside it read as {v:g},{t} split at its comma: a value "
                             "with a comma in it (1,234.5) must be in quotes or written without the comma",
                             file=file_name, row=int(r), column=_column_label(table, c))
                     for v, t, r in records.loc[tail, ["value", role, "row"]].head(200).itertuples(index=False)]
    return problems


def _repeated_headings(frame: pd.DataFrame, sheet: Sheet, table: Table,
                       file_name: str) -> tuple[np.ndarray, list[Problem], list[str]]:
    """Rows further down whose metric cell is a heading (指标): blocks pasted one under another,
    each with its heading row. A row that repeats the table's headings is left out with a note;
    one with other headings (other months) starts another table, which belongs on its own sheet.
    Returns the heading rows (taken out of the table either way), problems and notes."""
    none = np.zeros(len(frame), dtype=bool)
    if "metric" not in table.roles or not len(frame):
        return none, [], []
    probe = next(iter(table.period_columns), table.roles.get("value"))
    if (probe is not None and _numbers_only(frame[probe])          # a number in every row: no heading row among them,
            and not all_plain_numbers(table.headers[probe:probe + 1])):    # unless its heading is one too (202605)
        return none, [], []
    texts = _texts(frame[table.roles["metric"]])
    headings = [i for i, text in enumerate(texts.cat.categories) if header_role(text) == "metric"]
    if not headings:
        return none, [], []
    rows = frame.index[np.isin(texts.array.codes, headings)]
    expected = [header_key(text) for text in table.headers]
    same = [[header_key(_text(frame.at[row, c])) for c in range(len(expected))] == expected for row in rows]
    problems = [Problem(f"this row starts another table, with other headings than row {table.header_row + 1}'s: "
                        "put each table on a sheet of its own", file=file_name, sheet=sheet.name, row=int(row),
                        column=_column_label(table, table.roles["metric"]))
                for row, alike in zip(rows, same, strict=True) if not alike]
    repeated = rows[np.array(same, dtype=bool)]
    notes = [_ignored(sheet, repeated, "row(s) repeating the table's headings")] if len(repeated) else []
    return np.isin(frame.index, rows), problems, notes     # another table's headings: refused once, not cell by cell


def _numbers_only(column: pd.Series) -> bool:
    """Every cell a number: float64 as the readers type a workbook's number column, the same
    numbers as objects (a column the readers left untyped must be judged alike), or the fast CSV
    reader's categorical text, judged once per distinct cell (two million rows, a few thousand
    values)."""
    if column.dtype.kind == "f":
        return True
    if isinstance(column.dtype, pd.CategoricalDtype):
        return all_plain_numbers(categories_used(column))
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) in (
        "floating", "integer", "mixed-integer-float")


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows with nothing in any cell. A column is only looked at where all before it were blank,
    so a filled first column settles most rows at once."""
    if not len(frame.columns):
        return np.ones(len(frame), dtype=bool)
    blank = _blank(frame[frame.columns[0]]).to_numpy().copy()        # every row, in one pass
    for c in frame.columns[1:]:
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        blank[rows] = _blank(frame[c].iloc[rows]).to_numpy()
    return blank


def _percent_mask(sheet: Sheet, rows: pd.Index, column: int) -> np.ndarray:
    if not sheet.percent_cells:
        return np.zeros(len(rows), dtype=bool)
    return np.isin(np.asarray(rows) - 1, sheet.percent_rows(column))


def _numbers(cells: pd.Series, sheet: Sheet, column: int) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Values (percent cells x100, rounded), ok flags and which cells were written as a percentage
    (95% typed, or a cell formatted as percent) of one column; categorical cells (the fast CSV
    reader's, never percent-formatted) are parsed and rounded once per distinct text."""
    written = written_as_percent(cells)
    if isinstance(cells.dtype, pd.CategoricalDtype) and not sheet.percent_cells:
        return *parse_categories(cells, adjust=_round), written
    values, ok = parse_values(cells)
    percent = _percent_mask(sheet, cells.index, column)
    if percent.any():
        values = values.where(~percent, values * 100.0)
    return pd.Series(_round(values.to_numpy(dtype="float64")), index=values.index, copy=False), ok, written | percent


_NOTHING_TYPED = (np.array([], dtype="int64"), np.array([], dtype=object))     # no positions, no units


@dataclass(frozen=True)
class _Typed:
    """Cells whose numbers were typed with their unit (4.5小时, ≤4小时 as a target), one entry for
    each cell and record it gives the unit of (a month's value: its own record; a row's target:
    each of the row's months): the unit, the cell as written, its row, its column's label."""

    units: np.ndarray       # object
    cells: np.ndarray       # object
    rows: np.ndarray        # int64, the sheet's
    columns: np.ndarray     # object
    records: np.ndarray     # int64, positions in the sheet's records


def _typed_at(source: pd.DataFrame, column: int, positions: np.ndarray, units: np.ndarray, records: np.ndarray,
              table: Table) -> _Typed:
    """The entries for cells of `source`'s column at `positions` (one per record they give the unit of).
    Most files have none: the column is then not touched (two million categories made objects)."""
    if not len(positions):
        no_rows, nothing = _NOTHING_TYPED
        return _Typed(nothing, nothing, no_rows, nothing, no_rows)
    return _Typed(units, source[column].take(positions).to_numpy(dtype=object), source.index.to_numpy()[positions],
                  np.full(len(positions), _column_label(table, column), dtype=object), records)


def _typed_units(cells: pd.Series, values: pd.Series, ok: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray,
                                                                                np.ndarray]:
    """Cells written as a number with its unit after it (4.5小时, 2次, 30 min) or as a duration (4:30,
    an Excel time cell: hours, in h:mm), which parse_values refuses, read as the number; with their
    positions and units, and those of amounts written with a currency's sign (¥1,200, 1200元, $1,200)
    or of per milles (5‰), for the records to carry: the ingest checks them against the catalogue's
    unit, so 4.5小时 is 4.5 for a metric kept in h and 30分钟 is refused, as are ¥12,000 for one kept in
    万元, $12 for one kept in 元 and 5‰ for one kept in % or h. Each distinct cell is looked at once (an
    export may add 小时 to every value)."""
    positions, units = _NOTHING_TYPED
    read = ok.to_numpy(dtype=bool)                      # as parse_values read them: ¥94 is 94, 1.2万元 is not read
    bad = np.flatnonzero(~read)
    if len(bad):
        codes, uniques = factorize_cells(cells.iloc[bad])
        found = [number_typed_with_unit(cell) for cell in uniques]
        numbers = _round(np.array([f[0] if f else np.nan for f in found] + [np.nan]))[codes]
        hit = ~np.isnan(numbers)
        if hit.any():
            values, ok = values.copy(), ok.copy()
            values.iloc[bad[hit]], ok.iloc[bad[hit]] = numbers[hit], True
            positions = bad[hit]
            units = np.array([f[1] if f else None for f in found] + [None], dtype=object)[codes][hit]
    for unit, written in written_with_a_sign(cells).items():
        signed = np.flatnonzero(written & read)
        positions, units = (np.concatenate([positions, signed]),
                            np.concatenate([units, np.full(len(signed), unit, dtype=object)]))
    return values, ok, positions, units


def _block_typed_units(frame: pd.DataFrame, columns: list[int], values: np.ndarray,
                       ok: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """_typed_units over a block (rows x columns), in place: (column position, row positions, units)
    for each column with such cells. A column of numbers only has none."""
    found = []
    for j, c in enumerate(columns):
        if ok[:, j].all() and frame[c].dtype.kind == "f":
            continue
        column_values, column_ok, positions, units = _typed_units(frame[c], pd.Series(values[:, j]),
                                                                  pd.Series(ok[:, j]))
        if len(positions):
            values[:, j], ok[:, j] = column_values.to_numpy(), column_ok.to_numpy()
            found.append((j, positions, units))
    return found


def _target_numbers(cells: pd.Series, sheet: Sheet, column: int) -> tuple[pd.Series, pd.Series, np.ndarray,
                                                                          np.ndarray]:
    """A target column's numbers, as _numbers reads them, with the positions and units of the cells
    typed with a unit (≤4小时) or written as a percentage (≥95%, or formatted so): a percentage as the
    target of a metric kept in hours is a row shifted, which the ingest refuses as another unit."""
    targets, ok, as_percent = _numbers(cells, sheet, column)
    targets, ok, positions, units = _typed_units(cells, targets, ok)
    percent = np.flatnonzero(as_percent)
    return targets, ok, np.concatenate([positions, percent]), np.concatenate([units, np.full(len(percent), "%",
                                                                                                dtype=object)])


def _block_target_numbers(frame: pd.DataFrame, columns: list[int],
                          sheet: Sheet) -> tuple[np.ndarray, np.ndarray, list[tuple[int, np.ndarray, np.ndarray]]]:
    """_target_numbers over a block (target rows, or months' target columns), as _block_typed_units
    gives the typed cells."""
    targets, ok, as_percent = _block_numbers(frame, columns, sheet)
    found = _block_typed_units(frame, columns, targets, ok)
    for j in np.flatnonzero(as_percent.any(axis=0)):
        rows = np.flatnonzero(as_percent[:, j])
        found.append((int(j), rows, np.full(len(rows), "%", dtype=object)))
    return targets, ok, found


@dataclass(frozen=True)
class _Units:
    """Each record's unit, and the place of the cell that gives it (see RECORD_COLUMNS)."""

    units: pd.Categorical
    columns: pd.Categorical     # unit_column: the unit column's label, or the typed cell's column's
    rows: pd.Categorical        # unit_row: the typed cell's row where it is not the record's own, else missing


def _units_of_records(written: pd.Categorical, written_column: str | None, record_rows: np.ndarray,
                      typed: list[_Typed], sheet: Sheet, file_name: str,
                      giving: str = "row") -> tuple[_Units, list[Problem]]:
    """Each record's unit: its unit column's (`written`, in the column labelled `written_column`),
    else the first unit typed in its cells (in the order of `typed`); and a problem for each typed
    cell whose unit is another than its record's (30分钟 on a row whose unit column says h, or beside
    a target of ≤4小时): the row's numbers would be in two units. `record_rows`: each record's row;
    `giving`: what the written unit is of (a metric's column, in a tracking table with a unit row)."""
    count = len(written)
    own_column = _repeated(written_column, pd.RangeIndex(count)).array
    typed = [t for t in typed if len(t.records)]
    if not typed:
        return _Units(written, own_column, _missing(count)), []
    units, cells, rows, columns, records = (np.concatenate([getattr(t, f) for t in typed])
                                            for f in ("units", "cells", "rows", "columns", "records"))
    record_units = np.asarray(written, dtype=object)
    record_units = np.where(pd.isna(record_units), None, record_units)
    at, first = np.unique(records, return_index=True)                          # each record's first typed cell
    from_cell = pd.isna(record_units[at])
    record_units[at] = np.where(from_cell, units[first], record_units[at])
    places = _Units(None, *_places(count, own_column, at[from_cell], pd.factorize(columns[first[from_cell]]),
                                   rows[first[from_cell]], record_rows))
    kept = record_units[records]
    codes, distinct = pd.factorize(np.concatenate([units, kept]))               # each distinct spelling keyed once
    keys = np.array([unit_key(unit) for unit in distinct], dtype=object)[codes]
    clash = np.flatnonzero(keys[:len(units)] != keys[len(units):])
    seen, problems = set(), []
    for i in clash:                                     # one problem per cell, not per month its target stands for
        if (rows[i], columns[i]) not in seen and len(problems) < 200:
            seen.add((rows[i], columns[i]))
            why = (f"'{_text(cells[i])}' is in {units[i]}, but the column's unit is {kept[i]}: write the column's "
                   "numbers in one unit" if giving == "column" else
                   f"'{_text(cells[i])}' is in {units[i]}, but the row's unit is {kept[i]}: write the row's numbers in "
                   "one unit")
            problems.append(Problem(why, file=file_name, sheet=sheet.name, row=int(rows[i]), column=columns[i]))
    return replace(places, units=pd.Categorical(record_units)), problems


def _places(count: int, columns: pd.Categorical, at: np.ndarray, labels: tuple[np.ndarray, list[str]],
            rows: np.ndarray, record_rows: np.ndarray) -> tuple[pd.Categorical, pd.Categorical]:
    """The columns (labels) and rows of the cells that give `count` records a unit or target:
    `columns` for each record, except those `at`, whose cells are in the columns `labels` (codes
    into distinct labels) and on the sheet's `rows`; a row is kept only where it is not the
    record's own (`record_rows`). Categorical, as _repeated gives a column's label to every record."""
    label_codes, distinct = labels
    codes = columns.codes.astype("int32")
    categories = pd.Index([*columns.categories, *distinct], dtype=object).unique()
    codes[at] = categories.get_indexer(pd.Index(distinct, dtype=object))[label_codes]
    other = rows != record_rows[at]
    row_codes = np.full(count, -1, dtype="int32")
    if not other.any():
        return pd.Categorical.from_codes(codes, categories=categories), _missing(count)
    row_codes[at[other]], distinct_rows = pd.factorize(rows[other])
    return (pd.Categorical.from_codes(codes, categories=categories),
            pd.Categorical.from_codes(row_codes, categories=pd.Index(distinct_rows, dtype="int64")))


def _round(values: np.ndarray) -> np.ndarray:
    """Round away binary noise (0.1 + 0.2) to 10 decimals, leaving huge numbers alone: rounding
    multiplies by 1e10 first, which would turn anything above ~1e298 into infinity."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.abs(values) < 1e15, np.round(values, 10), values)


def _texts(cells: pd.Series) -> pd.Series:
    """Cells as trimmed text, missing when blank; each distinct cell is converted once.

    Categorical, so that two million rows naming two thousand metrics are matched, grouped and
    checked for duplicates by their codes; _objects gives plain text with None.
    """
    codes, uniques = factorize_cells(cells)
    texts = [_text(u) or None for u in uniques]
    return pd.Series(spread_categorical(pd.Categorical(texts + [None]), codes), index=cells.index, copy=False)


def _objects(texts: pd.Series) -> pd.Series:
    """Categorical text as plain objects, None where missing."""
    return texts.astype(object).where(texts.notna(), None)


def _repeated(value: str | None, index: pd.Index) -> pd.Series:
    """One value for every row (the sheet name, a column letter): categorical, so that the text is
    stored once and not two million times; None (a CSV has no sheet) is missing in every row."""
    if value is None:
        return pd.Series(_missing(len(index)), index=index, copy=False)
    return pd.Series(pd.Categorical.from_codes(np.zeros(len(index), dtype="int8"), categories=[value]), index=index,
                     copy=False)


def _missing(count: int) -> pd.Categorical:
    """A text column without any text (no note or suggestion column in the sheet)."""
    return pd.Categorical.from_codes(np.full(count, -1, dtype="int8"), categories=pd.Index([], dtype=object))


def _blank(cells: pd.Series) -> pd.Series:
    """True where a cell is empty or only white space (vectorised; numbers are blank only when NaN)."""
    if cells.dtype.kind == "f":
        return cells.isna()
    if isinstance(cells.dtype, pd.StringDtype):
        return _blank_text(cells)
    codes, uniques = factorize_cells(cells)
    blank = np.append(_blank_text(pd.Series(uniques, dtype=object).astype("string")).to_numpy(), True)
    if not blank[:-1].any() and (not len(codes) or codes.min() >= 0):       # no blank cell: nothing to look up
        return pd.Series(np.zeros(len(codes), dtype=bool), index=cells.index, copy=False)
    return pd.Series(blank[codes], index=cells.index, copy=False)


def _lone_notes(frame: pd.DataFrame, rows: np.ndarray, not_in: list[int]) -> np.ndarray:
    """Of `rows` (a mask of rows without a name), those whose one filled cell is a text that is no
    number, outside the columns `not_in` (a month alone is no note): a note (说明：SLA达成率=…) typed
    under a table whose first column holds the values, where a note under the names is a footnote."""
    lone = np.zeros(len(frame), dtype=bool)
    if not rows.any():
        return lone
    block = frame[rows]
    filled = ~pd.DataFrame({c: _blank(block[c]) for c in block.columns}, index=block.index).to_numpy()
    one = filled.sum(axis=1) == 1               # rows continuing a name written once hold a month and a value
    if not one.any():
        return lone
    block, where = block[one], filled[one].argmax(axis=1)
    cells = pd.Series([block.iat[i, j] for i, j in enumerate(where)], index=block.index, dtype=object)
    ok = parse_values(cells)[1].to_numpy()
    words = cells.map(lambda cell: isinstance(cell, str)).to_numpy(dtype=bool)
    found = np.flatnonzero(rows)[one]
    lone[found] = ~ok & words & ~np.isin(block.columns[where], not_in)
    return lone


def _no_values(block: pd.DataFrame) -> np.ndarray:
    """True for each row whose cells are all blank or missing ('-', N/A, #DIV/0!): no value to lose."""
    empty = np.ones(len(block), dtype=bool)
    for c in block.columns if len(block) else ():     # no rows: nothing to parse, column by column
        values, ok = parse_values(block[c])
        empty &= (values.isna() & ok).to_numpy()
    return empty


def _blank_text(text: pd.Series) -> pd.Series:
    return (text.isna() | text.str.strip().eq("")).fillna(True).astype(bool)


def _with_years(years: pd.Series, months: pd.Series) -> pd.Series:
    """Month cells (10, 10月, Oct) joined with the year column beside them into '2026-10'; a cell
    that is a whole month already, or cannot be joined, is kept as it is (and judged as it is).
    Each distinct (year, month) pair is joined once."""
    year_codes, year_cells = factorize_cells(years)
    month_codes, month_cells = factorize_cells(months)
    pairs, first = pd.factorize((year_codes.astype("int64") + 1) * (len(month_cells) + 1) + month_codes + 1)
    joined = []
    for pair in first:
        year = year_in(year_cells[pair // (len(month_cells) + 1) - 1]) if pair // (len(month_cells) + 1) else None
        cell = month_cells[pair % (len(month_cells) + 1) - 1] if pair % (len(month_cells) + 1) else None
        month = None if cell is None or parse_period(cell) else _month_number(cell)
        joined.append(f"{year:04d}-{month:02d}" if year and month else cell)
    return pd.Series(pd.Categorical(joined).take(pairs) if joined else pd.Categorical([]), index=months.index,
                     copy=False)


def _with_the_one_year(period_cells: pd.Series, metric: pd.Series | None, aside: np.ndarray, table: Table,
                       sheet: Sheet, notes: list[str]) -> pd.Series:
    """Month cells without their year (9月, 10, Sep) joined with the one year the title or a name
    gives (table.year), with a note; unchanged (and judged as they are) unless every cell is such
    a month, but for rows set aside (`aside`: totals and notes under the table, left out later), and
    each metric's months (metric None: the column's) run within one year."""
    if table.year is None or not _months_without_year(period_cells, metric, aside):
        return period_cells
    year, source = table.year
    notes.append(f"{_where(sheet)}the months in column {_column_label(table, table.roles['period'])} give no year; "
                 f"{year} was taken from {source}")
    return _with_years(_repeated(str(year), period_cells.index), period_cells)


def _years_carried_down(periods: pd.Series, period_cells: pd.Series, metric: pd.Series | None, table: Table,
                        sheet: Sheet, notes: list[str]) -> pd.Series:
    """A month column with the year written only where it changes (2025年11月, 12月, 2026年1月, 2月):
    each month without its year takes the year of the dated month above it (of the same metric, in
    a long table), with a note, when each metric's months (metric None: the column's) then run one
    way. Otherwise, or above a metric's first dated month, they stay unread and are refused cell
    by cell."""
    missing = periods.isna().to_numpy()
    if not missing.any() or missing.all():
        return periods
    codes, cells = factorize_cells(period_cells[missing])
    month = np.zeros(len(periods), dtype="int64")
    month[missing] = np.array([month_without_year(cell) or 0 for cell in cells] + [0])[codes]
    if not month.any():
        return periods
    found = _carry_years(periods.astype(object), month,
                         None if metric is None else pd.factorize(metric.astype(object))[0])
    if found is None:
        return periods
    full, counted = found
    rows = [int(r) for r in periods.index[month > 0]]
    notes.append(f"{_where(sheet)}the months in column {_column_label(table, table.roles['period'])} without their "
                 f"year (row{'s' * (len(rows) > 1)} {spans(rows)}) " +
                 ("run month by month, and took the year that counting on from the dated month gives" if counted
                  else "took the year of the dated month above them"))
    return pd.Series(pd.Categorical(full), index=periods.index, copy=False)


def _months_without_year(period_cells: pd.Series, metric: pd.Series | None, aside: np.ndarray) -> bool:
    """Whether every month cell names a month without its year (9月, 10, Oct), and each metric's
    months run in order, so that one year fits them all. A row set aside (a 合计 or 注：… row under
    the table, `aside`) counts only when its cell names such a month."""
    codes, cells = factorize_cells(period_cells)
    numbers = np.full(len(cells) + 1, np.nan)          # the last for a missing cell (code -1)
    for code in np.unique(codes[codes >= 0]):          # a CSV column's categories include its heading
        if parse_period(cells[code]):                  # a month with its year: the years are written
            return False
        number = _month_number(cells[code])
        numbers[code] = np.nan if number is None else number
    at = numbers[codes]
    if ((codes >= 0) & np.isnan(at) & ~aside).any() or np.isnan(at).all():
        return False
    months = pd.Series(at, index=period_cells.index)
    if metric is None:
        return _in_order([int(m) for m in months.dropna()])
    return all(_in_order([int(m) for m in group.dropna()]) for _, group in months.groupby(metric.astype(str),
                                                                                           sort=False))


def _month_number(cell: object) -> int | None:
    """1-12 for a month cell without its year: 10, '10', '10月', 'Oct'."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return int(cell) if float(cell).is_integer() and 1 <= cell <= 12 else None
    text = _text(cell)
    return int(text) if text.isdecimal() and 1 <= int(text) <= 12 else month_without_year(text)


def total_rows(cells: pd.Series) -> pd.Series:
    """Rows whose text is a total or an average of the others: 合计, 平均, Total. Categorical cells
    (from _texts, or the fast CSV reader's as they are: header_key trims) are judged once per
    distinct cell; any others are made so first."""
    texts = cells if isinstance(cells.dtype, pd.CategoricalDtype) else _texts(cells)
    totals = [i for i, text in enumerate(texts.cat.categories) if header_key(text) in _TOTAL_KEYS]
    found = np.isin(texts.array.codes, totals) if totals else np.zeros(len(texts), dtype=bool)
    return pd.Series(found, index=texts.index, copy=False)


def _ignored(sheet: Sheet, rows: pd.Index, what: str) -> str:
    return f"{_where(sheet)}{len(rows)} {what} were ignored (row {spans([int(r) for r in rows])})"   # every one


def _read_long(frame: pd.DataFrame, sheet: Sheet, table: Table, file_name: str):
    if (beside := _table_beside(table)) is not None:
        return _refused_beside(beside, sheet, table, file_name)
    if (second := _second_value_column(frame, table)) is not None:
        return _refused_second_value(second, sheet, table, file_name)
    roles = table.roles
    notes: list[str] = []
    if (found := _kind_column(frame, table, any_kind=True)) is not None:     # 类型: 实际 | 目标 | 预测
        column, kinds = found
        not_values = (kinds.notna() & (kinds != "actual")).to_numpy()
        notes.append(_ignored(sheet, frame.index[not_values], f"row(s) marked as targets or forecasts in column "
                                                               f"{_column_label(table, column)}, not values,"))
        frame = frame[~not_values]
    metric = _texts(frame[roles["metric"]])
    period_cells = frame[roles["period"]] if table.period is None else _repeated(table.period, frame.index)
    value_cells = frame[roles["value"]]
    footnote = metric.notna()                                  # a name with a blank period and value, found below
    totals = total_rows(metric)                               # 合计 as a name (a total of a month is found below)
    if table.period is None:
        footnote &= _blank(period_cells)
    if footnote.any():
        footnote[footnote] = _blank(value_cells[footnote]).to_numpy()
    if "year" in roles and table.period is None:
        period_cells = _with_years(frame[roles["year"]], period_cells)
    elif table.period is None:
        aside = (footnote | totals | total_rows(period_cells)).to_numpy()
        period_cells = _with_the_one_year(period_cells, frame[roles["metric"]], aside, table, sheet, notes)
    if footnote.any():
        if table.period is not None and (other := _another_month_below(metric, footnote, value_cells, table, sheet,
                                                                       file_name)):
            return pd.DataFrame(columns=RECORD_COLUMNS), [other], []
        notes.append(_ignored(sheet, frame.index[footnote], "row(s) with a name but no period or value"))
    periods = parse_periods(period_cells)
    if table.period is None and "year" not in roles:
        periods = _years_carried_down(periods, period_cells, metric, table, sheet, notes)
    total = totals.copy()
    if periods.isna().any():
        total[periods.isna()] |= total_rows(period_cells[periods.isna()]).to_numpy()
    total &= ~footnote
    if total.any():
        notes.append(_ignored(sheet, frame.index[total], "total or average row(s) (合计/平均)"))
    nothing = metric.isna()           # a group heading (一、质量指标) in another column, as wide drops; or '-', #DIV/0!
    if nothing.any():
        nothing[nothing] = _no_values(value_cells[nothing].to_frame())
    lone = _lone_notes(frame, metric.isna().to_numpy() & ~nothing.to_numpy(),
                       [roles["period"]] if table.period is None else [])
    if lone.any():
        notes.append(_ignored(sheet, frame.index[lone], "note row(s) under the table"))
        nothing |= lone
    if footnote.any() or total.any() or nothing.any():
        keep = ~(footnote | total | nothing)
        frame, metric, period_cells, value_cells = frame[keep], metric[keep], period_cells[keep], value_cells[keep]
        periods = periods[keep]
    written_once = _written_once(metric)
    if written_once.any():
        metric = _continued(metric, written_once)
        rows = [int(r) for r in frame.index[written_once]]
        notes.append(f"{_where(sheet)}row{'s' * (len(rows) > 1)} {spans(rows)} name{'s' * (len(rows) == 1)} no "
                     "metric: read as the metric named above (a name written once over its months)")
    problems: list[Problem] = []
    values, ok, as_percent = _numbers(value_cells, sheet, roles["value"])
    values, ok, *value_typed = _typed_units(value_cells, values, ok)
    for row in frame.index[metric.isna()]:
        problems.append(Problem("the row has values but no metric name", file=file_name, sheet=sheet.name,
                                row=int(row), column=_column_label(table, roles["metric"])))
    problems += _month_problems(frame, periods, period_cells, table, sheet, file_name)
    for row in frame.index[~ok]:
        problems.append(Problem(_not_a_number(value_cells[row]), file=file_name, sheet=sheet.name,
                                row=int(row), column=_column_label(table, roles["value"])))
    typed = []
    if "target" in roles:
        target_cells = without_bounds(frame[roles["target"]])
        targets, target_ok, positions, units = _target_numbers(target_cells, sheet, roles["target"])
        typed.append(_typed_at(frame, roles["target"], positions, units, positions, table))      # the target first
        for row in frame.index[~target_ok]:
            problems.append(Problem(_not_a_number(frame.at[row, roles["target"]], "target "),
                                    file=file_name, sheet=sheet.name, row=int(row),
                                    column=_column_label(table, roles["target"])))
    else:
        targets = pd.Series(np.nan, index=frame.index)
    typed.append(_typed_at(frame, roles["value"], value_typed[0], value_typed[1], value_typed[0], table))
    units, unit_problems = _units_of_records(_texts(frame[roles["unit"]]).array if "unit" in roles
                                             else _missing(len(frame)), _label_of(table, "unit"),
                                             frame.index.to_numpy(dtype="int64"), typed, sheet, file_name)
    problems += unit_problems
    records = pd.DataFrame({
        "metric": metric, "period": periods, "value": values, "target": targets,
        "note": _objects(_texts(frame[roles["note"]])) if "note" in roles else _missing(len(frame)),
        "suggestion": (_objects(_texts(frame[roles["suggestion"]])) if "suggestion" in roles
                       else _missing(len(frame))),
        "sheet": _repeated(sheet.name, frame.index), "row": frame.index.astype("int64"),
        "column": _repeated(column_letter(roles["value"]), frame.index),
        "value_column": _repeated(_column_label(table, roles["value"]), frame.index),
        "period_column": _repeated(_column_label(table, roles["period"]) if "period" in roles else None, frame.index),
        "metric_column": _repeated(_column_label(table, roles["metric"]), frame.index),
        "unit": units.units, "unit_column": units.columns, "unit_row": units.rows,
        "unit_from_title": np.zeros(len(frame), dtype=bool),
        "target_column": _repeated(_label_of(table, "target"), frame.index),
        "target_row": _missing(len(frame)),
        "service": _texts(frame[roles["service"]]) if "service" in roles else _missing(len(frame)),
        "as_percent": as_percent,
    }, index=frame.index, copy=False)
    records["target_bound"] = _bound_of_each_record(
        records["metric"], bounds_of_metrics(metric, frame[[roles["target"]]] if "target" in roles else None))
    return records.reset_index(drop=True), problems, notes


def _read_wide(frame: pd.DataFrame, sheet: Sheet, table: Table, file_name: str):
    roles = table.roles
    metric = _texts(frame[roles["metric"]])
    period_cols = list(table.period_columns)
    notes: list[str] = []
    if (beside := _table_beside(table)) is not None:
        return _refused_beside(beside, sheet, table, file_name)
    _, problems = _first_column_of_each_month(table.period_columns, False, table, sheet, file_name)
    filled = ~pd.DataFrame({c: _blank(frame[c]) for c in period_cols}, index=frame.index)
    no_values = ~filled.any(axis=1)
    footnote = metric.notna() & no_values & _objects(metric).fillna("").map(
        lambda t: bool(_FOOTNOTE.match(t)) or len(t) > 40)
    if footnote.any():
        notes.append(_ignored(sheet, frame.index[footnote], "note row(s) under the table"))
    total = total_rows(metric) & ~footnote
    if total.any():
        notes.append(_ignored(sheet, frame.index[total], "total or average row(s) (合计/平均)"))
    frame, metric, filled = frame[~(footnote | total)], metric[~(footnote | total)], filled[~(footnote | total)]
    kinds = _row_kinds(frame, table)
    if kinds is not None:           # SLA达成率 | 目标 | …, then | 实际 | …: the second row continues the first
        metric = _continued(metric, kinds.notna())
        worked_out = (kinds == "other").to_numpy()             # | 差异 | …, | 完成率 | …: not read
        frame, metric, filled, kinds = frame[~worked_out], metric[~worked_out], filled[~worked_out], kinds[~worked_out]
    nameless = frame.index[metric.isna() & filled.any(axis=1)]
    for row in nameless[~_no_values(frame.loc[nameless, period_cols])]:     # a row of '-' or #DIV/0! says nothing
        problems.append(Problem("the row has values but no metric name", file=file_name, sheet=sheet.name,
                                row=int(row), column=_column_label(table, roles["metric"])))
    frame, metric = frame[metric.notna()], metric[metric.notna()]
    bounds = _bounds_of_wide_targets(frame, metric, table, None if kinds is None else kinds[frame.index] == "target")
    target_block = row_targets = column_targets = None
    if kinds is not None:
        kinds = kinds[frame.index]
        row_targets, frame, metric, row_problems, row_notes, typed = _target_rows(frame, metric, kinds == "target",
                                                                                  table, sheet, file_name)
        target_block = row_targets[0]
        problems += row_problems
        notes += row_notes
    else:
        typed = []
    target_typed = _NOTHING_TYPED
    if "target" in roles:
        target_cells = without_bounds(frame[roles["target"]])
        targets, target_ok, *target_typed = _target_numbers(target_cells, sheet, roles["target"])
        for row in frame.index[~target_ok]:
            problems.append(Problem(_not_a_number(frame.at[row, roles["target"]], "target "),
                                    file=file_name, sheet=sheet.name, row=int(row),
                                    column=_column_label(table, roles["target"])))
    else:
        targets = pd.Series(np.nan, index=frame.index)
    note, suggestion, unit, service = (_texts(frame[roles[role]]) if role in roles
                              else pd.Series(_missing(len(frame)), index=frame.index, copy=False)
                              for role in ("note", "suggestion", "unit", "service"))
    values, ok, as_percent = _block_numbers(frame, period_cols, sheet)
    value_units = _block_typed_units(frame, period_cols, values, ok)
    problems += _number_problems(frame, period_cols, ok, table, sheet, file_name)
    width = len(period_cols)
    if len(target_typed[0]):            # a row's target gives the unit of each of its months
        positions, units = np.repeat(target_typed[0], width), np.repeat(target_typed[1], width)
        typed.append(_typed_at(frame, roles["target"], positions, units,
                               positions * width + np.tile(np.arange(width), len(target_typed[0])), table))
    if table.target_columns:        # 9月目标 | 9月实际: each month's target column
        column_targets, column_problems, column_typed = _target_columns(frame, table, sheet, file_name)
        problems += column_problems
        typed += column_typed
        column_block = column_targets[0]
        target_block = column_block if target_block is None else np.where(np.isnan(target_block), column_block,
                                                                           target_block)
    typed += [_typed_at(frame, period_cols[j], positions, units, positions * width + j, table)  # after the targets
              for j, positions, units in value_units]
    if target_block is not None:    # a month's target row wins over the row's target column
        per_row = np.repeat(targets.to_numpy(dtype="float64")[:, None], len(period_cols), axis=1)
        target_block = np.where(np.isnan(target_block), per_row, target_block)
    records = _wide_records(frame.index, table, sheet, values, as_percent, {
        "metric": metric, "target": targets, "note": note, "suggestion": suggestion, "unit": unit, "service": service},
        target_block)
    if row_targets is not None or column_targets is not None:
        records["target_column"], records["target_row"] = _wide_target_places(table, frame.index, row_targets,
                                                                              column_targets)
    if typed:                              # 4.5小时 in a month's cell, ≤4小时 as a target
        units, unit_problems = _units_of_records(records["unit"].array, _label_of(table, "unit"),
                                                 records["row"].to_numpy(), typed, sheet, file_name)
        records["unit"], records["unit_column"], records["unit_row"] = units.units, units.columns, units.rows
        problems += unit_problems
    records["target_bound"] = _bound_of_each_record(records["metric"], bounds)
    return records, problems, notes


def _wide_target_places(table: Table, rows: pd.Index, row_targets: tuple[np.ndarray, np.ndarray] | None,
                        column_targets: tuple[np.ndarray, list[str | None]] | None
                        ) -> tuple[pd.Categorical, pd.Categorical]:
    """The column and row (target_column, target_row) of each record's target in a wide table, as
    _read_wide chooses it: the metric's target row (in the month's own column), else the month's
    target column (9月目标), else the row's target column (目标)."""
    months = len(table.period_columns)
    count = len(rows) * months
    columns = _repeated(_label_of(table, "target"), pd.RangeIndex(count)).array
    at, labels, target_rows = [], [], []
    record_rows = np.repeat(rows.to_numpy(dtype="int64"), months)
    taken = np.zeros((len(rows), months), dtype=bool)
    distinct = [_column_label(table, c) for c in table.period_columns]   # label codes: 0..months-1 the months',
    if row_targets is not None:                      # first: a target row wins
        block, row_of = row_targets
        found = ~np.isnan(block)
        taken |= found
        positions = np.flatnonzero(found)
        at.append(positions)
        labels.append(positions % months)
        target_rows.append(row_of[positions // months])
    if column_targets is not None:                   # then the months' target columns (9月目标): months.. on
        block, by_month = column_targets
        found = ~np.isnan(block) & ~taken
        positions = np.flatnonzero(found)
        at.append(positions)
        labels.append(positions % months + months)
        target_rows.append(record_rows[positions])
        distinct += [label or "" for label in by_month]         # a month without one has no target found there
    return _places(count, columns, np.concatenate(at), (np.concatenate(labels), distinct),
                   np.concatenate(target_rows), record_rows)


def _table_beside(table: Table) -> int | None:
    """The column where a second table starts beside the first: a metric heading right of the
    metric column with month columns on both sides of it (指标 | 9月 | 10月 | 指标 | 11月), or, in a
    long table, right of all its columns with a month or value heading after it (指标 | 月份 | 数值
    | 指标 | 月份 | 数值). Read as one table, the second's values would go to the first's metrics
    (other months) or be dropped (a long table reads only its first columns)."""
    last = max(table.roles.values())
    for c in range(table.roles["metric"] + 1, len(table.headers)):
        if header_role(table.headers[c]) != "metric":
            continue
        if table.layout == "wide" and min(table.period_columns) < c < max(table.period_columns):
            return c
        if table.layout == "long" and c > last and any(
                header_role(h) in ("period", "value") for h in table.headers[c + 1:]):
            return c
    return None


def _another_month_below(metric: pd.Series, headings: pd.Series, values: pd.Series, table: Table, sheet: Sheet,
                         file_name: str) -> Problem | None:
    """A sub-heading naming another month over rows of a table whose one month the title or a name
    gives (2026年10月数据更正 under 2026年11月's title, then 指标 | 数值 again): the rows under it were
    read as the title's month. Refused: which month each row is cannot be told from the table."""
    filled = ~_blank(values).to_numpy()
    for position in np.flatnonzero(headings.to_numpy()):
        text = metric.iloc[position]
        named = months_in(text, title=True)
        if (named is None or any(month != table.period for month in named)) and filled[position + 1:].any() and (
                named != [] or _MONTH_WORD_IN.search(text)):
            return Problem(f"'{text}' names another month than {table.period}, the month the rows above it were read "
                           "as, over rows of values: put those rows on a sheet of their own, or add a month column (月份)",
                           file=file_name, sheet=sheet.name, row=int(metric.index[position]),
                           column=_label_of(table, "metric"))
    return None


_MONTH_WORD_IN = re.compile(r"上月|上个月|去年同期|上年同期|last month", re.IGNORECASE)


def _second_value_column(frame: pd.DataFrame, table: Table) -> int | None:
    """A second column headed as the value (数值 | 数值, 实际值 | 本月值) that holds something: which of
    the two holds the month's value is not told, and the first was read without a word."""
    first = table.roles["value"]
    return next((c for c in range(first + 1, len(table.headers)) if header_role(table.headers[c]) == "value"
                 and c in frame.columns and not _blank(frame[c]).all()), None)


def _refused_second_value(second: int, sheet: Sheet, table: Table, file_name: str):
    """No records, and the one problem of two value columns."""
    first, headers = table.roles["value"], table.headers
    return pd.DataFrame(columns=RECORD_COLUMNS), [Problem(
        f"columns {column_letter(first)} ({headers[first]}) and {column_letter(second)} ({headers[second]}) are both "
        "headed as the value: "
        "keep one, or rename the other (e.g. 目标 for a target)", file=file_name, sheet=sheet.name,
        row=table.header_row + 1, column=column_letter(second))], []


def _refused_beside(beside: int, sheet: Sheet, table: Table, file_name: str):
    """No records, and the one problem of a second table beside the first."""
    return pd.DataFrame(columns=RECORD_COLUMNS), [Problem(
        f"column {column_letter(beside)} ({table.headers[beside]}) starts a second table beside the first: put each "
        "table on a sheet of its own", file=file_name, sheet=sheet.name, row=table.header_row + 1,
        column=column_letter(beside))], []


def _first_column_of_each_month(columns: dict[int, str], targets: bool, table: Table, sheet: Sheet,
                                file_name: str) -> tuple[dict[str, int], list[Problem]]:
    """{month: its first column}, and a problem for each month that has a second value (or target) column."""
    first: dict[str, int] = {}
    problems = []
    for c, period in columns.items():
        if period in first:
            a, b = column_letter(first[period]), column_letter(c)
            problems.append(Problem(f"month {period} has two target columns ({a} and {b})" if targets else
                                    f"month {period} has two columns ({a} and {b})", file=file_name, sheet=sheet.name,
                                    row=table.header_row + 1, column=b))
        first.setdefault(period, c)
    return first, problems


def _target_columns(frame: pd.DataFrame, table: Table, sheet: Sheet,
                    file_name: str) -> tuple[tuple[np.ndarray, list[str | None]], list[Problem], list[_Typed]]:
    """Each month's target from its target column (9月目标, or 目标 under a merged 2026年9月), as a
    (rows x value months) block; NaN for a month without one. Also the label of each month's target
    column (None: none), and the target cells typed with a unit."""
    by_month, problems = _first_column_of_each_month(table.target_columns, True, table, sheet, file_name)
    columns = list(by_month.values())
    cells = pd.DataFrame({c: without_bounds(frame[c]) for c in columns}, index=frame.index)
    targets, ok, units_found = _block_target_numbers(cells, columns, sheet)
    problems += [Problem(_not_a_number(frame.at[row, c], "target "), file=file_name, sheet=sheet.name, row=int(row),
                         column=_column_label(table, c)) for j, c in enumerate(columns) for row in frame.index[~ok[:, j]]]
    months = list(table.period_columns.values())
    block = np.full((len(frame), len(months)), np.nan)
    for j, period in enumerate(months):
        if period in by_month:
            block[:, j] = targets[:, columns.index(by_month[period])]
    typed = []
    for jc, positions, units in units_found:
        months_of = [j for j, period in enumerate(months) if by_month.get(period) == columns[jc]]   # its month
        for j in months_of:
            typed.append(_typed_at(frame, columns[jc], positions, units, positions * len(months) + j, table))
    labels = [_column_label(table, by_month[period]) if period in by_month else None for period in months]
    return (block, labels), problems, typed


def _row_kinds(frame: pd.DataFrame, table: Table) -> pd.Series | None:
    """'target', 'actual' or 'other' (差异, 完成率, 预测: not read) for each row, when a column other than
    the metric's says which each row is (目标 / 实际 under 类型 or 项目) and at least one row is a
    target; else None."""
    found = _kind_column(frame, table)
    return None if found is None else found[1]


def _kind_column(frame: pd.DataFrame, table: Table, any_kind: bool = False) -> tuple[int, pd.Series] | None:
    """The column that says each row's kind, and the kinds (see _row_kinds); with any_kind, also where
    no row is a target but some are of another kind than actual (a long table's 预测 rows)."""
    for c in frame.columns:
        if c in table.roles.values() or c in table.period_columns or c in table.target_columns:
            continue
        texts = _texts(frame[c])
        kinds = [_KIND.get(header_key(text)) for text in texts.cat.categories]
        used = [kinds[code] for code in np.unique(texts.array.codes) if code >= 0]   # a CSV column's header too
        if used and all(used) and ("target" in used or any_kind and set(used) != {"actual"}):
            return c, pd.Series(spread_categorical(pd.Categorical(kinds + [None]), texts.array.codes),
                                index=frame.index, copy=False)
    return None


def _written_once(metric: pd.Series) -> pd.Series:
    """The nameless rows under a metric that is named once over its months, as in a pivot table or
    a sheet whose merged names were saved as CSV: only where no name is written twice (else a
    missing name is a mistake, refused), and only in rows that follow their named row directly."""
    nameless = metric.isna()
    if not nameless.any() or nameless.all() or metric[~nameless].duplicated().any():
        return pd.Series(False, index=metric.index)
    follows = np.r_[False, np.diff(metric.index.to_numpy()) == 1]      # the row right after the previous one
    block = np.cumsum(~nameless.to_numpy() | ~follows)                  # a named row or a gap starts a block
    return nameless & (~nameless).groupby(block).transform("first")     # ... headed by a named row


def _continued(metric: pd.Series, labelled: pd.Series) -> pd.Series:
    """The metric name carried down to the rows that only name their kind."""
    codes = pd.Series(np.where(metric.array.codes >= 0, metric.array.codes, np.nan), index=metric.index)
    carried = np.where(labelled.to_numpy() & np.isnan(codes.to_numpy()), codes.ffill().to_numpy(), codes.to_numpy())
    carried = np.where(np.isnan(carried), -1, carried).astype("int64")
    return pd.Series(pd.Categorical.from_codes(carried, dtype=metric.dtype), index=metric.index, copy=False)


def _target_rows(frame: pd.DataFrame, metric: pd.Series, is_target: pd.Series, table: Table, sheet: Sheet,
                 file_name: str):
    """Each month's target from the metric's target row, as a (value rows x months) block with the
    sheet row of each value row's target row (-1: none); the target rows themselves are taken out of
    the values."""
    period_cols = list(table.period_columns)
    target_cells = frame[is_target]
    bare = pd.DataFrame({c: without_bounds(target_cells[c]) for c in period_cols})
    targets, ok, units_found = _block_target_numbers(bare, period_cols, sheet)
    problems = _number_problems(target_cells, period_cols, ok, table, sheet, file_name)
    rows: dict[str, tuple[int, np.ndarray]] = {}
    for i, (row, name) in enumerate(zip(frame.index[is_target], metric[is_target], strict=True)):
        if name_key(name) in rows:
            problems.append(Problem(f"'{name}' has two target rows (also row {rows[name_key(name)][0]})",
                                    file=file_name, sheet=sheet.name, row=int(row)))
        rows.setdefault(name_key(name), (int(row), targets[i]))
    metric_of_targets = metric[is_target]
    frame, metric = frame[~is_target], metric[~is_target]
    keys = [name_key(name) for name in metric]
    unmatched = [row for key, (row, _) in rows.items() if key not in set(keys)]
    notes = [_ignored(sheet, pd.Index(unmatched), "target row(s) without a row of actual values")] if unmatched else []
    nothing = np.full(len(period_cols), np.nan)
    block = np.vstack([rows.get(key, (0, nothing))[1] for key in keys]) if keys else np.empty((0, len(period_cols)))
    target_row_of = np.array([rows.get(key, (-1,))[0] for key in keys], dtype="int64")   # each value row's target row
    target_keys = [name_key(name) for name in metric_of_targets]
    value_rows: dict[str, list[int]] = {}
    for k, key in enumerate(keys):
        value_rows.setdefault(key, []).append(k)
    typed = []
    for j, positions, units in units_found:            # each target cell gives the unit of its metric's value rows
        ks = [value_rows.get(target_keys[i], []) for i in positions]
        counts = np.array([len(k) for k in ks], dtype="int64")
        records = np.array([k * len(period_cols) + j for group in ks for k in group], dtype="int64")
        typed.append(_typed_at(target_cells, period_cols[j], np.repeat(positions, counts), np.repeat(units, counts),
                               records, table))
    return (block, target_row_of), frame, metric, problems, notes, typed


def bounds_of_metrics(metric: pd.Series, cells: pd.DataFrame | None,
                      read: np.ndarray | None = None) -> dict[str, int]:
    """{name_key: 1 or -1} for each metric whose target cells (`cells`, rows as `metric`) are written
    as bounds that agree: 1 for floors (≥95%, 不低于95%), -1 for ceilings (≤4小时, 4小时以内); 0 when
    they disagree. `read` (a rows x columns mask) says which cells are targets, where not all are.
    A metric created from the file takes this as its direction."""
    if cells is None or not len(cells.columns) or not len(cells):
        return {}
    directions = np.column_stack([bound_directions(cells.iloc[:, j]) for j in range(len(cells.columns))])
    if read is not None:
        directions = np.where(read, directions, 0)
    if not directions.any():
        return {}
    codes, names = pd.factorize(metric.astype(object).to_numpy())
    up = np.bincount(codes[codes >= 0], weights=(directions == 1).any(axis=1)[codes >= 0], minlength=len(names))
    down = np.bincount(codes[codes >= 0], weights=(directions == -1).any(axis=1)[codes >= 0], minlength=len(names))
    found: dict[str, int] = {}
    for name, higher, lower in zip(names, up, down, strict=True):
        if higher or lower:
            key = name_key(name)
            direction = int(higher > 0) - int(lower > 0)
            found[key] = direction if found.get(key, direction) == direction else 0
    return found


def _bounds_of_wide_targets(frame: pd.DataFrame, metric: pd.Series, table: Table,
                            target_rows: pd.Series | None) -> dict[str, int]:
    """bounds_of_metrics over every cell of a wide sheet that holds a target: the row's target
    column, the months' target columns (9月目标), and the months' cells of its target rows (目标)."""
    per_row = [*([table.roles["target"]] if "target" in table.roles else []), *table.target_columns]
    months = list(table.period_columns) if target_rows is not None else []
    read = np.ones((len(frame), len(per_row) + len(months)), dtype=bool)
    if months:
        read[:, len(per_row):] = target_rows.to_numpy(dtype=bool)[:, None]
    return bounds_of_metrics(metric, frame[per_row + months], read)


def _bound_of_each_record(metric: pd.Series, bounds: dict[str, int]) -> np.ndarray:
    """Each record's metric's bound direction (bounds_of_metrics), int8; 0 for a metric without one."""
    if not bounds:
        return np.zeros(len(metric), dtype="int8")
    texts = metric.astype("category")
    per_name = np.array([*(bounds.get(name_key(name), 0) for name in texts.cat.categories), 0], dtype="int8")
    return per_name[texts.cat.codes.to_numpy()]


def _read_across(frame: pd.DataFrame, sheet: Sheet, table: Table, file_name: str):
    """One row per month, one column per metric: the wide layout turned on its side."""
    roles, columns = table.roles, list(table.metric_columns)
    if table.unit_row is not None:                    # 单位 | % | 小时: each metric's unit, not a month
        frame = frame[frame.index != table.unit_row + 1]
    problems: list[Problem] = []
    notes: list[str] = []
    kinds = _kinds_in(frame[roles["period"]])
    if (worked_out := kinds == "other").any():
        notes.append(_ignored(sheet, frame.index[worked_out], "row(s) that are not the months' values (完成率/差异/预测)"))
    target = _TargetRow.of(frame[kinds == "target"], table, sheet, file_name)
    problems += target.problems
    frame = frame[pd.isna(kinds)]                     # the months' rows
    seen: dict[str, int] = {}
    for c, name in table.metric_columns.items():
        if name_key(name) in seen:
            problems.append(Problem(f"metric '{name}' has two columns ({column_letter(seen[name_key(name)])} and "
                                    f"{column_letter(c)})", file=file_name, sheet=sheet.name,
                                    row=table.header_row + 1, column=column_letter(c)))
        seen.setdefault(name_key(name), c)
    if "target" in roles:
        notes.append(f"{_where(sheet)}the target column {column_letter(roles['target'])} was not read: with one "
                     "column per metric it does not say whose target it is")
    period_cells = frame[roles["period"]]
    filled = ~pd.DataFrame({c: _blank(frame[c]) for c in columns}, index=frame.index).to_numpy()
    if "year" in roles:
        period_cells = _with_years(frame[roles["year"]], period_cells)
    else:                             # a 合计 row, or a note (a text without values) under the months: set aside
        aside = total_rows(period_cells).to_numpy() | ~filled.any(axis=1)
        period_cells = _with_the_one_year(period_cells, None, aside, table, sheet, notes)
    periods = parse_periods(period_cells)
    if "year" not in roles:
        periods = _years_carried_down(periods, period_cells, None, table, sheet, notes)
    month_text = _texts(period_cells)
    total = total_rows(month_text).to_numpy() & periods.isna().to_numpy()
    footnote = periods.isna().to_numpy() & ~filled.any(axis=1) & month_text.notna().to_numpy() & ~total
    for kind, rows in (("total or average row(s) (合计/平均)", total), ("note row(s) under the table", footnote)):
        if rows.any():
            notes.append(_ignored(sheet, frame.index[rows], kind))
    keep = ~(total | footnote)
    frame, periods, period_cells = frame[keep], periods[keep], period_cells[keep]
    problems += _month_problems(frame, periods, period_cells, table, sheet, file_name)
    values, ok, as_percent = _block_numbers(frame, columns, sheet)
    value_units = _block_typed_units(frame, columns, values, ok)
    problems += _number_problems(frame, columns, ok, table, sheet, file_name)
    count, width = len(frame), len(columns)
    units, unit_problems = _units_of_records(
        _column_units(table, columns, count), None, np.repeat(frame.index.to_numpy(dtype="int64"), width),
        target.typed(count, table) + [_typed_at(frame, columns[j], positions, found, positions * width + j, table)
                                      for j, positions, found in value_units],
        sheet, file_name, giving="column")    # a metric per column
    problems += unit_problems
    units = _given_by_the_unit_row(units, table, columns, count)
    note, suggestion = (_texts(frame[roles[role]]) if role in roles
                        else pd.Series(_missing(count), index=frame.index, copy=False) for role in ("note", "suggestion"))
    metric_codes, metric_names = pd.factorize(pd.Series([table.metric_columns[c] for c in columns], dtype=object))
    labels = (pd.Categorical([_column_label(table, c) for c in columns]).take(np.tile(np.arange(width), count))
              if count else pd.Categorical([]))
    records = pd.DataFrame({
        "metric": pd.Categorical.from_codes(np.tile(metric_codes, count), categories=metric_names),
        "period": pd.Categorical(periods).take(np.repeat(np.arange(count), width)) if count else pd.Categorical([]),
        "value": values.ravel(),
        "target": np.tile(target.targets, count),
        "note": pd.Categorical.from_codes(np.repeat(note.array.codes, width), dtype=note.dtype),
        "suggestion": pd.Categorical.from_codes(np.repeat(suggestion.array.codes, width), dtype=suggestion.dtype),
        "unit": units.units, "unit_column": units.columns, "unit_row": units.rows,
        "unit_from_title": np.zeros(count * width, dtype=bool),
        "target_column": labels.copy() if target.row is not None else _missing(count * width),
        "target_row": target.rows(count * width),
        "service": _missing(count * width),
        "as_percent": as_percent.ravel(),
        "target_bound": np.tile(target.bounds, count),
        "sheet": _repeated(sheet.name, pd.RangeIndex(count * width)),
        "row": np.repeat(frame.index.to_numpy(dtype="int64"), width),
        "column": pd.Categorical([column_letter(c) for c in columns]).take(np.tile(np.arange(width), count))
        if count else pd.Categorical([]),
        "period_column": _repeated(_column_label(table, roles["period"]), pd.RangeIndex(count * width)),
        "metric_column": labels,
        "value_column": labels.copy(),          # a metric's own column names it and holds its values
    }, copy=False)[RECORD_COLUMNS]
    return records, problems, notes


def _kinds_in(cells: pd.Series) -> np.ndarray:
    """Each row's kind as its month cell names it (ROW_KINDS: 'target' for 目标值, 'other' for 完成率 or
    差异), None for a month's row; each distinct cell is looked up once."""
    texts = _texts(cells)
    kinds = np.array([_KIND.get(header_key(text)) for text in texts.cat.categories] + [None], dtype=object)
    return kinds[texts.array.codes]


@dataclass(frozen=True)
class _TargetRow:
    """A tracking table's target row (目标值 | ≥95% | ≤5.5 under its months): each metric column's
    target, for every month of the table. Before, the row made the table unknown ('no header row')."""

    targets: np.ndarray                   # one per metric column, NaN where blank
    bounds: np.ndarray                    # int8 per metric column: ≥95% a floor (1), ≤5.5 a ceiling (-1)
    row: int | None                       # the sheet's row, None without a target row
    units: list[tuple[int, np.ndarray, np.ndarray]]    # _block_target_numbers' typed cells: ≥95% is in %
    cells: pd.DataFrame
    problems: list[Problem]

    @classmethod
    def of(cls, cells: pd.DataFrame, table: Table, sheet: Sheet, file_name: str) -> _TargetRow:
        columns = list(table.metric_columns)
        if not len(cells):
            return cls(np.full(len(columns), np.nan), np.zeros(len(columns), dtype="int8"), None, [], cells, [])
        problems = [Problem(f"a second target row (the first is row {cells.index[0]}): keep one", file=file_name,
                            sheet=sheet.name, row=int(row)) for row in cells.index[1:]]
        cells = cells.iloc[:1]
        bare = pd.DataFrame({c: without_bounds(cells[c]) for c in columns}, index=cells.index)
        targets, ok, units = _block_target_numbers(bare, columns, sheet)
        problems += _number_problems(cells, columns, ok, table, sheet, file_name)
        names = pd.Series([table.metric_columns[c] for c in columns], dtype=object)
        found = bounds_of_metrics(names, pd.DataFrame({0: cells[columns].iloc[0].to_numpy(dtype=object)}))
        bounds = np.array([found.get(name_key(name), 0) for name in names], dtype="int8")
        return cls(targets[0], bounds, int(cells.index[0]), units, bare, problems)

    def typed(self, count: int, table: Table) -> list[_Typed]:
        """The target cells typed with a unit (≥95%, ≤4小时), each giving the unit of its column's
        `count` records (month by month, column by column)."""
        width = len(self.targets)
        return [_typed_at(self.cells, list(table.metric_columns)[j], np.zeros(count, dtype="int64"),
                          np.full(count, unit, dtype=object), np.arange(count, dtype="int64") * width + j, table)
                for j, _, found in self.units for unit in found[:1]]

    def rows(self, count: int) -> pd.Categorical:
        """Each record's target row (target_row): the one target row, or missing without one."""
        if self.row is None:
            return _missing(count)
        return pd.Categorical.from_codes(np.zeros(count, dtype="int8"), categories=pd.Index([self.row], dtype="int64"))


def _column_units(table: Table, columns: list[int], count: int) -> pd.Categorical:
    """Each record's unit from the unit row (missing without one), records running month by month,
    then column by column within a month."""
    return pd.Categorical([table.column_units.get(c) for c in columns]).take(np.tile(np.arange(len(columns)), count)) \
        if count else _missing(0)


def _given_by_the_unit_row(units: _Units, table: Table, columns: list[int], count: int) -> _Units:
    """The records whose unit the unit row gives, placed at its cell (the metric's column, that row),
    where a refusal of that unit points."""
    if table.unit_row is None or not count:
        return units
    given = np.tile([c in table.column_units for c in columns], count)
    labels = np.tile(np.array([_column_label(table, c) for c in columns], dtype=object), count)
    place_columns = np.where(given, labels, np.asarray(units.columns, dtype=object))
    place_rows = np.where(given, table.unit_row + 1, np.asarray(units.rows, dtype=object))
    return _Units(units.units, pd.Categorical(place_columns), pd.Categorical(place_rows))


def _month_problems(frame: pd.DataFrame, periods: pd.Series, period_cells: pd.Series, table: Table, sheet: Sheet,
                    file_name: str) -> list[Problem]:
    """A problem for each row without a month: its month cell is not a month, or is blank, or
    (beside a year column) its year is blank."""
    rows = frame.index[periods.isna()]
    year = table.roles.get("year")
    no_year = set(rows[_blank(frame.loc[rows, year]).to_numpy()]) if year is not None and len(rows) else set()
    return [Problem("the year is blank", file=file_name, sheet=sheet.name, row=int(row),
                    column=_column_label(table, year)) if row in no_year else
            Problem(_period_problem(period_cells[row]), file=file_name, sheet=sheet.name, row=int(row),
                    column=_column_label(table, table.roles["period"])) for row in rows]


def _period_problem(cell: object) -> str:
    """Why a month cell, or a month heading, is refused: blank, a month without its year whose
    year the months beside it do not make certain (12月 among 2026年1月 …, or over a year's end),
    2026.1 (January, or October that lost its 0), a month typed as a number, or no month at all."""
    text = _text(cell)
    if not text:
        return "the period is blank"
    year = october_or_january(cell)
    if month_as_number(cell):
        return (f"the cell holds the number {text} (shown as {year}.1 or {year}.10), not a month: type the month as "
                f"text, {year}-10 or {year}-01" if year else
                f"the cell holds the number {text}, not a month: type the month as text, like {month_as_number(cell)}")
    if year:
        return (f"'{text}' may be {year}-10 saved as a number (Excel drops the 0 of {year}.10): write the month as "
                f"{year}-01 or {year}-10")
    if month := month_without_year(text):
        return (f"'{text}' names a month but no year, and the months beside it do not make the year certain: write it "
                f"with its year, like 2026-{month:02d} or 2026年{month}月")
    if is_quarter(text):
        return (f"'{text}' is a quarter, not a month: the dashboard follows metrics month by month; write each month's "
                "value on a row of its own (for 2026Q3: 2026-07, 2026-08 and 2026-09)")
    return f"'{text}' is not a month (write it like 2026-05 or 2026年5月)"


_EXCEL_ERRORS = {"#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!",
                 "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}


_CALC_ERROR = re.compile(r"Err:\d{3}")          # LibreOffice's and WPS's own error codes (Err:502: invalid argument)
_MAGNITUDES = {"万": 10_000, "千": 1_000, "亿": 100_000_000, "百万": 1_000_000, "千万": 10_000_000}
_MAGNITUDE = re.compile(r"[¥￥]?\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<word>千万|百万|万|千|亿)\s*(?:元|人民币)?")
_NONE_HAPPENED = {"未发生", "无发生", "没有发生", "零", "none happened"}     # 0 for a count, but not for a rate


def _not_a_number(cell: object, what: str = "") -> str:
    """Why a value (or target: what='target ') cell was refused, with what to do about it: a formula
    whose result the file does not hold, an Excel error, an amount in 万. (A number typed with a unit
    it knows is read: see _typed_units.)"""
    text = _text(cell)
    refused = f"{what}'{text}' is not a number"
    if text.startswith("=") and isinstance(cell, str):
        return (f"{refused}: it is a formula whose result the file does not hold; open the file in Excel "
                "or WPS and save it again")
    if text.upper() in _EXCEL_ERRORS or _CALC_ERROR.fullmatch(text):
        return f"{refused}: the cell shows an Excel error; correct its formula, or clear the cell if there is no value"
    if (scaled := _MAGNITUDE.fullmatch(text)) is not None:      # 1.2万: ten thousands, as Chinese reports write costs
        number = float(scaled["number"]) * _MAGNITUDES[scaled["word"]]
        return f"{refused}: write {number:,.10g} ({text} = {scaled['number']} × {_MAGNITUDES[scaled['word']]:,})"
    if text in _NONE_HAPPENED:
        return f"{refused}: write 0 if none happened, or leave the cell blank if it was not measured"
    if _DECIMAL_COMMA.fullmatch(text):                 # 10,5 from a spreadsheet set up for Europe
        return f"{refused}: if the comma is the decimal point, write {text.replace(',', '.')}"
    if (marked := without_marks(text)) is not None and parse_value(marked)[1]:    # 97.5¹, 97.5*, 97.5[1]
        return f"{refused}: write {marked} and put the footnote's text in a note (备注) column"
    if (remarked := _REMARKED.fullmatch(text)) and (remarked["before"] or remarked["after"]):
        remark = " ".join(filter(None, [remarked["before"], remarked["after"]]))
        return f"{refused}: write {remarked['number']} and put '{remark}' in a note (备注) column"
    return refused


# a number with a word on it: 95.1（估）, 96（预计）, 约95, ≈3.5 (a footnote's mark is without_marks')
_REMARKED = re.compile(r"(?P<before>约|大约|约为|≈|~|～)?\s*(?P<number>[+-]?\d[\d,]*(?:\.\d+)?(?:\s*%)?)\s*"
                       r"(?P<after>[(（][^()（）\d]{1,12}[)）])?")


_DECIMAL_COMMA = re.compile(r"-?\d+,(?:\d{1,2}|\d{4,})")    # not 1,234: three digits after it group thousands


def _number_problems(frame: pd.DataFrame, columns: list[int], ok: np.ndarray, table: Table, sheet: Sheet,
                     file_name: str) -> list[Problem]:
    """A problem for each cell of a block (rows x columns) that is not a number."""
    return [Problem(_not_a_number(frame.at[row, c]), file=file_name, sheet=sheet.name, row=int(row),
                    column=_column_label(table, c))
            for j, c in enumerate(columns) for row in frame.index[~ok[:, j]]]


def _wide_records(rows: pd.Index, table: Table, sheet: Sheet, values: np.ndarray, as_percent: np.ndarray,
                  per_row: dict[str, pd.Series], targets: np.ndarray | None = None) -> pd.DataFrame:
    """One record per row and month, row by row, month by month (values and as_percent are rows x months).

    Text columns are categorical (metric, note and suggestion as _texts gives them): every record's
    text is a repeated code, not a string of its own. A note or suggestion belongs to the row, not
    to every month: it is kept on the latest month only.
    """
    columns = list(table.period_columns)
    months = len(columns)
    latest = max(columns, key=lambda c: table.period_columns[c])
    on_latest = np.tile(np.array([c == latest for c in columns]), len(rows))

    def each_month(texts: pd.Series, latest_only: bool = False) -> pd.Categorical:
        codes = np.repeat(texts.array.codes, months)
        if latest_only:
            codes = np.where(on_latest, codes, -1)
        return pd.Categorical.from_codes(codes, dtype=texts.dtype)

    def each_row(cells: list[str]) -> pd.Categorical:
        codes, distinct = pd.factorize(pd.Series(cells, dtype=object))
        return pd.Categorical.from_codes(np.tile(codes, len(rows)), categories=distinct)

    labels = each_row([_column_label(table, c) for c in columns])
    return pd.DataFrame({
        "metric": each_month(per_row["metric"]),
        "period": each_row([table.period_columns[c] for c in columns]),
        "value": values.ravel(),
        "target": (np.repeat(per_row["target"].to_numpy(dtype="float64"), months) if targets is None
                   else targets.ravel()),
        "note": each_month(per_row["note"], latest_only=True),
        "suggestion": each_month(per_row["suggestion"], latest_only=True),
        "unit": each_month(per_row["unit"]),
        "service": each_month(per_row["service"]),
        "as_percent": as_percent.ravel(),
        "target_bound": np.zeros(len(rows) * months, dtype="int8"),     # _read_wide gives each metric's
        "sheet": _repeated(sheet.name, pd.RangeIndex(len(rows) * months)),
        "row": np.repeat(rows.to_numpy(dtype="int64"), months),
        "column": each_row([column_letter(c) for c in columns]),
        "period_column": labels,
        "value_column": labels.copy(),          # a month's column gives both its month and its values
        "metric_column": _repeated(_column_label(table, table.roles["metric"]), pd.RangeIndex(len(rows) * months)),
        "unit_column": _repeated(_label_of(table, "unit"), pd.RangeIndex(len(rows) * months)),
        "unit_row": _missing(len(rows) * months),
        "unit_from_title": np.zeros(len(rows) * months, dtype=bool),
        "target_column": _repeated(_label_of(table, "target"), pd.RangeIndex(len(rows) * months)),
        "target_row": _missing(len(rows) * months),
    }, copy=False)[RECORD_COLUMNS]


def _block_numbers(frame: pd.DataFrame, columns: list[int], sheet: Sheet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, ok flags and cells written as a percentage of several columns, as (rows x columns)
    arrays.

    A block of plain numbers (a wide workbook) is checked in one numpy pass; anything else goes
    through _numbers column by column. Both give the same values: percent cells x100, rounded.
    """
    if all(frame[c].dtype.kind == "f" for c in columns) and not sheet.percent_cells:
        block = frame[columns].to_numpy(dtype="float64")
        finite = np.isfinite(block)
        ok = finite | np.isnan(block)
        return _round(np.where(finite, block, np.nan)), ok, np.zeros(block.shape, dtype=bool)
    parts = [_numbers(frame[c], sheet, c) for c in columns]
    if not parts:
        return np.empty((len(frame), 0)), np.empty((len(frame), 0), bool), np.empty((len(frame), 0), bool)
    return (np.column_stack([v.to_numpy(dtype="float64") for v, _, _ in parts]),
            np.column_stack([o.to_numpy(dtype=bool) for _, o, _ in parts]),
            np.column_stack([p for _, _, p in parts]))


def _where(sheet: Sheet) -> str:
    return f"sheet '{sheet.name}': " if sheet.name else ""
