"""The `spc` command's file-in/file-out logic: a CSV of points in, the Making Data Count statistics out.

Input: a CSV (UTF-8, with or without BOM; comma, semicolon or tab separated) with the columns
metric, period, value and optionally target, improvement_direction, rebase (headers in any
case and order; other columns are ignored). Every problem is reported at once, each with the
file, the row as a text editor numbers it (the header is row 1) and the column letter with
its header, e.g. "bad.csv, row 3, column C (value): 'lots' is not a number".

Decisions: a blank value is a missing month (allowed); a blank improvement_direction takes the
direction stated on the metric's other rows (neutral if none); two different stated directions
for one metric are refused; rebase is 1 (a new segment starts here), 0 or blank; periods
YYYY-MM and YYYY-MM-DD (a real date) are both read as their month, so 2025-01 and 2025-01-15
for one metric are the same month twice and refused.

Output: one row per input row, in the input's order, in SPC_COLUMNS; period as YYYY-MM,
statistics as floats (missing = empty), rule flags as the words true/false, point_type empty
for a missing value. spc_json nests the same rows under each metric's summary.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputRefused, Problem, column_letter
from .output import without_noise
from .readers import decode_text
from .spc import DIRECTION_SIGN, RULE_COLUMNS, spc

SPC_COLUMNS = ["metric", "period", "value", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma", "outside_limits",
               "shift", "trend", "two_of_three", "point_type"]
SUMMARY_COLUMNS = ["metric", "variation", "assurance"]
REQUIRED = ("metric", "period", "value")
OPTIONAL = ("target", "improvement_direction", "rebase")
_PERIOD = r"^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$"
_MAX_PROBLEMS = 200


def _rows(text: str) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, records, the line number each record starts on); blank lines are skipped."""
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else ("\t" if "\t" in first_line else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    records, lines = [], []
    line = 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = record
            continue
        records.append(record)
        lines.append(start)
    return header or [], records, lines


def read_spc_input(path) -> pd.DataFrame:
    """Read and check the input; refuse (InputRefused) with file, row and column for every problem.

    Returns metric (str), period ('YYYY-MM'), value (float, NaN = missing) and, when the file has
    them, target (float), improvement_direction (str), rebase (bool).
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputRefused(Problem("file not found", file=name))
    try:
        text = decode_text(path.read_bytes(), name)
    except OSError as exc:
        raise InputRefused(Problem(f"cannot read the file ({exc.strerror})", file=name)) from None
    try:
        header, records, lines = _rows(text)
    except csv.Error as exc:
        raise InputRefused(Problem(f"not a readable CSV file ({exc})", file=name)) from None
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputRefused(Problem(
            f"missing column(s) {', '.join(missing)}; the header needs metric, period, value and may have "
            f"target, improvement_direction, rebase", file=name, row=1, column=None))
    position = {c: names.index(c) for c in REQUIRED + OPTIONAL if c in names}
    width = len(header)
    cells = {c: pd.Series([(r[i] if i < len(r) else "").strip() for r in records], dtype=object)
             for c, i in position.items()}
    row_of = np.asarray(lines, dtype=np.int64)
    problems: list[Problem] = []

    def refuse(mask: pd.Series, column: str, message) -> None:
        for i in np.flatnonzero(mask.to_numpy(dtype=bool)):
            if len(problems) < _MAX_PROBLEMS:
                problems.append(Problem(message(i), file=name, row=int(row_of[i]),
                                        column=f"{column_letter(position[column])} ({column})"))

    for i, record in enumerate(records):             # e.g. a decimal comma: 1,5 read as two cells
        if any(cell.strip() for cell in record[width:]) and len(problems) < _MAX_PROBLEMS:
            problems.append(Problem(f"the row has {len(record)} cells but the header only {width} "
                                    "(a decimal comma? quote the number or use a point)",
                                    file=name, row=int(row_of[i]), column=column_letter(width)))

    metric = cells["metric"]
    refuse(metric == "", "metric", lambda i: "the metric is blank")

    period_text = cells["period"]
    shape_ok = period_text.str.match(_PERIOD).fillna(False).astype(bool)
    as_date = pd.to_datetime(period_text.where(period_text.str.len() == 10, period_text + "-01").where(shape_ok),
                             format="%Y-%m-%d", errors="coerce")
    bad_period = ~shape_ok | as_date.isna()
    refuse(bad_period, "period", lambda i: f"'{period_text[i]}' is not a period (use YYYY-MM or YYYY-MM-DD)")
    period = period_text.str.slice(0, 7).where(~bad_period, None)

    frame = pd.DataFrame({"metric": metric.astype("str"), "period": period.astype("str").where(~bad_period)})
    for column in ("value", "target"):
        if column not in cells:
            continue
        text = cells[column]
        numbers = pd.to_numeric(text.where(text != "", np.nan), errors="coerce").astype("float64")
        bad = (text != "") & ~np.isfinite(numbers.to_numpy(dtype="float64", na_value=np.nan))
        refuse(bad, column, lambda i, text=text: f"'{text[i]}' is not a number")
        frame[column] = numbers.where(~bad)

    if "improvement_direction" in cells:
        stated = cells["improvement_direction"].str.lower()
        bad = (stated != "") & ~stated.isin(list(DIRECTION_SIGN))
        refuse(bad, "improvement_direction",
               lambda i: f"improvement_direction '{cells['improvement_direction'][i]}' is not increase, "
                         "decrease or neutral")
        known = stated.where((stated != "") & ~bad)
        first = known.groupby(metric).transform("first")
        conflict = known.notna() & (known != first)
        refuse(conflict, "improvement_direction",
               lambda i: f"metric '{metric[i]}' is '{first[i]}' on an earlier row but '{known[i]}' here; "
                         "a metric has one improvement_direction")
        frame["improvement_direction"] = first.fillna("neutral").astype("str")

    if "rebase" in cells:
        rebase = cells["rebase"]
        refuse(~rebase.isin(["", "0", "1"]), "rebase",
               lambda i: f"rebase '{rebase[i]}' must be 1 (a new segment starts here), 0 or blank")
        frame["rebase"] = (rebase == "1").to_numpy(dtype=bool)

    keyed = frame["period"].notna() & (metric != "")
    twice = frame.duplicated(["metric", "period"], keep="first") & keyed
    if twice.any():
        first_row = pd.Series(row_of).groupby([frame["metric"], frame["period"]]).transform("first")
        refuse(twice, "period", lambda i: f"'{metric[i]}' {frame['period'][i]} appears twice "
                                          f"(first on row {first_row[i]})")
    if problems:
        problems.sort(key=lambda p: (p.row or 0, len(p.column or ""), p.column or ""))
        raise InputRefused(problems)
    if frame.empty:
        raise InputRefused(Problem("the file has a header but no rows", file=name, row=2))
    return frame


def spc_table(frame: pd.DataFrame, fix_after: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per input row in SPC_COLUMNS, per-metric summary: metric, variation, assurance)."""
    result = spc(frame, fix_after=fix_after)
    rows = result.points[SPC_COLUMNS].copy()
    period = frame["period"]
    if isinstance(period.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(period):
        rows["period"] = period.dt.strftime("%Y-%m").to_numpy()
    else:
        rows["period"] = period.astype("str").str.slice(0, 7).to_numpy()
    for column in SPC_COLUMNS[2:8]:
        rows[column] = rows[column].astype("float64")
    for column in RULE_COLUMNS:
        rows[column] = np.where(rows[column].to_numpy(dtype=bool), "true", "false")
    rows["point_type"] = rows["point_type"].astype(object)
    return rows.reset_index(drop=True), result.summary[SUMMARY_COLUMNS].reset_index(drop=True)


def _plain(value):
    """A JSON-ready scalar: NaN/None -> null, 'true'/'false' -> bool, numpy scalars -> Python."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value, value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return without_noise(value) if isinstance(value, float) else value


def spc_json(rows: pd.DataFrame, summary: pd.DataFrame) -> str:
    """{"metrics": [{"metric", "variation", "assurance", "points": [{SPC_COLUMNS...}, ...]}, ...]}."""
    records = [{k: _plain(v) for k, v in r.items()} for r in rows[SPC_COLUMNS].to_dict("records")]
    by_metric = pd.Series(range(len(rows))).groupby(rows["metric"].to_numpy(), sort=False).indices
    metrics = []
    for item in summary[SUMMARY_COLUMNS].to_dict("records"):
        where = by_metric.get(item["metric"], [])
        metrics.append({"metric": _plain(item["metric"]), "variation": _plain(item["variation"]),
                        "assurance": _plain(item["assurance"]), "points": [records[i] for i in where]})
    return json.dumps({"metrics": metrics}, ensure_ascii=False, indent=2) + "\n"
