"""The `spc` command: a CSV of points in, the Making Data Count statistics out; no store needed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from .errors import InputRefused, Problem, column_letter
from .readers import decode_text
from .spc import DIRECTION_SIGN, spc

SPC_COLUMNS = ["metric", "period", "value", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma", "outside_limits",
               "shift", "trend", "two_of_three", "point_type"]
REQUIRED = ("metric", "period", "value")
_PERIOD = r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$"


def read_spc_input(path: Path) -> pd.DataFrame:
    """Read and check the input; refuse with file, row and column for every problem."""
    import io

    name = Path(path).name
    if not Path(path).is_file():
        raise InputRefused(Problem("file not found", file=name))
    text = decode_text(Path(path).read_bytes(), name)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputRefused(Problem(f"not a readable CSV file ({exc})", file=name)) from None
    raw.columns = [c.strip().lower() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputRefused(Problem(f"missing column(s) {', '.join(missing)}; the input needs metric,period,value "
                                   "and may have target, improvement_direction, rebase", file=name, row=1))
    problems: list[Problem] = []

    def where(i: int, col: str) -> dict:
        return dict(file=name, row=int(i) + 2, column=f"{column_letter(list(raw.columns).index(col))} ({col})")

    frame = pd.DataFrame({"metric": raw["metric"].str.strip()})
    for i in raw.index[frame["metric"] == ""]:
        problems.append(Problem("the metric is blank", **where(i, "metric")))
    period = raw["period"].str.strip()
    bad_period = ~period.str.match(_PERIOD)
    for i in raw.index[bad_period]:
        problems.append(Problem(f"'{period[i]}' is not a period (use YYYY-MM or YYYY-MM-DD)", **where(i, "period")))
    frame["period"] = period.str.slice(0, 7).where(~bad_period, None)
    for col in ("value", "target"):
        if col not in raw.columns:
            continue
        cells = raw[col].str.strip()
        numbers = pd.to_numeric(cells.where(cells != "", None), errors="coerce")
        for i in raw.index[(cells != "") & (numbers.isna() | ~numbers.map(lambda v: math.isfinite(v)
                                                                          if pd.notna(v) else True))]:
            problems.append(Problem(f"'{cells[i]}' is not a number", **where(i, col)))
        frame[col] = numbers.astype("float64")
    if "improvement_direction" in raw.columns:
        direction = raw["improvement_direction"].str.strip().str.lower().replace("", "neutral")
        for i in raw.index[~direction.isin(list(DIRECTION_SIGN))]:
            problems.append(Problem(f"improvement_direction '{direction[i]}' is not increase, decrease or neutral",
                                    **where(i, "improvement_direction")))
        per_metric = direction.groupby(frame["metric"]).nunique()
        for metric in per_metric.index[per_metric > 1]:
            i = raw.index[frame["metric"] == metric][-1]
            problems.append(Problem(f"metric '{metric}' has more than one improvement_direction",
                                    **where(i, "improvement_direction")))
        frame["improvement_direction"] = direction
    if "rebase" in raw.columns:
        rebase = raw["rebase"].str.strip()
        for i in raw.index[~rebase.isin(["", "0", "1"])]:
            problems.append(Problem(f"rebase '{rebase[i]}' must be 1 (a new segment starts) or 0/blank",
                                    **where(i, "rebase")))
        frame["rebase"] = rebase == "1"
    duplicated = frame.duplicated(["metric", "period"], keep="first") & frame["period"].notna()
    for i in raw.index[duplicated]:
        first = raw.index[(frame["metric"] == frame.at[i, "metric"]) & (frame["period"] == frame.at[i, "period"])][0]
        problems.append(Problem(f"'{frame.at[i, 'metric']}' {frame.at[i, 'period']} appears twice "
                                f"(also on row {first + 2})", **where(i, "period")))
    if problems:
        raise InputRefused(problems)
    if frame.empty:
        raise InputRefused(Problem("the file has no rows", file=name))
    return frame


def spc_table(frame: pd.DataFrame, fix_after: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per input row in SPC_COLUMNS, per-metric summary)."""
    result = spc(frame, fix_after=fix_after)
    rows = result.points[SPC_COLUMNS].copy()
    rows["period"] = frame["period"].to_numpy()
    for col in ("outside_limits", "shift", "trend", "two_of_three"):
        rows[col] = rows[col].map({True: "true", False: "false"}).where(rows["value"].notna(), "")
    return rows, result.summary


def spc_json(rows: pd.DataFrame, summary: pd.DataFrame) -> str:
    def plain(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if v in ("true", "false"):
            return v == "true"
        if v == "":
            return None
        return v.item() if hasattr(v, "item") else v

    metrics = []
    for item in summary.itertuples(index=False):
        points = rows[rows["metric"] == item.metric]
        metrics.append({"metric": item.metric, "variation": item.variation, "assurance": item.assurance,
                        "points": [{k: plain(v) for k, v in p.items()} for p in points.to_dict("records")]})
    return json.dumps({"metrics": metrics}, ensure_ascii=False, indent=2) + "\n"
