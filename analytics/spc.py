"""XmR statistical process control exactly the NHS England "Making Data Count" way.

The reference is the R package NHSRplotthedots (ptd_spc) with its defaults: limits at the
mean ± 2.66 × the mean moving range after screening moving ranges ≥ 3.267 × their mean once;
special causes are points outside the limits, shifts (7+ points on one side of the mean),
trends (7+ points each higher, or each lower, than the last) and two of three points beyond
the 2-sigma line (all three on the same side of the mean, as ptd checks it). When a point
fires several rules, the side that classifies it comes from the first of: outside the limits,
trend (its direction), two of three, shift.

Decisions where ptd is silent or assumes gap-free data, taken here and tested:
- a missing value (NaN, or ±inf) is not a point: it has no type, breaks shifts, trends and
  two-of-three windows, and no moving range is taken across it;
- `fix_after` counts points (non-missing values), not rows, within each segment;
- a constant segment has a mean moving range of 0 and limits equal to the mean (ptd would
  screen every zero range out and leave the limits empty);
- one point has a mean but no limits (NaN) and is common cause;
- a point that ends one trend and starts the opposite one takes the direction of the one it ends;
- assurance compares the target at the last point (else the metric's last target) with the
  limits of the metric's last segment; a last segment without limits gives 'none'.

Data in, data out: a frame of points with the limits, the rules that fired and each point's
class, and a per-metric summary (variation, assurance). Vectorised over all metrics at once:
rows are sorted once by (metric, period), every statistic is a per-segment reduction with
np.bincount or a run-length trick over the sorted arrays, and the result is put back in the
input's order. There is no Python loop over metrics or points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LIMIT = 2.66                     # 3 / d2 (1.128), rounded as Making Data Count does
SCREEN = 3.267                   # D4 for n = 2: moving ranges at or above 3.267 × their mean are screened out
TWO_SIGMA = LIMIT * 2 / 3        # 1.77333...
RUN = 7                          # points in a shift or a trend
POINT_COLUMNS = ["metric", "period", "value", "segment", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma",
                 "outside_limits", "shift", "trend", "two_of_three", "point_type"]
SUMMARY_COLUMNS = ["metric", "variation", "assurance"]
RULE_COLUMNS = ["outside_limits", "shift", "trend", "two_of_three"]
DIRECTION_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}
_TRUE_WORDS = ("true", "t", "yes", "y")


@dataclass
class SpcResult:
    points: pd.DataFrame   # one row per input row, same order and index: POINT_COLUMNS (+ target)
    summary: pd.DataFrame  # one row per metric: metric, variation, assurance


# --------------------------------------------------------------------------- input cleaning

def _period_key(period: pd.Series) -> np.ndarray:
    """Sortable int64 (nanoseconds) for datetime64, Period, Timestamp or 'YYYY-MM[-DD]' periods."""
    if isinstance(period.dtype, pd.PeriodDtype):
        stamps = period.dt.to_timestamp()
    elif pd.api.types.is_datetime64_any_dtype(period):
        stamps = period
    else:
        stamps = pd.to_datetime(period, format="ISO8601", errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    if stamps.isna().any():
        bad = period[stamps.isna()].iloc[0]
        raise ValueError(f"period {bad!r} is not a month (use a date or 'YYYY-MM')")
    return stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def _flags(column: pd.Series) -> np.ndarray:
    """True/1/'1'/'true' -> True; False/0/blank/NaN -> False."""
    if pd.api.types.is_bool_dtype(column):
        return column.fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(column, errors="coerce")
    words = column.astype("string").str.strip().str.lower().isin(_TRUE_WORDS).fillna(False)
    return ((numbers.fillna(0) != 0) | words).to_numpy(dtype=bool)


def _directions(frame: pd.DataFrame) -> np.ndarray:
    """+1 increase, -1 decrease, 0 neutral (also for blank or unknown words)."""
    if "improvement_direction" not in frame:
        return np.zeros(len(frame), dtype=np.int64)
    words = frame["improvement_direction"].astype("string").str.strip().str.lower()
    return words.map(DIRECTION_SIGN).astype("float64").fillna(0).to_numpy(dtype=np.int64)


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").astype("float64").to_numpy(dtype="float64", na_value=np.nan)


# --------------------------------------------------------------------------- array helpers

def _run_lengths(key: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Length of the run of equal `key` each element belongs to; `breaks[i]` starts a new run at i."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.ones(n, dtype=bool)
    start[1:] = (key[1:] != key[:-1]) | breaks[1:]
    run_id = np.cumsum(start) - 1
    return np.bincount(run_id)[run_id]


def _back(a: np.ndarray, k: int, fill) -> np.ndarray:
    """out[i] = a[i - k] (fill for i < k)."""
    out = np.full_like(a, fill)
    if 0 < k < len(a):
        out[k:] = a[:-k]
    return out


def _ahead(a: np.ndarray, k: int, fill) -> np.ndarray:
    """out[i] = a[i + k] (fill for the last k)."""
    out = np.full_like(a, fill)
    if 0 < k < len(a):
        out[:-k] = a[k:]
    return out


def _segment_mean(values: np.ndarray, segment: np.ndarray, segments: int) -> np.ndarray:
    """Mean of the finite `values` of each segment, broadcast back to the rows (NaN if none)."""
    finite = np.isfinite(values)
    total = np.bincount(segment, weights=np.where(finite, values, 0.0), minlength=segments)
    count = np.bincount(segment, weights=finite.astype(np.float64), minlength=segments)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
    return mean[segment]


def _last_where(mask: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Position of the last True row of each group in group-sorted arrays (-1 if none)."""
    out = np.full(groups, -1, dtype=np.int64)
    rows = np.flatnonzero(mask)
    if len(rows):
        g = group[rows]
        ends = np.ones(len(rows), dtype=bool)
        ends[:-1] = g[1:] != g[:-1]
        out[g[ends]] = rows[ends]
    return out


# --------------------------------------------------------------------------- the chart

def spc(frame: pd.DataFrame, fix_after: int | None = None) -> SpcResult:
    """Points and verdicts for every metric in `frame` (metric, period, value [, target,
    improvement_direction, rebase]). See the module docstring for the rules."""
    missing = [c for c in ("metric", "period", "value") if c not in frame.columns]
    if missing:
        raise KeyError(f"spc() needs the column(s) {', '.join(missing)}")
    if fix_after is not None and (isinstance(fix_after, bool) or int(fix_after) != fix_after or fix_after < 1):
        raise ValueError(f"fix_after must be a whole number of points ≥ 1, not {fix_after!r}")

    n = len(frame)
    codes, uniques = pd.factorize(frame["metric"], sort=True, use_na_sentinel=False)
    codes = np.asarray(codes, dtype=np.int64)
    order = np.lexsort((_period_key(frame["period"]), codes))          # by metric, then period (stable)
    m = codes[order]
    value_in = _numbers(frame["value"])
    y = value_in[order]
    present = np.isfinite(y)
    y = np.where(present, y, np.nan)
    direction = _directions(frame)[order]
    rebase = _flags(frame["rebase"])[order] if "rebase" in frame else np.zeros(n, dtype=bool)
    has_target = "target" in frame
    target_in = _numbers(frame["target"]) if has_target else np.full(n, np.nan)
    target = target_in[order]

    # segments: a new one at each metric's first row and at every rebase after it
    first_of_metric = np.ones(n, dtype=bool)
    first_of_metric[1:] = m[1:] != m[:-1]
    seg = np.cumsum(first_of_metric | rebase) - 1                        # global segment id 0..S-1
    segments = int(seg[-1]) + 1 if n else 0
    metric_first_seg = seg[np.flatnonzero(first_of_metric)]
    segment = seg - metric_first_seg[m] if n else seg                    # 0, 1, 2 ... within the metric
    same_seg = np.zeros(n, dtype=bool)                                   # row i-1 is in i's segment
    same_seg[1:] = seg[1:] == seg[:-1]

    # limits from all points of the segment, or from its first `fix_after` points
    if fix_after is not None:
        seen = np.cumsum(present)
        seen_before_segment = (seen - present)[np.searchsorted(seg, np.arange(segments))] if n else seen
        used = present & (seen - seen_before_segment[seg] <= fix_after)
    else:
        used = present
    y_used = np.where(used, y, np.nan)
    mean = _segment_mean(y_used, seg, segments)
    mr = np.abs(y_used - np.where(same_seg, _back(y_used, 1, np.nan), np.nan))
    amr = _segment_mean(mr, seg, segments)
    with np.errstate(invalid="ignore"):
        keep = (mr < SCREEN * amr) | (amr == 0)                          # screen once (all-zero ranges stay)
    amr = _segment_mean(np.where(keep, mr, np.nan), seg, segments)
    lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
    lower2, upper2 = mean - TWO_SIGMA * amr, mean + TWO_SIGMA * amr

    with np.errstate(invalid="ignore"):
        outside = present & ((y > upl) | (y < lpl))
        side = np.where(present & np.isfinite(mean), np.sign(y - mean), 0).astype(np.int64)

        # shift: 7+ consecutive points of a segment strictly on one side of the mean
        shift = (side != 0) & (_run_lengths(side, ~same_seg) >= RUN)

        # trend: 7+ points = 6+ consecutive steps of the same strict sign within a segment
        step = np.where(same_seg, np.sign(y - _back(y, 1, np.nan)), 0)
        step = np.nan_to_num(step).astype(np.int64)
        in_run = (step != 0) & (_run_lengths(step, ~same_seg) >= RUN - 1)  # the 2nd..last point of a trend
        starts_run = _ahead(in_run, 1, False) & ~in_run                    # its 1st point
        trend = in_run | _ahead(in_run, 1, False)
        trend_side = np.where(in_run, step, np.where(starts_run, _ahead(step, 1, 0), 0))

        # two of three: 3 consecutive rows of a segment, all on one side, 2+ of them close to a limit
        close = present & ~outside & ((y < lower2) | (y > upper2))
        c = close.astype(np.int64)
        window_close = c + _ahead(c, 1, 0) + _ahead(c, 2, 0)
        window_side = side + _ahead(side, 1, 0) + _ahead(side, 2, 0)
        window_in_segment = _ahead(seg, 2, -1) == seg
        trigger = window_in_segment & (window_close >= 2) & (np.abs(window_side) == 3)
        two_of_three = close & (trigger | _back(trigger, 1, False) | _back(trigger, 2, False))

    special = outside | trend | two_of_three | shift
    decided = np.select([outside, trend, two_of_three, shift], [side, trend_side, side, side], 0)
    point_type = np.select(
        [~present, ~special, (direction == 0) & (decided > 0), direction == 0, decided == direction],
        ["", "common_cause", "special_cause_neutral_high", "special_cause_neutral_low",
         "special_cause_improvement"],
        "special_cause_concern").astype(object)
    point_type[~present] = None

    # back to the input's order and index
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    points = frame[["metric", "period"]].copy()
    points["value"] = value_in
    computed = {"segment": segment.astype(np.int64), "mean": mean, "lpl": lpl, "upl": upl,
                "lower_2sigma": lower2, "upper_2sigma": upper2, "outside_limits": outside, "shift": shift,
                "trend": trend, "two_of_three": two_of_three}
    for column, values in computed.items():
        points[column] = values[inverse]
    points["point_type"] = pd.Series(point_type[inverse], index=frame.index, dtype=object)
    if has_target:
        points["target"] = target_in

    summary = _summary(m, uniques, present, point_type, decided, direction, lpl, upl, target)
    return SpcResult(points[POINT_COLUMNS + (["target"] if has_target else [])], summary)


def _summary(m, uniques, present, point_type, side, direction, lpl, upl, target) -> pd.DataFrame:
    """Variation from each metric's last point; assurance from its last segment's limits and the target."""
    k = len(uniques)
    last_point = _last_where(present, m, k)
    last_row = _last_where(np.ones(len(m), dtype=bool), m, k)
    last_target = _last_where(~np.isnan(target), m, k)

    variation = np.full(k, None, dtype=object)
    has = last_point >= 0
    at = last_point[has]
    kind, high = point_type[at], side[at] > 0
    variation[has] = np.select(
        [kind == "common_cause", kind == "special_cause_improvement", kind == "special_cause_concern",
         kind == "special_cause_neutral_high"],
        ["common_cause", np.where(high, "improvement_high", "improvement_low"),
         np.where(high, "concern_high", "concern_low"), "neutral_high"],
        "neutral_low").astype(object)

    # target at the last point, else the metric's last target
    tgt = np.where(has, target[np.maximum(last_point, 0)], np.nan)
    fallback = np.where(last_target >= 0, target[np.maximum(last_target, 0)], np.nan)
    tgt = np.where(np.isnan(tgt), fallback, tgt)
    rows = np.maximum(last_row, 0)
    lo, hi, sign = lpl[rows], upl[rows], direction[rows]
    with np.errstate(invalid="ignore"):
        usable = (last_row >= 0) & ~np.isnan(tgt) & ~np.isnan(lo) & ~np.isnan(hi) & (sign != 0)
        above, below = tgt > hi, tgt < lo
    assurance = np.select(
        [~usable, above & (sign > 0), above, below & (sign > 0), below],
        ["none", "consistent_fail", "consistent_pass", "consistent_pass", "consistent_fail"],
        "hit_and_miss").astype(object)
    return pd.DataFrame({"metric": pd.Series(uniques),
                         "variation": pd.Series(variation, dtype=object),
                         "assurance": pd.Series(assurance, dtype=object)})
