"""Rendering data frames for the command line: an aligned table, CSV or JSON."""

from __future__ import annotations

import json
import math

import pandas as pd

FORMATS = ("table", "csv", "json")


SIGNIFICANT_DIGITS = 15     # what a double holds of any number typed: the digits past it are arithmetic's noise


def json_value(value: object) -> object:
    """A cell as JSON takes it: None for every kind of missing (NaT is no date), ISO dates, Python numbers."""
    if value is None or (not isinstance(value, (str, list, dict, tuple)) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return json_value(value.item())
    if isinstance(value, float):
        return without_noise(value)
    return value


def without_noise(value: float) -> float:
    """8.799999999999997 (8.8 less 6.2 in floating point) as 8.8: rounded to the digits a double keeps."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value


def _cleaned(frame: pd.DataFrame) -> pd.DataFrame:
    floats = frame.select_dtypes(include="floating").columns
    if floats.empty:
        return frame
    return frame.assign(**{str(c): frame[c].map(without_noise, na_action="ignore") for c in floats})


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The frame as text: 'table' for people, 'csv' and 'json' for scripts. Numbers are written
    without floating-point noise, and a missing value is an empty cell, null, or blank in a table."""
    if fmt == "csv":
        return _cleaned(frame).to_csv(index=False, lineterminator="\n")
    if fmt == "json":
        rows = [{k: json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if frame.empty:
        return "(none)\n"
    shown = _cleaned(frame).astype(object)
    shown = shown.where(shown.notna(), "")
    # east_asian_width: a Chinese character takes two columns in a terminal, so columns line up
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 40, "display.unicode.east_asian_width", True):
        return shown.to_string(index=False) + "\n"
