"""Numbers with their units as the meeting reads them: 6.5 h, 95.2%, ¥1,200, and 53 for a count."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

UNITLESS = {"count", "number", "score", "points", "件", "个", "次", "分"}


_UNIT_WORDS_ZH = {"count": "个", "number": "个", "no.": "个", "score": "分", "points": "分",
                  **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "小时"),
                  **dict.fromkeys(("min", "mins", "minute", "minutes"), "分钟"),
                  **dict.fromkeys(("day", "days"), "天")}


def unit_shown(unit: object, lang: str) -> str | None:
    """The unit as a reader of `lang` reads it, for display only (the catalogue keeps its own): a
    catalogue's English unit word is Chinese on a Chinese page, 个, 分, 小时, 分钟 (a chart axis and
    the scorecard said 'count', '6.5 h'); symbols (%, ¥) and units already in Chinese are shown as
    written. 个 and 分 are unitless to format_number, as count and score are."""
    if not isinstance(unit, str) or not unit.strip():
        return None
    return _UNIT_WORDS_ZH.get(unit.strip().casefold(), unit) if lang == "zh" else unit


def shown_rounded(value: float, places: int) -> float:
    """`value` rounded as it will be shown: half away from zero, as Excel shows the same number in
    the report (Python's round and format send 2.25 to 2.2, half to even, where Excel shows 2.3), and
    with no minus sign left on a zero: -0.04 is shown as '+0.0', not '-0.0' (which a reader takes for
    a tiny worsening). The float's shortest text is rounded, so 2.675 (2.67499999… in binary) is 2.68
    as a reader who typed 2.675 expects, and as Excel shows it."""
    value = float(value)
    if not math.isfinite(value):
        return value
    if abs(abs(value * 10.0 ** places) % 1.0 - 0.5) > 1e-6:       # not at a half: round() is right (and fast)
        return round(value, places) + 0.0                          # -0.0 + 0.0 is +0.0
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return float(exact) + 0.0


def pct_shown(pct: object, difference: object, places: object, pct_places: int = 1) -> float:
    """A gap % for a number column written at `pct_places` with its sign: rounded as shown (no
    '-0.0%' beside '+0.0 pp'), except that one rounding to zero beside a difference shown non-zero
    (at its `places`) keeps its real value, and so its sign: '-0.0%' beside '-0.04 pp', not '+0.0%'."""
    if pct is None or pct is pd.NA or pd.isna(pct):
        return math.nan
    shown = shown_rounded(pct, pct_places)
    if shown != 0 or difference is None or difference is pd.NA or pd.isna(difference):
        return shown
    places = 1 if places is None or pd.isna(places) else int(places)
    return float(pct) if shown_rounded(difference, places) != 0 else shown


def places_for_status(gap: object, tolerance: object, status: object, decimals: object, neutral: bool = False,
                      extra: int = 4) -> int:
    """The decimals a row's numbers are shown with: the metric's own, or as many more (up to `extra`)
    as it takes for the gap shown to fall on the side of the target and the tolerance its status
    says. 98.96% against 99% at one decimal reads 99.0%, gap 0.0 pp, 'missed', ranked first; at two,
    98.96%, gap 0.04 pp. A neutral metric is off target beyond the tolerance either side."""
    places = 1 if decimals is None or pd.isna(decimals) else int(decimals)
    if status not in ("missed", "near") or gap is None or pd.isna(gap):
        return places
    allowed = 0.0 if tolerance is None or pd.isna(tolerance) else float(tolerance)
    beyond = allowed if status == "missed" or neutral else 0.0
    for more in range(extra + 1):
        shown = round(float(gap), places + more)
        if (abs(shown) if neutral else shown) > beyond:
            return places + more
    return places + extra


def format_number(value: object, unit: str | None, decimals: int | None, signed: bool = False) -> str:
    """'6.5 h', '95.2%', '¥1,200', '-' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    places = 1 if decimals is None or pd.isna(decimals) else int(decimals)
    text = f"{shown_rounded(value, places):{'+' if signed else ''},.{places}f}"
    if not unit or unit in UNITLESS:
        return text
    if unit == "%":
        return text + "%"
    if unit in ("¥", "￥", "$", "€"):
        return (text[0] + unit + text[1:]) if text[0] in "+-" else unit + text
    return f"{text} {unit}"


def points_word(lang: str) -> str:
    """Percentage points in the reader's language: a Chinese meeting reads 百分点, not the English 'pp'."""
    return "百分点" if lang == "zh" else "pp"


def format_difference(value: object, unit: str | None, decimals: int | None, signed: bool = True,
                      lang: str = "en") -> str:
    """A gap or a change, as format_number writes it, except that a difference of percentages is
    in percentage points ('-7.5 pp', '-7.5 百分点'): '-7.5%' would read as a relative change."""
    if unit != "%":
        return format_number(value, unit, decimals, signed)
    text = format_number(value, None, decimals, signed)
    return text if text == "–" else f"{text} {points_word(lang)}"


def format_rate(value: object, unit: str | None, decimals: int | None, lang: str = "en") -> str:
    """A change per month (a trend's slope) with at least two significant digits: a satisfaction
    score rising 0.002 a month reads '+0.0020', not '+0.00' beside a forecast that it will reach its
    target; no slope at all reads '0', without a sign."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    places = max(2, 1 if decimals is None or pd.isna(decimals) else int(decimals))
    if value == 0:
        return format_difference(0, unit, 0, signed=False, lang=lang)
    places = min(8, max(places, 1 - math.floor(math.log10(abs(float(value))))))
    return format_difference(value, unit, places, lang=lang)
