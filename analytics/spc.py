"""XmR statistical process control exactly the NHS England "Making Data Count" way.

The reference is the R package NHSRplotthedots (ptd_spc) with its defaults: limits at the
mean ± 2.66 × the mean moving range after screening moving ranges ≥ 3.267 × their mean once;
special causes are points outside the limits, shifts (7+ points on one side of the mean),
trends (7+ points each higher, or each lower, than the last) and two of three points beyond
the 2-sigma line (all three on the same side of the mean, as ptd checks it). Decisions where
ptd is silent or assumes gap-free data, taken here and tested:
- a missing value is not a point: it has no type and breaks runs, trends and moving ranges;
- `fix_after` counts points (non-missing values), not rows;
- a constant segment has a mean moving range of 0 and limits equal to the mean (ptd would
  screen every zero range out and leave the limits empty);
- one point has a mean but no limits.

Data in, data out: a frame of points with the limits, the rules that fired and each point's
class, and a per-metric summary (variation, assurance). Vectorised over all metrics at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LIMIT = 2.66
SCREEN = 3.267
TWO_SIGMA = LIMIT * 2 / 3
RUN = 7
POINT_COLUMNS = ["metric", "period", "value", "segment", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma",
                 "outside_limits", "shift", "trend", "two_of_three", "point_type"]
DIRECTION_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}


@dataclass
class SpcResult:
    points: pd.DataFrame   # one row per input row, same order and index: POINT_COLUMNS (+ target)
    summary: pd.DataFrame  # one row per metric: metric, variation, assurance


def _months(period: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(period):
        return period.to_numpy(dtype="datetime64[ns]")
    text = period.astype(str).str.slice(0, 7) + "-01"
    return pd.to_datetime(text, format="%Y-%m-%d").to_numpy(dtype="datetime64[ns]")


def _run_lengths(key: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Length of the run of equal `key` each element belongs to; `breaks` starts a new run."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.ones(n, dtype=bool)
    start[1:] = (key[1:] != key[:-1]) | breaks[1:]
    run_id = np.cumsum(start) - 1
    return np.bincount(run_id)[run_id]


def _shift_back(a: np.ndarray, k: int, fill) -> np.ndarray:
    """a[i - k] (fill at the start)."""
    out = np.full_like(a, fill)
    out[k:] = a[:-k] if k else a
    return out


def _shift_forward(a: np.ndarray, k: int, fill) -> np.ndarray:
    """a[i + k] (fill at the end)."""
    out = np.full_like(a, fill)
    out[:-k] = a[k:]
    return out


def spc(frame: pd.DataFrame, fix_after: int | None = None) -> SpcResult:
    """Points and verdicts for every metric in `frame` (metric, period, value [, target,
    improvement_direction, rebase])."""
    n = len(frame)
    metric_codes, metric_uniques = pd.factorize(frame["metric"], sort=True)
    months = _months(frame["period"])
    order = np.lexsort((months, metric_codes))
    m = metric_codes[order]
    y = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64")[order]
    direction_text = (frame["improvement_direction"].fillna("neutral").astype(str).str.lower()
                      if "improvement_direction" in frame else pd.Series("neutral", index=frame.index))
    direction = direction_text.map(DIRECTION_SIGN).fillna(0).to_numpy(dtype=np.int64)[order]
    rebase = (frame["rebase"].fillna(0).astype(float).to_numpy() != 0)[order] if "rebase" in frame else \
        np.zeros(n, dtype=bool)
    has_target = "target" in frame
    target = pd.to_numeric(frame["target"], errors="coerce").to_numpy(dtype="float64")[order] if has_target \
        else np.full(n, np.nan)

    first = np.ones(n, dtype=bool)
    first[1:] = m[1:] != m[:-1]
    new_segment = first | rebase
    seg = np.cumsum(new_segment) - 1                              # global segment id
    first_seg_of_metric = pd.Series(seg).groupby(m).transform("min").to_numpy() if n else seg
    segment = seg - first_seg_of_metric                           # 0, 1, 2 ... within each metric
    same_as_prev = np.zeros(n, dtype=bool)
    same_as_prev[1:] = seg[1:] == seg[:-1]

    present = ~np.isnan(y)
    if fix_after is not None:
        rank = pd.Series(present).groupby(seg).cumsum().to_numpy()
        used = present & (rank <= fix_after)
    else:
        used = present
    y_used = np.where(used, y, np.nan)
    seg_s = pd.Series(seg)
    mean = pd.Series(y_used).groupby(seg_s).transform("mean").to_numpy()
    prev_used = np.where(same_as_prev, _shift_back(y_used, 1, np.nan), np.nan)
    mr = np.abs(y_used - prev_used)
    amr = pd.Series(mr).groupby(seg_s).transform("mean").to_numpy()
    keep = (mr < SCREEN * amr) | (amr == 0)
    amr = pd.Series(np.where(keep, mr, np.nan)).groupby(seg_s).transform("mean").to_numpy()
    lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
    lower2, upper2 = mean - TWO_SIGMA * amr, mean + TWO_SIGMA * amr

    with np.errstate(invalid="ignore"):
        outside = present & ((y > upl) | (y < lpl))
        side = np.where(present & ~np.isnan(mean), np.sign(y - mean), 0).astype(np.int64)

        # shift: 7+ consecutive points strictly on one side of the mean
        shift = (side != 0) & (_run_lengths(side, ~same_as_prev) >= RUN)

        # trend: 7+ points, i.e. 6+ consecutive differences of the same strict sign
        prev_y = np.where(same_as_prev, _shift_back(y, 1, np.nan), np.nan)
        step = np.nan_to_num(np.sign(y - prev_y)).astype(np.int64)
        in_run = (step != 0) & (_run_lengths(step, ~same_as_prev) >= RUN - 1)
        next_in_run = _shift_forward(in_run, 1, False)
        next_step = _shift_forward(step, 1, 0)
        trend = in_run | next_in_run
        trend_side = np.where(in_run, step, np.where(next_in_run, next_step, 0))

        # two of three: a window of 3 points in one segment, all on one side, 2+ beyond 2 sigma
        close = present & ~outside & ((y < lower2) | (y > upper2))
        c = close.astype(np.int64)
        window_close = c + _shift_forward(c, 1, 0) + _shift_forward(c, 2, 0)
        window_side = side + _shift_forward(side, 1, 0) + _shift_forward(side, 2, 0)
        window_same_seg = _shift_forward(seg, 2, -1) == seg
        trigger = window_same_seg & (window_close >= 2) & (np.abs(window_side) == 3)
        two_of_three = close & (trigger | _shift_back(trigger, 1, False) | _shift_back(trigger, 2, False))

    special = outside | trend | two_of_three | shift
    decided_side = np.select([outside, trend, two_of_three, shift], [side, trend_side, side, side], 0)
    point_type = np.select(
        [~present, ~special, (direction == 0) & (decided_side > 0), direction == 0, decided_side == direction],
        [None, "common_cause", "special_cause_neutral_high", "special_cause_neutral_low",
         "special_cause_improvement"],
        "special_cause_concern").astype(object)
    point_type[~present] = None

    sorted_points = {
        "segment": segment.astype(np.int64), "mean": mean, "lpl": lpl, "upl": upl, "lower_2sigma": lower2,
        "upper_2sigma": upper2, "outside_limits": outside, "shift": shift, "trend": trend,
        "two_of_three": two_of_three, "point_type": point_type,
    }
    points = pd.DataFrame({"metric": frame["metric"].to_numpy(), "period": frame["period"].to_numpy(),
                           "value": pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64")},
                          index=frame.index)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    for column, values in sorted_points.items():
        points[column] = pd.Series(values[inverse], index=frame.index,
                                   dtype=object if column == "point_type" else None)
    if has_target:
        points["target"] = frame["target"].to_numpy()

    summary = _summary(m, metric_uniques, present, point_type, decided_side, direction, lpl, upl, target)
    return SpcResult(points[POINT_COLUMNS + (["target"] if has_target else [])], summary)


def _summary(m, uniques, present, point_type, side, direction, lpl, upl, target) -> pd.DataFrame:
    """Variation from each metric's last point; assurance from that point's limits and target."""
    n_metrics = len(uniques)
    positions = np.arange(len(m))
    last_point = np.full(n_metrics, -1)
    if present.any():
        # rows are sorted by metric then period: the max position of a present row is the last point
        np.maximum.at(last_point, m[present], positions[present])
    filled_target = pd.Series(target).groupby(m).ffill().to_numpy() if len(m) else target
    variation = np.full(n_metrics, None, dtype=object)
    assurance = np.full(n_metrics, "none", dtype=object)
    has = last_point >= 0
    idx = last_point[has]
    kind = point_type[idx]
    high = side[idx] > 0
    variation[has] = np.select(
        [kind == "common_cause", kind == "special_cause_improvement", kind == "special_cause_concern"],
        [np.full(len(idx), "common_cause", dtype=object),
         np.where(high, "improvement_high", "improvement_low"),
         np.where(high, "concern_high", "concern_low")],
        np.where(kind == "special_cause_neutral_high", "neutral_high", "neutral_low")).astype(object)
    tgt, lo, hi, sign = filled_target[idx], lpl[idx], upl[idx], direction[idx]
    with np.errstate(invalid="ignore"):
        usable = ~np.isnan(tgt) & ~np.isnan(lo) & ~np.isnan(hi) & (sign != 0)
        above, below = tgt > hi, tgt < lo
    verdict = np.select([~usable, above & (sign > 0), above, below & (sign > 0), below],
                        ["none", "consistent_fail", "consistent_pass", "consistent_pass", "consistent_fail"],
                        "hit_and_miss").astype(object)
    assurance[has] = verdict
    return pd.DataFrame({"metric": np.asarray(uniques, dtype=object), "variation": variation,
                         "assurance": assurance})
