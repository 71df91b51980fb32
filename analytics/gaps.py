"""Gap to target (差距) and status, direction-aware, vectorised over any number of rows.

Sign convention: a positive gap always means worse than target, whatever the direction.
  increase (higher is better): gap = target - actual
  decrease (lower is better):  gap = actual - target
  neutral:                     gap = actual - target, reported but never 'missed'
gap % = gap / |target| x 100 (empty when the target is 0 or missing).
Status: met (gap <= 0), near (0 < gap <= tolerance), missed (gap > tolerance), no_target,
no_data. A neutral metric is 'met' within its tolerance either side of the target, else 'near'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STATUSES = ("met", "near", "missed", "no_target", "no_data")


def gaps(actual: pd.Series, target: pd.Series, direction: pd.Series, tolerance: pd.Series) -> pd.DataFrame:
    """gap, gap_pct and status for aligned series (one row per metric and period)."""
    actual = actual.astype("float64")
    target = target.astype("float64")
    tolerance = tolerance.astype("float64").fillna(0.0)
    increase = (direction == "increase").to_numpy()
    neutral = (direction == "neutral").to_numpy()
    gap = np.where(increase, target - actual, actual - target)
    # a gap equal to the tolerance (or to 0) as written must not fall on the wrong side by a float's last
    # bit: 90 - 89.8 is 0.20000000000000284, which is the 0.2 the user typed
    slack = 1e-9 * np.fmax(np.fmax(np.abs(target), np.abs(actual)), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap_pct = np.where(np.abs(target) > 0, gap / np.abs(target) * 100.0, np.nan)
    status = np.select(
        [np.isnan(actual), np.isnan(target),
         neutral & (np.abs(gap) <= tolerance + slack), neutral,
         gap <= slack, gap <= tolerance + slack],
        ["no_data", "no_target", "met", "near", "met", "near"],
        "missed",
    )
    return pd.DataFrame({"gap": gap, "gap_pct": gap_pct, "status": status}, index=actual.index)


def change_since_baseline(actual: pd.Series, baseline: pd.Series, direction: pd.Series) -> pd.Series:
    """improved / worsened / unchanged against the baseline in force; empty when it cannot apply."""
    delta = actual.astype("float64") - baseline.astype("float64")
    better = np.where(direction == "increase", delta > 0, delta < 0)
    worse = np.where(direction == "increase", delta < 0, delta > 0)
    result = np.select([delta.isna().to_numpy() | (direction == "neutral").to_numpy(), delta.to_numpy() == 0,
                        better, worse], [None, "unchanged", "improved", "worsened"], None)
    return pd.Series(result, index=actual.index, dtype="object")


def months_missed_in_a_row(frame: pd.DataFrame) -> pd.Series:
    """For each row of a (metric_id, period)-sorted frame with a status column: how many
    consecutive periods up to and including this one were 'missed' (0 when this one was not).
    A period with no data breaks the run."""
    missed = (frame["status"] == "missed").astype("int64")
    run_id = (missed != missed.groupby(frame["metric_id"]).shift(fill_value=0)).cumsum()
    return missed.groupby([frame["metric_id"], run_id]).cumsum() * missed
