"""Metric values as people type them: 1,234.5 / 95% / ￥1,200 / N/A / - / blank.

Missing is never zero: blank, N/A, '-' and similar words come back as NaN and are marked
missing, not bad. Percent-formatted Excel cells hold fractions (0.952 shows as 95.2%); they
are turned into percent points by the caller, which knows the cell's format.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata

import numpy as np
import pandas as pd

MISSING_WORDS = {"", "n/a", "na", "n.a.", "#n/a", "-", "--", "—", "–", "/", "null", "none", "nan",
                 "无", "暂无", "无数据", "缺", "缺失", "不适用", "未统计", "未提供", "#div/0!"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_CURRENCY = "¥￥$€£元"


def parse_value(cell: object) -> tuple[float, bool]:
    """(value, ok). Missing cells give (nan, True); unreadable ones (nan, False)."""
    if cell is None:
        return math.nan, True
    if isinstance(cell, bool):
        return math.nan, False
    if isinstance(cell, (int, float, np.integer, np.floating)):
        number = float(cell)
        return (number, True) if math.isfinite(number) or math.isnan(number) else (math.nan, False)
    if isinstance(cell, (datetime.date, datetime.time, datetime.timedelta, pd.Timestamp)):
        return math.nan, False
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    if text.lower() in MISSING_WORDS:
        return math.nan, True
    text = text.strip(_CURRENCY).strip().replace(" ", "").replace("\u00a0", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return math.nan, False
    number = float(text)
    if not math.isfinite(number):
        return math.nan, False
    return (-number if negative else number), True


def parse_values(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised parse_value: (values as float, ok mask).

    Plain numbers go through pandas' C parser; only the rest (1,234.5, 95%, N/A, words, booleans,
    infinities) is looked at one distinct cell at a time.
    """
    if cells.empty:
        return pd.Series([], dtype="float64", index=cells.index), pd.Series([], dtype=bool, index=cells.index)
    if cells.dtype.kind in "fiu":
        values = cells.astype("float64")
        return values.where(np.isfinite(values) | values.isna()), pd.Series(np.isfinite(values) | values.isna(),
                                                                             index=cells.index)
    is_bool = cells.map(type).eq(bool).to_numpy()
    fast = pd.to_numeric(cells.where(~is_bool), errors="coerce").astype("float64")
    slow = (fast.isna() | ~np.isfinite(fast)).to_numpy() & cells.notna().to_numpy() | is_bool
    values = fast.where(np.isfinite(fast))
    ok = pd.Series(True, index=cells.index)
    if slow.any():
        rest = cells[slow]
        keys = rest.map(lambda c: (type(c).__name__, c) if not _is_nan(c) else None)
        codes, uniques = pd.factorize(keys, use_na_sentinel=True)
        parsed = [parse_value(u[1]) for u in uniques]
        slow_values = np.array([p[0] for p in parsed] + [math.nan], dtype="float64")
        slow_ok = np.array([p[1] for p in parsed] + [True], dtype=bool)
        values[slow] = slow_values[codes]
        ok[slow] = slow_ok[codes]
    return values, ok


def _is_nan(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell))
