"""Rendering data frames for the command line: an aligned table, CSV or JSON."""

from __future__ import annotations

import json
import math

import pandas as pd

FORMATS = ("table", "csv", "json")


def _plain(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The frame as text: 'table' for people, 'csv' and 'json' for scripts."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt == "json":
        rows = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if frame.empty:
        return "(none)\n"
    # east_asian_width: a Chinese character takes two columns in a terminal, so columns line up
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 40, "display.unicode.east_asian_width", True):
        return frame.to_string(index=False) + "\n"
