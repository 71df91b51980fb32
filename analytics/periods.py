"""Months as people write them: 2026-01, 2026/1, 2026年1月, Jan 2026, 202601, Excel dates."""

from __future__ import annotations

import datetime
import re
import unicodedata

import pandas as pd

from .values import factorize_cells

_MONTHS = {name: i + 1 for i, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*\d{1,2})?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]
_NAMED = re.compile(r"^([a-z]{3,9})\.?[\s\-,]*(\d{4}|\d{2})$")


def _valid(year: int, month: int) -> str | None:
    if 1990 <= year <= 2100 and 1 <= month <= 12:
        return f"{year:04d}-{month:02d}"
    return None


def parse_period(value: object) -> str | None:
    """'YYYY-MM' for one cell, or None when it is not a month."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (datetime.date, datetime.datetime, pd.Timestamp)):
        return _valid(value.year, value.month)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 199001 <= value <= 210012:
            number = int(value)
            return _valid(number // 100, number % 100)
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            return _valid(int(match.group(1)), int(match.group(2)))
    match = _NAMED.match(text)
    if match and match.group(1)[:3] in _MONTHS:
        year = int(match.group(2))
        year = year + 2000 if year < 100 else year
        return _valid(year, _MONTHS[match.group(1)[:3]])
    return None


def parse_periods(values: pd.Series) -> pd.Series:
    """Vectorised parse_period: each distinct value is parsed once. Categorical: a few dozen
    months repeated over many rows."""
    codes, uniques = factorize_cells(values)
    parsed = pd.Categorical([parse_period(u) for u in uniques] + [None])
    return pd.Series(parsed.take(codes), index=values.index, copy=False)


def period_to_date(period: str) -> datetime.date:
    year, month = period.split("-")
    return datetime.date(int(year), int(month), 1)


def format_period(value: object) -> str:
    if isinstance(value, str):
        return value[:7]
    return f"{value.year:04d}-{value.month:02d}"
