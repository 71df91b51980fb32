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
rows are sorted once by (metric, period) (not at all when they come sorted, as the analysis's
series do), metrics and segments are contiguous blocks of the sorted arrays, every mean is a
per-segment np.bincount (summed in row order, so the limits do not depend on the code path),
the run rules are shifted boolean views over the rows, and the result is put back in the input's
order and built once. There is no Python loop over metrics or points. The cost is mostly
memory: few temporaries, small dtypes (int8 sides and steps), the five limit lines in one block.
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

def _arrange(frame: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray, pd.Index]:
    """(row order by metric then period, or None when the rows are in it already; per sorted row,
    whether it is its metric's first; the metrics as pd.factorize(sort=True) gives them).

    Integer metrics already in order (the analysis's own series) are found by comparing each row
    with the previous one, several times cheaper than hashing and sorting."""
    metric, key = frame["metric"], _period_key(frame["period"])
    if isinstance(metric.dtype, np.dtype) and metric.dtype.kind in "iu" and len(metric):
        a = metric.to_numpy()
        if (a[1:] >= a[:-1]).all():
            new = _starts(a[1:] != a[:-1], len(a))
            if (new[1:] | (key[1:] >= key[:-1])).all():
                return None, new, pd.Index(a[new])
    codes, uniques = pd.factorize(metric, sort=True, use_na_sentinel=False)
    codes = np.asarray(codes, dtype=np.int64)
    order = _sort_order(codes, key)
    m = codes if order is None else codes[order]
    return order, _starts(m[1:] != m[:-1], len(m)), uniques


def _sort_order(codes: np.ndarray, key: np.ndarray) -> np.ndarray | None:
    """Stable order by (metric, period); None when the rows are in that order already."""
    if len(codes) < 2:
        return None
    step = codes[1:] - codes[:-1]
    if ((step > 0) | ((step == 0) & (key[1:] >= key[:-1]))).all():
        return None
    return np.lexsort((key, codes))


def _period_key(period: pd.Series) -> np.ndarray:
    """Sortable int64 (in the column's own time unit) for datetime64, Period, Timestamp or
    'YYYY-MM[-DD]' periods."""
    if isinstance(period.dtype, np.dtype) and period.dtype.kind == "M":      # naive datetime64: as is
        key = period.to_numpy().view(np.int64)
        if not (key == np.iinfo(np.int64).min).any():                        # NaT
            return key
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
    return np.asarray(stamps.to_numpy()).view(np.int64)


def _flags(column: pd.Series) -> np.ndarray:
    """True/1/'1'/'true' -> True; False/0/blank/NaN -> False."""
    if pd.api.types.is_bool_dtype(column):
        return column.fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(column, errors="coerce")
    words = column.astype("string").str.strip().str.lower().isin(_TRUE_WORDS).fillna(False)
    return ((numbers.fillna(0) != 0) | words).to_numpy(dtype=bool)


def _directions(frame: pd.DataFrame) -> np.ndarray:
    """+1 increase, -1 decrease, 0 neutral (also for blank or unknown words), as int8.

    A word is read once per run of equal rows (a metric's rows usually share one), not per row,
    and each distinct word is cleaned once."""
    if "improvement_direction" not in frame:
        return np.zeros(len(frame), dtype=np.int8)
    column = frame["improvement_direction"]
    first = _word_changes(column)
    codes, words = pd.factorize(column.iloc[first])
    signs = [DIRECTION_SIGN.get(str(word).strip().lower(), 0) for word in words] + [0]   # + code -1 (blank)
    per_run = np.array(signs, dtype=np.int8).take(codes)
    return np.repeat(per_run, np.diff(first, append=len(column)))


def _word_changes(column: pd.Series) -> np.ndarray:
    """Rows whose word may differ from the previous row's: compared in Arrow when the column is
    Arrow-backed text (pandas' default), else every row."""
    n = len(column)
    if n < 2 or not (isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow"):
        return np.arange(n)
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(column.array)
    changed = pc.fill_null(pc.not_equal(text[1:], text[:-1]), True).to_numpy(zero_copy_only=False)
    return np.flatnonzero(_starts(changed, n))


def _numbers(column: pd.Series) -> pd.Series | np.ndarray:
    """The column itself when it is float64 already (shared copy-on-write, not copied), else its
    values as a new float64 array (text or blanks -> NaN)."""
    if isinstance(column.dtype, np.dtype) and column.dtype == np.float64:
        return column
    return pd.to_numeric(column, errors="coerce").astype("float64").to_numpy(dtype="float64", na_value=np.nan)


# --------------------------------------------------------------------------- array helpers

def _starts(breaks_after_first: np.ndarray, n: int) -> np.ndarray:
    """Per row: a run starts here (the first row, or where `breaks_after_first[i - 1]`)."""
    out = np.empty(n, dtype=bool)
    if n:
        out[0] = True
        out[1:] = breaks_after_first
    return out


def _in_long_run(key: np.ndarray, breaks: np.ndarray, length: int) -> np.ndarray:
    """Whether each element is in a run of equal, non-zero `key` at least `length` long;
    `breaks[i]` starts a new run at i.

    Done with shifted boolean views, no run ids: a window of `length` rows is one run when each
    row after its first equals the one before (and is not a break); an element is in a long run
    when one of the windows covering it is."""
    n = len(key)
    if n < length:
        return np.zeros(n, dtype=bool)
    same = np.empty(n, dtype=bool)                          # same[i]: row i continues row i-1's run
    same[0] = False
    np.equal(key[1:], key[:-1], out=same[1:])
    same &= ~breaks
    windows = n - length + 1
    whole = key[:windows] != 0                              # whole[j]: rows j .. j+length-1 are one run
    for k in range(1, length):
        whole &= same[k:k + windows]
    covered = np.zeros(n, dtype=bool)
    for k in range(length):
        covered[k:k + windows] |= whole
    return covered


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


def _last_true(mask: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Row of the last True in each block of rows starting at `first` (-1 if none).

    Read from the False rows, which are few for the masks used here (present values, targets):
    a block ending in False ends in a run of Falses, and the answer is the row before that run."""
    n = len(mask)
    if len(first) == 0:
        return np.zeros(0, dtype=np.int64)
    last = np.append(first[1:], n) - 1
    false = np.flatnonzero(~mask)
    if len(false) == 0:
        return last
    run_first = np.flatnonzero(_starts(np.diff(false) != 1, len(false)))
    run_start = np.repeat(false[run_first], np.diff(run_first, append=len(false)))
    at = np.minimum(np.searchsorted(false, last), len(false) - 1)
    ends_false = false[at] == last
    out = np.where(ends_false, run_start[at] - 1, last)
    return np.where(out >= first, out, -1)


@dataclass
class _Layout:
    """Where metrics and segments start in the sorted rows (both are contiguous blocks)."""
    metric_first: np.ndarray     # first row of each metric
    first_of_metric: np.ndarray  # per row: a metric starts here
    seg_start: np.ndarray        # per row: a segment starts here (a metric's first row or a rebase)
    seg_id: np.ndarray           # per row: global segment number 0..S-1
    seg_first: np.ndarray        # first row of each segment
    seg_length: np.ndarray       # rows in each segment

    @classmethod
    def of(cls, first_of_metric: np.ndarray, rebase: np.ndarray) -> _Layout:
        seg_start = first_of_metric | rebase
        seg_first = np.flatnonzero(seg_start)
        seg_length = np.diff(seg_first, append=len(seg_start))
        seg_id = np.repeat(np.arange(len(seg_first)), seg_length)
        return cls(np.flatnonzero(first_of_metric), first_of_metric, seg_start, seg_id, seg_first, seg_length)

    def rows(self, per_segment: np.ndarray) -> np.ndarray:
        """A per-segment array repeated onto the segment's rows."""
        return np.repeat(per_segment, self.seg_length)

    def segment_in_metric(self) -> np.ndarray:
        """0, 1, 2 ... per segment: its number within its metric."""
        opens_metric = self.first_of_metric[self.seg_first]
        first_segment = np.flatnonzero(opens_metric)
        return (np.arange(len(self.seg_first)) - first_segment[np.cumsum(opens_metric) - 1]).astype(np.int64)

    def segment_mean(self, weights: np.ndarray, counted: np.ndarray) -> np.ndarray:
        """Mean per segment of `weights` (0 where not `counted`) over the `counted` rows (NaN if
        none), summed in row order as np.bincount does, so the limits do not depend on a summation order."""
        if len(weights) == 0:
            return np.zeros(0)
        total = np.bincount(self.seg_id, weights=weights, minlength=len(self.seg_first))
        count = np.add.reduceat(counted, self.seg_first, dtype=np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)


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
    order, first_of_metric, uniques = _arrange(frame)
    sort = (lambda a: np.asarray(a)) if order is None else (lambda a: np.asarray(a)[order])
    value = _numbers(frame["value"])
    y = sort(value)                                  # read only: may be the input's own memory
    present = np.isfinite(y)
    if np.isinf(y).any():
        y = np.where(present, y, np.nan)             # ±inf is missing
    direction = sort(_directions(frame))
    rebase = sort(_flags(frame["rebase"])) if "rebase" in frame else np.zeros(n, dtype=bool)
    target = _numbers(frame["target"]) if "target" in frame else None
    layout = _Layout.of(first_of_metric, rebase)

    mr, step = _ranges_and_steps(y, layout.seg_start)
    limits = _limits(y, present, mr, layout, fix_after)
    rules, decided = _rules(y, step, layout, limits)
    point_code = _point_codes(present, rules, decided, direction)

    unsort = (lambda a: a) if order is None else (lambda a: _put_back(a, order))
    computed = {**limits, **rules}
    points = _points_frame(frame, value, {k: unsort(v) for k, v in computed.items()},
                           POINT_LABELS.take(unsort(point_code)), target)
    target_sorted = sort(target) if target is not None else np.full(n, np.nan)
    summary = _summary(layout, uniques, present, point_code, decided, direction, limits, target_sorted)
    return SpcResult(points, summary)


def _ranges_and_steps(y: np.ndarray, seg_start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moving ranges |y[i] - y[i-1]| (NaN at a segment's start or next to a missing value) and the
    steps sign(y[i] - y[i-1]) as int8 (0 there), from one subtraction."""
    n = len(y)
    mr = np.empty(n)
    step = np.zeros(n, dtype=np.int8)
    if n > 1:
        np.subtract(y[1:], y[:-1], out=mr[1:])
        step[1:] = mr[1:] > 0
        step[1:] -= mr[1:] < 0
        np.abs(mr, out=mr)
    mr[seg_start] = np.nan
    step[seg_start] = 0
    return mr, step


def _limits(y, present, mr, layout: _Layout, fix_after: int | None) -> dict[str, np.ndarray]:
    """Segment number, mean, process limits and 2-sigma lines of each row's segment, from all its
    points or its first `fix_after` points; moving ranges at or above SCREEN × their mean are
    screened out once."""
    if fix_after is not None:
        seen = np.cumsum(present)
        seen_before_segment = (seen - present)[layout.seg_first]
        present = present & (seen - layout.rows(seen_before_segment) <= fix_after)
        mr, _ = _ranges_and_steps(np.where(present, y, np.nan), layout.seg_start)
    weights = np.where(present, y, 0.0)
    mean = layout.segment_mean(weights, present)
    ranged = np.isfinite(mr)
    weights.fill(0.0)
    np.copyto(weights, mr, where=ranged)
    amr = layout.segment_mean(weights, ranged)
    with np.errstate(invalid="ignore"):
        keep = (mr < layout.rows(SCREEN * amr)) | layout.rows(amr == 0)                    # screen once (all-zero ranges stay)
    np.copyto(weights, 0.0, where=~keep)
    amr = layout.segment_mean(weights, ranged & keep)
    # one block, one allocation (huge pages): the five lines, and the segment numbers carried
    # bit for bit as int64 (np.repeat copies bytes)
    per_segment = np.stack([mean, mean - LIMIT * amr, mean + LIMIT * amr, mean - TWO_SIGMA * amr,
                            mean + TWO_SIGMA * amr, layout.segment_in_metric().view(np.float64)])
    block = np.repeat(per_segment, layout.seg_length, axis=1)
    return {"segment": block[5].view(np.int64),
            **dict(zip(("mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"), block[:5]))}


def _rules(y, step, layout: _Layout, limits: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The four rule flags per row, and the side (+1/-1) that classifies a special point.

    Comparisons with NaN are False, so a missing value (or a segment without limits) fires nothing."""
    mean, seg_start = limits["mean"], layout.seg_start
    with np.errstate(invalid="ignore"):
        outside = (y > limits["upl"]) | (y < limits["lpl"])
        side = (y > mean).view(np.int8) - (y < mean).view(np.int8)
        infinite_mean = np.isinf(mean)                                  # a sum that overflowed: no side
        if infinite_mean.any():
            side[infinite_mean] = 0
        # shift: 7+ consecutive points of a segment strictly on one side of the mean
        shift = (side != 0) & _in_long_run(side, seg_start, RUN)
        trend, trend_side = _trend(step, seg_start)
        # two of three: 3 consecutive rows of a segment, all on one side, 2+ of them close to a limit
        close = ~outside & ((y < limits["lower_2sigma"]) | (y > limits["upper_2sigma"]))
        two_of_three = _two_of_three(close, side, seg_start)
    by_side = outside | (~trend & (two_of_three | shift))              # the first rule that fired decides
    decided = side * by_side.view(np.int8) + trend_side * (trend & ~outside).view(np.int8)
    return {"outside_limits": outside, "shift": shift, "trend": trend, "two_of_three": two_of_three}, decided


def _trend(step: np.ndarray, seg_start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """7+ points = 6+ consecutive steps of the same strict sign within a segment; the direction of
    each trend point (a point ending one trend and starting the opposite keeps the one it ends)."""
    in_run = (step != 0) & _in_long_run(step, seg_start, RUN - 1)     # the 2nd..last point of a trend
    next_in_run = _ahead(in_run, 1, False)
    starts_run = next_in_run & ~in_run                                  # its 1st point
    side = np.where(in_run, step, np.where(starts_run, _ahead(step, 1, 0), 0))
    return in_run | next_in_run, side


def _two_of_three(close: np.ndarray, side: np.ndarray, seg_start: np.ndarray) -> np.ndarray:
    """Close points in a window of 3 rows of one segment, all on one side, 2+ of them close."""
    c = close.view(np.int8)
    window_close = c + _ahead(c, 1, 0) + _ahead(c, 2, 0)
    window_side = side + _ahead(side, 1, 0) + _ahead(side, 2, 0)
    in_segment = ~(_ahead(seg_start, 1, True) | _ahead(seg_start, 2, True))
    trigger = in_segment & (window_close >= 2) & (np.abs(window_side) == 3)
    return close & (trigger | _back(trigger, 1, False) | _back(trigger, 2, False))


POINT_LABELS = np.array([None, "common_cause", "special_cause_neutral_high", "special_cause_neutral_low",
                         "special_cause_improvement", "special_cause_concern"], dtype=object)
VARIATION_OF_POINT = np.array([[6, 6], [0, 0], [5, 5], [6, 6], [2, 1], [4, 3]])  # [POINT_LABELS code, high]
ASSURANCE_LABELS = np.array(["none", "consistent_fail", "consistent_pass", "hit_and_miss"], dtype=object)
VARIATION_LABELS = np.array(["common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
                             "neutral_high", "neutral_low"], dtype=object)


def _point_codes(present, rules, decided, direction) -> np.ndarray:
    """Index into POINT_LABELS per row: 0 missing, 1 common cause, 2/3 neutral high/low,
    4 improvement (the side matches the direction), 5 concern."""
    special = rules["outside_limits"] | rules["trend"] | rules["two_of_three"] | rules["shift"]
    neutral = (direction == 0).view(np.int8)
    high, matches = (decided > 0).view(np.int8), (decided == direction).view(np.int8)
    special_code = neutral * (np.int8(2) - high) + (np.int8(1) - neutral) * (np.int8(4) - matches)
    return (np.int8(1) + special.view(np.int8) * special_code) * present.view(np.int8)


def _put_back(a: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Sorted rows back to the input's order."""
    out = np.empty_like(a)
    out[order] = a
    return out


def _points_frame(frame, value, computed, point_type, target) -> pd.DataFrame:
    """The points frame, built once, in the input's order and index. Input columns are shared
    copy-on-write: writing to the result never changes the caller's frame."""
    columns = {"metric": frame["metric"], "period": frame["period"], "value": value, **computed,
               "point_type": pd.Series(point_type, index=frame.index, dtype=object, copy=False)}
    if target is not None:
        columns["target"] = target
    return pd.DataFrame(columns, index=frame.index, copy=False)


def _summary(layout, uniques, present, point_code, side, direction, limits, target) -> pd.DataFrame:
    """Variation from each metric's last point; assurance from its last segment's limits and the target."""
    k = len(uniques)
    last_point = _last_true(present, layout.metric_first)
    last_row = np.append(layout.metric_first[1:], len(present)) - 1 if k else np.zeros(0, dtype=np.int64)
    last_target = _last_true(~np.isnan(target), layout.metric_first)

    variation = np.full(k, None, dtype=object)
    has = last_point >= 0
    at = last_point[has]
    kind, high = point_code[at], side[at] > 0
    variation[has] = VARIATION_LABELS.take(VARIATION_OF_POINT[kind, high.view(np.int8)])

    # target at the last point, else the metric's last target
    tgt = np.where(has, target[np.maximum(last_point, 0)], np.nan)
    fallback = np.where(last_target >= 0, target[np.maximum(last_target, 0)], np.nan)
    tgt = np.where(np.isnan(tgt), fallback, tgt)
    rows = np.maximum(last_row, 0)
    lo, hi, sign = limits["lpl"][rows], limits["upl"][rows], direction[rows]
    with np.errstate(invalid="ignore"):
        usable = (last_row >= 0) & ~np.isnan(tgt) & ~np.isnan(lo) & ~np.isnan(hi) & (sign != 0)
        above, below = tgt > hi, tgt < lo
    increase = sign > 0
    code = np.where(above, np.where(increase, 1, 2), np.where(below, np.where(increase, 2, 1), 3))
    assurance = ASSURANCE_LABELS.take(np.where(usable, code, 0))
    return pd.DataFrame({"metric": pd.Series(uniques),
                         "variation": pd.Series(variation, dtype=object),
                         "assurance": pd.Series(assurance, dtype=object)})
