"""Months as people write them: 2026-01, 2026/1, 2026/1月, 2026年1月, 26年1月, 二〇二六年一月, Jan 2026,
2026-Jan, 01/2026, 202601, 2026M01, Excel dates.

Also the parts of a month that headers split: a month without its year (1月, 十二月, Jan) and a
year on its own (2026年, a title such as 2026年IT服务指标月报), for sheets whose month columns
sit under a merged year heading; and the month a title or a file name names (2026年10月IT服务月报)
for a monthly report whose table has no month column.
"""

from __future__ import annotations

import datetime
import math
import re

import pandas as pd

from .names import normal_text, without_text_mark
from .values import factorize_cells, spread_categorical

_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})\s*[-/._]\s*(?P<m>\d{1,2})\s*(?:月份?)?(?:\s*[-/.]\s*\d{1,2})?"
               r"(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$"),                                         # 2026-10, 2026/10月
    re.compile(r"^(?P<y>\d{4}|\d{2})\s*年度?\s*(?P<m>\d{1,2})\s*月份?(?:\s*\d{1,2}\s*日)?$"),  # 2026年10月, 26年10月份
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),                                   # 20261031, a system's date
    re.compile(r"^(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})$"),                                  # 10/2026
    re.compile(r"^(?P<y>\d{4})\s*-?\s*m(?P<m>\d{1,2})$"),                                      # 2026M10
]
_DOT_ONE = re.compile(r"^(?P<y>\d{4})\s*\.\s*1$")                                               # 2026.1
_NAMED = re.compile(r"^([a-z]{3,9})\.?[\s\-,/]*(\d{4}|\d{2})$")
_NAMED_AFTER = re.compile(r"^(\d{4})[\s\-,/.]*([a-z]{3,9})\.?$")                               # 2026-Oct
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")
_CHINESE_MONTH = re.compile(r"(?<=年)(\s*)(十[一二]?|[一二三四五六七八九])(?=\s*月)")
_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december"]
_CHINESE_MONTHS = {name: i + 1 for i, name in enumerate(
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"])}
_MONTH_ONLY = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月份?$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_MONTHS_IN_TEXT = [
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月"),
    re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d.])(\d{4})(\d{2})(?![\d.])"),
]
_MONTH_WORD = re.compile(r"(?<!\d)\d{1,2}\s*月")
_NOT_A_YEAR = re.compile(    # a standard's year (ISO/IEC 20000-1:2018, GB/T 28827.1-2012), a code's (ITSM-2019-003,
    r"(?<![a-z0-9])[a-z]{2,}(?:/[a-z]+)*\s*\d{3,}(?:[.-]\d+)*\s*[:-]\s*\d{4}(?!\d)"        # a ticket's INC-2026-10-001)
    r"|(?<![a-z0-9])[a-z]+[-_]?\d{4}(?:[-_]\d{1,2})?[-_]\d{3,}(?!\d)", re.IGNORECASE)
_DAYS_OF_ONE_MONTH = [                   # 2026年10月1日-10月31日, 2026年10月1日至2026年10月31日, 2026-10-01~2026-10-31
    re.compile(r"(?<!\d)(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*\d{1,2}\s*[日号]?\s*[-~～—至到]+\s*"
               r"(?:(?:(?P<end_year>\d{4})\s*年\s*)?(?P<end_month>\d{1,2})\s*月\s*)?\d{1,2}\s*[日号]?"),   # or 1日-31日
    re.compile(r"(?<!\d)(?P<year>\d{4})\s*(?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*\d{1,2}\s*[-~～—至到]+\s*"
               r"(?:(?P<end_year>\d{4})\s*(?P=sep)\s*)?(?P<end_month>\d{1,2})\s*(?P=sep)\s*\d{1,2}(?!\d)"),
]
_MADE_ON = re.compile(       # the day a file was made: 制表日期:2026-11-05, 填报时间:2026年11月5日 10:30, Exported: 2026/11/05
    r"(?:制表|填表|填报|报送|上报|导出|生成|打印|编制|提交|创建|制作|出表|更新)\s*(?:(?:日期|时间|于)\s*[:：]?|[:：])\s*"
    r"|(?:exported|generated|printed|created|prepared|updated)\s*(?:(?:on|at)\s*[:：]?|[:：])\s*", re.IGNORECASE)
_DATE_MADE = re.compile(rf"(?:{_MADE_ON.pattern})(?:\d{{8}}|\d{{4}}\s*(?:[-/.]|年)\s*\d{{1,2}}\s*月?"
                        r"(?:\s*[-/.]?\s*\d{1,2}\s*[日号]?)?)(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?", re.IGNORECASE)
_WHOLE_DATE = re.compile(r"(?<!\d)\d{4}(?:\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4})(?!\d)")
_A_DAY = (r"(?:\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号])"   # a whole date,
          r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")                                                  # and its time
_DAY_LABELLED = re.compile(   # 日期:2026-11-05 under a form's title (制表人:张三 日期:…): the day it was filled in.
    r"(?<!统计)(?<!截止)(?<!截至)(?<!数据)(?:日期|时间|date)\s*[:：]\s*"      # 统计日期, 截止日期 are the data's own
    + _A_DAY, re.IGNORECASE)
_SIGNED = re.compile(         # 制表：张三 2026-11-05, a form's signature line: who filled it in, and the day
    r"(?:制表|填表|填报|报送|上报|编制|审核|复核|统计|经办)人?\s*[:：]\s*[^\d\s:：]{1,12}\s+" + _A_DAY)


_DATA_DAY = re.compile(r"(?:统计|截止|截至|数据|as of|through)\S{0,4}\s*[:：]?\s*$", re.IGNORECASE)   # 截至2026-11-15


def _issue_date(match: re.Match) -> bool:
    """A whole date in a title's rows that is the day the report was issued (运维部 2026-12-02,
    发布日期 2026.12.02), not its month: a day that is neither the first nor the last of its
    month, and not labelled as the data's own (统计日期, 截至)."""
    digits = re.findall(r"\d+", match.group(0))
    year, month, day = (int(digits[0][:4]), int(digits[0][4:6]), int(digits[0][6:])) if len(digits) == 1 else (
        int(digits[0]), int(digits[1]), int(digits[2]))
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return False
    last = (date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return day not in (1, last.day) and not _DATA_DAY.search(match.string[max(0, match.start() - 12):match.start()])


def issue_date(value: object) -> bool:
    """A cell of a title's rows holding only the day the report was issued (see _issue_date): an
    Excel date, or a text date with nothing but a label or an organisation's name beside it."""
    if isinstance(value, (datetime.date, datetime.datetime, pd.Timestamp)):
        last = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        return value.day not in (1, last.day)
    return False


def _dates_as_named(text: str, days: bool, title: bool = False) -> str:
    """A title or a name (NFKC, Arabic numerals) with its dates as year_in and months_in read them:
    without the day the file was made (制表日期:2026-11-05, or a whole date labelled only 日期, as in a
    form's 制表人:张三 日期:2026-11-05, or after the name of who made it, 制表:张三 2026-11-05; 统计日期
    and 截止日期 are the data's own, and stay); without a standard's or a code's number (依据ISO/IEC
    20000-1:2018, 文件编号:ITSM-2019-003), whose year is not the data's; the days of one month as that
    month; and with days=False without any other whole date."""
    text = _NOT_A_YEAR.sub(" ", _arabic(normal_text(text)))
    text = _SIGNED.sub(" ", _DAY_LABELLED.sub(" ", _DATE_MADE.sub(" ", text)))
    for days_of_one_month in _DAYS_OF_ONE_MONTH:
        text = days_of_one_month.sub(_one_month, text)
    if title:                       # a title's rows: the day the report was issued is not its month
        text = _WHOLE_DATE.sub(lambda match: " " if _issue_date(match) else match.group(0), text)
    return text if days else _WHOLE_DATE.sub(" ", text)


def made_on_label(cell: object) -> bool:
    """A cell that labels the day a file was made (制表日期:, 填报时间, Exported on), whose date sits in
    the next cell: that date is not the month the file reports."""
    return isinstance(cell, str) and _MADE_ON.fullmatch(normal_text(cell).strip() + " ") is not None


def _valid(year: int, month: int) -> str | None:
    if 1990 <= year <= 2100 and 1 <= month <= 12:
        return f"{year:04d}-{month:02d}"
    return None


def _a_day_of(year: int, month: int, day: int) -> bool:
    """20261031 is a day of October; 20261399 or 20260231 is no date, so names no month."""
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def parse_period(value: object) -> str | None:
    """'YYYY-MM' for one cell, or None when it is not a month."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (datetime.date, datetime.datetime, pd.Timestamp)):
        return _valid(value.year, value.month)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 199001 <= value <= 210012:
            number = int(value)
            return _valid(number // 100, number % 100)
        if float(value).is_integer() and 19900101 <= value <= 21001231:        # 20261031, a system's date
            return parse_period(str(int(value)))
        return None
    text = _arabic(without_text_mark(normal_text(str(value)).strip()).lower())
    if _DOT_ONE.match(text):                           # January, or October that lost its 0: see october_or_january
        return None
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = int(match.group("y"))
            if "d" in match.groupdict() and not _a_day_of(year, int(match["m"]), int(match["d"])):
                return None
            return _valid(year + 2000 if year < 100 else year, int(match.group("m")))
    match = _NAMED.match(text)
    if match and (month := _month_named(match.group(1))):
        year = int(match.group(2))
        return _valid(year + 2000 if year < 100 else year, month)
    match = _NAMED_AFTER.match(text)
    if match and (month := _month_named(match.group(2))):
        return _valid(int(match.group(1)), month)
    for days_of_one_month in _DAYS_OF_ONE_MONTH:       # a 统计周期 cell: 2026.10.01-2026.10.31 is October
        match = days_of_one_month.fullmatch(text)
        if match and _one_month(match) != match.group(0):
            return _valid(int(match["year"]), int(match["month"]))
    return None


def october_or_january(value: object) -> str | None:
    """The year ('2026') of a month written 2026.1, as text or as a number: January, or October,
    since Excel keeps 2026.10 typed in a cell as the number 2026.1 and a CSV saved from it writes
    2026.1. Such a month is not read as either."""
    if isinstance(value, float):                       # numpy's float64 too
        value = repr(float(value))
    if not isinstance(value, str):
        return None
    match = _DOT_ONE.match(normal_text(value).strip())
    return match["y"] if match and _valid(int(match["y"]), 1) else None


def month_as_number(value: object) -> str | None:
    """'2026-09' for a number that reads as a month written with a dot (2026.9, 2026.09, 2026.11):
    a month typed in a cell as a number, which is not read as a month, as 2026.1 is 2026.10 too
    (see october_or_january; it gives 2026-01 here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1000 < float(value) < 10000 \
            or float(value).is_integer():            # a year and a month only: not 1.8e308 (found by fuzzing)
        return None
    for scale in (10, 100):                      # 2026.9 as typed; 2026.09 or 2026.11
        scaled = round(float(value) * scale)
        if abs(float(value) * scale - scaled) < 1e-6:
            return _valid(scaled // scale, scaled % scale)
    return None


def _month_named(word: str) -> int | None:
    """1-12 for a month's English name or its three-letter abbreviation (and Sept); not any word
    that happens to start like one (Octopus)."""
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if word in (name, name[:3]) or (word == "sept" and number == 9):
            return number
    return None


def _arabic(text: str) -> str:
    """Chinese numerals in a date as digits: 二〇二六年十月 is 2026年10月 (only a year before 年 and a
    month between 年 and 月 are rewritten)."""
    text = _CHINESE_YEAR.sub(lambda m: m.group().translate(_CHINESE_DIGITS), text)
    return _CHINESE_MONTH.sub(lambda m: m.group(1) + str(_CHINESE_MONTHS[m.group(2)]), text)


def month_without_year(value: object) -> int | None:
    """1-12 for a header that names a month but no year (1月, 01月份, 十二月, Jan, September)."""
    if not isinstance(value, str):
        return None
    text = normal_text(value).strip().lower().rstrip(".")
    match = _MONTH_ONLY.match(text)
    if match:
        month = int(match.group(1)) if match.group(1).isdigit() else _CHINESE_MONTHS.get(match.group(1))
        return month if month and 1 <= month <= 12 else None
    return _month_named(text)


def year_in(value: object, days: bool = True, title: bool = False) -> int | None:
    """The one year a cell or title names (2026, 2026年, 2026年度, 2026年IT服务指标月报), or None
    when it names none or several (2025-2026年). With days=False a whole date (导出2027-01-05) names
    no year: in a file name it is the day the file was made."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1990 <= value <= 2100 else None
    if not isinstance(value, str):
        return None
    text = _dates_as_named(value, days, title)
    years = {int(y) for y in _YEAR.findall(text) if 1990 <= int(y) <= 2100}
    return years.pop() if len(years) == 1 else None


_QUARTER = re.compile(r"^(?:\d{4}\s*年?\s*[-/]?\s*)?(?:q\s*[1-4]|第?\s*[1-4一二三四]\s*季度?)(?:\s*[-/]?\s*\d{4}\s*年?)?$")


def is_quarter(value: object) -> bool:
    """Whether a header names a quarter (2026Q1, Q1, 一季度, 2026年第1季度), which is not a month."""
    return isinstance(value, str) and bool(_QUARTER.match(normal_text(value).strip().lower()))


_HALF_YEAR = re.compile(r"^(?:\d{4}\s*年?\s*[-/]?\s*)?(?:[上下]半年度?|h\s*[12])$")


def is_quarter_or_half_year(value: object) -> bool:
    """Whether a header names a quarter or a half-year (2026年上半年, H1): a figure for several months."""
    return is_quarter(value) or (isinstance(value, str) and bool(
        _HALF_YEAR.match(normal_text(value).strip().lower())))


def months_in(value: object, days: bool = True, title: bool = False) -> list[str] | None:
    """The months ('YYYY-MM') a title, sheet name or file name names: 2026年10月IT服务月报 gives
    ['2026-10']; nothing gives []. None when what it names is not one month or several but a span
    (2026年1月-10月, 2026年1-10月累计): a year-to-date figure must not be taken for a month's.
    With days=False a whole date (导出2026-11-05) names no month: in a file name it is the day the
    file was made, not the month it reports."""
    if isinstance(value, (datetime.date, datetime.datetime, pd.Timestamp)):
        period = _valid(value.year, value.month)
        return [period] if period else []
    if not isinstance(value, str):
        return []
    text = _dates_as_named(value, days, title)
    if re.search(r"(?<!\d)\d{4}\s*年\s*\d{1,2}\s*[-~至到]\s*\d{1,2}\s*月", text):
        return None
    found = []
    for pattern in _MONTHS_IN_TEXT:
        for match in pattern.finditer(text):
            period = _valid(int(match.group(1)), int(match.group(2)))
            if period:
                found.append(period)
        text = pattern.sub(" ", text)
    return None if _MONTH_WORD.search(text) else found


def _one_month(match: re.Match) -> str:
    """The days of one month (统计周期 2026年10月1日-10月31日) name that month; days across months stay
    as written, two months."""
    year, month, end_year, end_month = match.group("year", "month", "end_year", "end_month")
    if (end_month is None or int(end_month) == int(month)) and (end_year is None or end_year == year):
        return f" {year}年{month}月 "
    return match.group(0)


def parse_periods(values: pd.Series) -> pd.Series:
    """Vectorised parse_period: each distinct value is parsed once. Categorical: a few dozen
    months repeated over many rows."""
    codes, uniques = factorize_cells(values)
    parsed = pd.Categorical([parse_period(u) for u in uniques] + [None])
    return pd.Series(spread_categorical(parsed, codes), index=values.index, copy=False)


def period_to_date(period: str) -> datetime.date:
    year, month = period.split("-")
    return datetime.date(int(year), int(month), 1)


def format_period(value: object) -> str:
    if isinstance(value, str):
        return value[:7]
    return f"{value.year:04d}-{value.month:02d}"


def this_month() -> str:
    """'YYYY-MM' of today: the last month a value, a gap or a go-live can be for."""
    return format_period(datetime.date.today())
