"""Metric values as people type them: 1,234.5 / 95% / 0.5‰ / ￥1,200 / N/A / - / blank.

Missing is never zero: blank, N/A, '-' and similar words come back as NaN and are marked
missing, not bad. Percent-formatted Excel cells hold fractions (0.952 shows as 95.2%); they
are turned into percent points by the caller, which knows the cell's format.
"""

from __future__ import annotations

import datetime
import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .names import is_unit, normal_text, without_text_mark

MISSING_WORDS = {"", "n/a", "na", "n.a.", "n.a", "#n/a", "-", "--", "—", "——", "–", "/", "null", "none", "nan",
                 "无", "暂无", "无数据", "暂无数据", "缺", "缺失", "不适用", "不涉及", "无此项", "未统计", "待统计", "未提供",
                 "未填报", "待补充", "未开展", "待定", "空", "#div/0!"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_CURRENCY = "¥￥$€£元"
_SMALL_DIGITS = re.compile("[\u00b9\u00b2\u00b3\u2070-\u2079\u2080-\u2089]")    # superscript and subscript digits


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
    if _SMALL_DIGITS.search(str(cell)):          # 97.5¹: a footnote's mark, which NFKC would make 97.51
        return math.nan, False
    text = without_text_mark(normal_text(str(cell)).strip()).replace("\u2212", "-")  # − from Word or a web page
    if text.lower() in MISSING_WORDS:
        return math.nan, True
    text = text.strip(_CURRENCY).strip().replace(" ", "").replace("\u00a0", "")
    if text.endswith(("%", "‰")):           # stored as shown: 95% is 95 (percent points), 0.5‰ is 0.5
        text = text[:-1]
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    elif text.endswith("-") and text[:-1][-1:].isdigit() and not text.startswith(("-", "+")):
        negative, text = True, text[:-1]     # 1,234.50- : SAP and other ERP exports write a minus after the number
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return math.nan, False
    number = float(text)
    if not math.isfinite(number):
        return math.nan, False
    return (-number if negative else number), True


_BOUND = re.compile(r"^(?:>=|<=|[≥≤≧≦⩾⩽><≮≯]|不低于|不少于|不小于|不高于|不多于|不大于|不超过|至少|至多|最少|最多|高于|低于|"
                    r"大于|小于|超过|达到)\s*(?P<number>.+?)\s*(?:及以上|及以下|或以上|或以下|以上|以下|以内)?$"
                    r"|^(?P<before>.+?)\s*(?:及以上|及以下|或以上|或以下|以上|以下|以内)$")


def without_bound(cell: object) -> object:
    """'95%' for a target written as a bound: ≥95%, >=95%, 不低于95%, 95%以上 (and ≤4, 4小时以内 for
    a lower-is-better one). The bound's direction is the metric's own, kept in the catalogue; any
    other cell comes back as it is."""
    if not isinstance(cell, str):
        return cell
    match = _BOUND.match(normal_text(cell).strip())
    return cell if match is None else (match["number"] if match["number"] is not None else match["before"])


def without_bounds(cells: pd.Series) -> pd.Series:
    """without_bound over a column, once per distinct cell; a column without a bound comes back as it is."""
    if cells.dtype.kind in "fiub":
        return cells
    codes, uniques = factorize_cells(cells)
    stripped = [without_bound(u) for u in uniques]
    if all(a is b for a, b in zip(stripped, uniques, strict=True)):
        return cells
    return pd.Series(np.array([*stripped, None], dtype=object)[codes], index=cells.index, copy=False)


_HIGHER_BOUND = re.compile(r"^(?:>=|[≥≧⩾>≮]|不低于|不少于|不小于|至少|最少|高于|大于|超过|达到)|(?:及以上|或以上|以上)$")
_LOWER_BOUND = re.compile(r"^(?:<=|[≤≦⩽<≯]|不高于|不多于|不大于|不超过|至多|最多|低于|小于)|(?:及以下|或以下|以下|以内)$")


def bound_direction(cell: object) -> int:
    """1 for a target written as a floor (≥95%, 不低于95%, 95%以上: higher is better), -1 for a
    ceiling (≤4, 4小时以内: lower is better), 0 for a plain number or anything else. What a
    metric created from a file (--create-metrics) takes as its direction."""
    if not isinstance(cell, str):
        return 0
    text = normal_text(cell).strip()
    if _BOUND.match(text) is None:
        return 0
    higher, lower = _HIGHER_BOUND.search(text) is not None, _LOWER_BOUND.search(text) is not None
    return int(higher) - int(lower)


def bound_directions(cells: pd.Series) -> np.ndarray:
    """bound_direction of each cell (int8), once per distinct cell."""
    if cells.dtype.kind in "fiub":
        return np.zeros(len(cells), dtype="int8")
    codes, uniques = factorize_cells(cells)
    return np.array([*(bound_direction(u) for u in uniques), 0], dtype="int8")[codes]


_NUMBER_AND_WORD = re.compile(r"^(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[^\d\s.,+-].{0,5})$")


def number_and_unit(cell: object) -> tuple[str, str] | None:
    """('5.5', '小时') for a cell that is a number with a unit typed after it (5.5小时, 30 min),
    for telling the user what to write instead; None for anything else."""
    match = _NUMBER_AND_WORD.match(normal_text(str(cell)).strip())
    return (match["number"], match["unit"].strip()) if match and is_unit(match["unit"].strip()) else None


DURATION = "h:mm"           # the unit of a duration typed as 4:30 or a time cell: read as hours
_CLOCK = re.compile(r"^(?P<h>\d{1,4}):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d(?:\.\d+)?))?$")
_PARTS = re.compile(r"^(?:(?P<d>\d+(?:\.\d+)?)\s*(?:天|日|d)\s*)?(?:(?P<h>\d+(?:\.\d+)?)\s*(?:小时|时|h)\s*)?"
                    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:分钟|分|min|m)\s*)?(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|s))?$")
_PART_HOURS = {"d": 24, "h": 1, "m": 1 / 60, "s": 1 / 3600}


def number_typed_with_unit(cell: object) -> tuple[float, str] | None:
    """(number, unit) for a cell that is a number with its unit after it (5.5小时, 30 min), or a
    duration (4:30, 00:12:30, an Excel time cell, more than a day: 30:15; in parts: 4小时30分,
    1天2小时, 4h 30m) as hours in DURATION, or in minutes when it has no hours (12分30秒, as a time
    to respond is written); None for anything else."""
    if isinstance(cell, datetime.timedelta):
        return cell.total_seconds() / 3600, DURATION
    if isinstance(cell, datetime.time):
        return cell.hour + cell.minute / 60 + (cell.second + cell.microsecond / 1e6) / 3600, DURATION
    text = normal_text(cell).strip().lower() if isinstance(cell, str) else ""
    if clock := _CLOCK.match(text):
        return int(clock["h"]) + int(clock["m"]) / 60 + float(clock["s"] or 0) / 3600, DURATION
    parts = _PARTS.match(text)
    if parts and sum(part is not None for part in parts.groups()) >= 2:       # 4小时30分, 1天2小时, 4h 30m
        hours = sum(float(parts[k]) * h for k, h in _PART_HOURS.items() if parts[k] is not None)
        return (hours, DURATION) if parts["d"] or parts["h"] else (hours * 60, "min")     # 12分30秒: minutes
    typed = number_and_unit(cell)
    return (float(typed[0]), typed[1]) if typed is not None else None


def factorize_cells(cells: pd.Series) -> tuple[np.ndarray, list]:
    """(codes, distinct cells): code -1 for a missing cell. Categorical cells (the fast CSV reader's)
    are already factorized; Arrow text is dictionary-encoded in C++. Categories are listed whole
    (tolist): one by one, Arrow-backed ones took 2.4 ms for a file's 5,000 names."""
    if isinstance(cells.dtype, pd.CategoricalDtype):
        return cells.array.codes, cells.cat.categories.tolist()
    if is_arrow_text(cells):
        encoded = pc.dictionary_encode(_arrow(cells)).unify_dictionaries()   # one dictionary for all chunks
        if not encoded.num_chunks:
            return np.array([], dtype="int64"), []
        codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks])
        if encoded.null_count:
            codes = np.where(pd.isna(codes), -1, codes)
        return codes.astype("int64"), encoded.chunk(0).dictionary.to_pylist()
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    return codes, list(uniques)


def factorize_used(cells: pd.Series) -> tuple[np.ndarray, list]:
    """factorize_cells, keeping only the distinct cells that occur: a categorical column sliced
    from a sheet still lists, say, its header's text among its categories."""
    codes, uniques = factorize_cells(cells)
    if not isinstance(cells.dtype, pd.CategoricalDtype) or not len(uniques):
        return codes, uniques
    used = _used(codes, len(uniques))
    if used.all():
        return codes, uniques
    remap = np.append(np.cumsum(used) - 1, -1).astype(codes.dtype)   # code -1 (missing) stays -1; codes stay narrow
    return remap[codes], [u for u, keep in zip(uniques, used) if keep]


def categories_used(cells: pd.Series) -> list:
    """The distinct cells of a categorical column that occur in it (factorize_used's, without
    renumbering every row's code)."""
    return cells.cat.categories[_used(cells.array.codes, len(cells.cat.categories))].tolist()


def _used(codes: np.ndarray, count: int) -> np.ndarray:
    """For each of `count` categories, whether any code (-1: missing) names it. Marked in place
    rather than counted: counting first widens two million codes to int64, a fresh 16 MB."""
    used = np.zeros(count + 1, dtype=bool)
    used[codes] = True                                  # code -1 marks the last place, dropped
    return used[:-1]


def all_plain_numbers(texts: list) -> bool:
    """Whether every text is a plain number (12, -3.5, 1e3) as Arrow's C++ parser reads one: a
    column of such cells holds no heading or word. One vectorised cast, not a parse per text."""
    try:
        pc.cast(pa.array(texts, pa.large_string()), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return False
    return True


def is_arrow_text(cells: pd.Series) -> bool:
    """True for a text column backed by Arrow (what the fast CSV reader hands over)."""
    return isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow"


def _arrow(cells: pd.Series) -> pa.ChunkedArray:
    """The Arrow data behind an Arrow-backed text column, as it is (no copy)."""
    array = pa.array(cells.array)
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def parse_values(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised parse_value: (values as float, ok mask).

    Plain numbers go through a C parser; only the rest (1,234.5, 95%, N/A, words, booleans,
    infinities) is looked at one distinct cell at a time.
    """
    if cells.empty:
        return pd.Series([], dtype="float64", index=cells.index), pd.Series([], dtype=bool, index=cells.index)
    if cells.dtype.kind in "fiu":
        values = cells.astype("float64")
        return values.where(np.isfinite(values) | values.isna()), pd.Series(np.isfinite(values) | values.isna(),
                                                                             index=cells.index)
    if isinstance(cells.dtype, pd.CategoricalDtype):
        return parse_categories(cells)
    if is_arrow_text(cells):
        return _parse_arrow_text(cells)
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


_PLAIN_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"   # ASCII only: _NUMBER's plain case


def _parse_arrow_text(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text cells (the fast CSV reader's): numbers are cast by Arrow in one pass, the others
    (1,234.5, 95%, N/A, blanks, words, infinities) go through the object path, distinct cell by cell.

    A column of numbers only is cast whole; otherwise the plain ASCII numbers are picked out
    first. Either way only finite results are taken from Arrow, as the object path does.
    """
    array = _arrow(cells)
    try:
        numbers = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        plain = np.isfinite(numbers)
        numbers = numbers[plain]
    except pa.ArrowInvalid:
        plain = pc.fill_null(pc.match_substring_regex(array, _PLAIN_NUMBER), False).to_numpy(zero_copy_only=False)
        try:
            numbers = pc.cast(array.filter(pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:  # e.g. an exponent out of range: let the object path decide
            return parse_values(cells.astype(object))
    finite = np.isfinite(numbers)
    values = np.full(len(cells), np.nan)
    ok = np.ones(len(cells), dtype=bool)
    values[plain] = np.where(finite, numbers, np.nan)
    ok[plain] = finite
    if not plain.all():
        rest = ~plain
        rest_values, rest_ok = parse_values(cells[rest].astype(object))
        values[rest] = rest_values.to_numpy()
        ok[rest] = rest_ok.to_numpy()
    return pd.Series(values, index=cells.index, copy=False), pd.Series(ok, index=cells.index, copy=False)


def parse_categories(cells: pd.Series, adjust=None) -> tuple[pd.Series, pd.Series]:
    """Categorical cells: each distinct text parsed once (and its value passed through `adjust`,
    e.g. rounding, also once), then spread by code; a missing cell is missing, as in parse_value."""
    values, ok = parse_values(category_text(cells))
    values = values.to_numpy(dtype="float64")
    if adjust is not None:
        values = adjust(values)
    return (pd.Series(spread(cells, values, np.nan), index=cells.index, copy=False),
            pd.Series(spread(cells, ok.to_numpy(dtype=bool), True), index=cells.index, copy=False))


_PERCENT_SIGN = re.compile(r"[%％]\s*\)?\s*$")       # 95%, 95 %, 95％, (3.5%)
_UNIT_SIGNS = {                                              # the unit an amount's sign, or ‰, gives it
    "元": re.compile(r"^\s*\(?\s*[¥￥]|元\s*\)?\s*$"),           # ¥1,200, ￥94, 1200元, (¥30)
    "$": re.compile(r"^\s*\(?\s*\$"),                             # $1,200, ($30)
    "€": re.compile(r"^\s*\(?\s*€|€\s*\)?\s*$"),                 # €1.200, 1200 €
    "£": re.compile(r"^\s*\(?\s*£"),
    "‰": re.compile(r"‰\s*\)?\s*$"),                              # 5‰: 0.5 %, stored as 5 only in ‰
}

_ANY_UNIT_SIGN = re.compile("|".join(f"(?:{sign.pattern})" for sign in _UNIT_SIGNS.values()))


def written_as_percent(cells: pd.Series) -> np.ndarray:
    """Which cells are text written as a percentage (95%, ９５％): a percentage typed for a metric
    kept in hours or tickets is a row shifted or a name mistaken, which its number alone cannot
    tell."""
    return _written_with(cells, _PERCENT_SIGN)


def written_with_a_sign(cells: pd.Series) -> dict[str, np.ndarray]:
    """{unit: which cells are text carrying its sign} for the currencies and per milles written in the
    column: ¥1,200 or 1200元 is an amount in 元, 10,000 times what it means for a metric kept in 万元,
    $1,200 is no amount in 元 at all, and 5‰ is 0.5 % (parse_value reads it as 5, as written). Only
    the signs found are returned."""
    texts = category_text(cells) if isinstance(cells.dtype, pd.CategoricalDtype) else None   # made once, not per sign
    if not _written_with(cells, _ANY_UNIT_SIGN, texts).any():         # most columns: one pass, not one per sign
        return {}
    found = {unit: _written_with(cells, sign, texts) for unit, sign in _UNIT_SIGNS.items()}
    return {unit: written for unit, written in found.items() if written.any()}


def _written_with(cells: pd.Series, sign: re.Pattern, texts: pd.Series | None = None) -> np.ndarray:
    """Which cells are text that `sign` finds. Numbers never are; text is looked at once per
    distinct cell, or by Arrow in one pass. `texts`: a categorical column's category_text, if made."""
    if cells.dtype.kind in "fiub" or cells.empty:
        return np.zeros(len(cells), dtype=bool)
    if isinstance(cells.dtype, pd.CategoricalDtype):
        per_text = _written_with(category_text(cells) if texts is None else texts, sign)
        return spread(cells, per_text, False) if per_text.any() else np.zeros(len(cells), dtype=bool)
    if is_arrow_text(cells):
        found = pc.match_substring_regex(_arrow(cells), sign.pattern)
        return pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    codes, uniques = factorize_cells(cells)
    per_cell = np.array([isinstance(u, str) and bool(sign.search(u)) for u in uniques] + [False], dtype=bool)
    return per_cell[codes]


def category_text(cells: pd.Series) -> pd.Series:
    """The distinct texts of a categorical column, as Arrow-backed text (the vectorised paths' input)."""
    return pd.Series(pd.array(cells.cat.categories.to_numpy(dtype=object),
                              dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


def spread(cells: pd.Series, per_category: np.ndarray, missing: object) -> np.ndarray:
    """One result per distinct text (category order) spread to every cell; `missing` where a cell is."""
    return np.append(per_category, np.array([missing], dtype=per_category.dtype))[cells.cat.codes.to_numpy()]


def spread_categorical(distinct: pd.Categorical, codes: np.ndarray) -> pd.Categorical:
    """distinct[codes] for every cell, code -1 taking the last (where factorize_cells's callers put
    a missing cell's result), as Categorical.take does without widening two million codes to int64
    first: only the small codes are indexed."""
    return pd.Categorical.from_codes(distinct.codes[codes], dtype=distinct.dtype, validate=False)


def _is_nan(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell))
