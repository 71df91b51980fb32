"""Is the metric drifting? Mann–Kendall trend test with Sen's slope, for every metric at once.

Mann–Kendall (with the ties correction of the variance) answers "is there a monotonic trend",
without assuming normal data; Sen's slope (the median of all pairwise slopes) says how fast,
in the metric's unit per month, and is robust to the odd outlier. The time axis is months since
the metric's first value, so a month that was not reported leaves a gap rather than being
squeezed out.

Vectorised across metrics: the series are padded with NaN into a metrics × positions matrix and
processed a chunk of metrics of similar length at a time (the chunk is sized so the pairwise
arrays stay within a fixed memory budget), with broadcasting over the pairs i < j. There is no
loop over metrics or points; medians are read from one sort of each chunk. Formulas (as
pymannkendall.original_test / sens_slope, which the tests compare with):

    S      = Σ_{i<j} sign(x_j − x_i)
    var_S  = [n(n−1)(2n+5) − Σ_ties t(t−1)(2t+5)] / 18
    z      = (S − 1)/√var_S if S > 0, (S + 1)/√var_S if S < 0, else 0;  p = 2·(1 − Φ(|z|))
    tau    = S / (n(n−1)/2)
    slope  = median_{i<j} (x_j − x_i)/(t_j − t_i);  intercept = median(x) − slope·median(t)

With fewer than 3 points there is no test: S = 0, z = 0, p = 1, not significant; two points
still have their one pairwise slope.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy.stats import norm

MK_COLUMNS = ["metric", "n", "S", "var_S", "z", "p", "tau", "sen_slope", "intercept", "fitted_last", "significant"]
_WORKERS = min(4, os.cpu_count() or 1)    # chunks computed side by side
PAIR_BUDGET = 500_000            # pairwise cells (metrics × pairs) per chunk: 4 MB per float array,
                                 # ~70 metrics of 120 months (cache-friendly: faster than bigger chunks)
MIN_POINTS = 3


def _months(period: pd.Series) -> pd.Series:
    """Month number (year × 12 + month) of datetime64, Period or 'YYYY-MM[-DD]' periods."""
    stamps = period
    if isinstance(period.dtype, pd.PeriodDtype):
        stamps = period.dt.to_timestamp()
    elif not pd.api.types.is_datetime64_any_dtype(period):
        stamps = pd.to_datetime(period, format="ISO8601", errors="coerce")
    if stamps.isna().any():
        raise ValueError(f"period {period[stamps.isna()].iloc[0]!r} is not a month (use a date or 'YYYY-MM')")
    return stamps.dt.year.astype(np.int64) * 12 + stamps.dt.month.astype(np.int64)


def _matrix(frame: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """(metrics, values, months since the first value) as metric × position matrices padded with NaN."""
    codes, metrics = pd.factorize(frame["metric"], sort=True, use_na_sentinel=False)
    value = pd.to_numeric(frame["value"], errors="coerce").astype("float64").to_numpy(dtype="float64",
                                                                                      na_value=np.nan)
    keep = np.isfinite(value)
    month = _months(frame["period"][keep]).to_numpy() if keep.any() else np.zeros(0, dtype=np.int64)
    code, value = np.asarray(codes)[keep], value[keep]
    order = np.lexsort((month, code))
    code, value, month = code[order], value[order], month[order]
    start = np.ones(len(code), dtype=bool)
    start[1:] = code[1:] != code[:-1]
    position = np.arange(len(code)) - np.maximum.accumulate(np.where(start, np.arange(len(code)), 0))
    width = int(position.max()) + 1 if len(position) else 0
    values = np.full((len(metrics), width), np.nan)
    months = np.full((len(metrics), width), np.nan)
    values[code, position] = value
    first_month = np.zeros(len(metrics))
    first_month[code[start]] = month[start]
    months[code, position] = month - first_month[code]
    return metrics, values, months


def mann_kendall(frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """One row per metric: n, S, var_S, z, p, tau, sen_slope (per month), intercept, fitted_last, significant.

    A metric whose values are all missing has n = 0 and NaN statistics (p = 1, not significant).
    """
    metrics, values, months = _matrix(frame)
    if len(metrics) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in MK_COLUMNS}).astype(
            {"metric": object, "n": np.int64, "S": np.int64, "significant": bool})
    lengths = np.count_nonzero(~np.isnan(values), axis=1)
    by_length = np.argsort(lengths, kind="stable")
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:     # numpy lets go of the GIL in each chunk's work
        parts = list(pool.map(lambda chunk: _chunk_stats(values[chunk[0], :chunk[1]], months[chunk[0], :chunk[1]]),
                              _chunks(lengths[by_length], by_length)))
    stats = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    back = np.empty(len(metrics), dtype=np.int64)
    back[by_length] = np.arange(len(metrics))
    result = pd.DataFrame({k: v[back] for k, v in stats.items()})
    result.insert(0, "metric", pd.Series(metrics))
    result["significant"] = (result["p"] < alpha) & (result["n"] >= MIN_POINTS)
    return result[MK_COLUMNS]


def _chunks(sorted_lengths: np.ndarray, rows: np.ndarray):
    """(rows, width) chunks of metrics of similar length, shortest first, each within PAIR_BUDGET
    pairwise cells: a chunk is only as wide as its longest series (the values are packed to the
    left), so short series (a new cycle) do not pay for the pairs of long ones."""
    start, total = 0, len(rows)
    while start < total:
        width = int(sorted_lengths[start])
        count = max(1, PAIR_BUDGET // max(1, width * (width - 1) // 2))
        width = int(sorted_lengths[min(start + count, total) - 1])     # the chunk's longest series
        count = max(1, PAIR_BUDGET // max(1, width * (width - 1) // 2))
        end = min(start + count, total)
        yield rows[start:end], int(sorted_lengths[end - 1])
        start = end


def _row_median(a: np.ndarray) -> np.ndarray:
    """np.nanmedian of each row (NaN for a row with no value), by one partition of the whole chunk:
    np.nanmedian sorts row by row in Python when rows are long (the pairwise slopes), and a full
    sort of the chunk took half of `analyse`.

    Each row's missing cells become as many -inf as +inf (one more +inf when their number is
    odd), so every row's middle lies within three columns of the chunk's middle and one
    np.partition at those columns finds all of them. Same arithmetic as np.median: the middle
    value, or (lower + upper) / 2 of the middle two."""
    k, width = a.shape
    if width == 0:
        return np.full(k, np.nan)
    missing = np.isnan(a)
    count = width - np.count_nonzero(missing, axis=1)
    below = (width - count) // 2                                   # -inf cells put below the values
    filled = a
    gappy = np.flatnonzero(count < width)                          # only rows with a missing cell need it
    if len(gappy):
        holes = missing[gappy]
        low = np.cumsum(holes, axis=1, dtype=np.int32) <= below[gappy, None]
        filled = a.copy()
        filled[gappy] = np.where(holes, np.where(low, -np.inf, np.inf), a[gappy])
    lower_at = np.maximum(count - 1, 0) // 2 + below
    upper_at = count // 2 - (count == 0) + below
    middle_columns = np.unique(np.concatenate([lower_at, upper_at]))
    ordered = np.partition(filled, middle_columns, axis=1)
    rows = np.arange(k)
    lower, upper = ordered[rows, lower_at], ordered[rows, upper_at]
    with np.errstate(invalid="ignore", over="ignore"):
        middle = np.where(count % 2 == 1, lower, (lower + upper) / 2)
    return np.where(count > 0, middle, np.nan)


def _chunk_stats(x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
    k, width = x.shape
    n = np.sum(~np.isnan(x), axis=1)
    i, j = np.triu_indices(width, k=1)                             # every pair i < j of positions
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = x[:, j] - x[:, i]                                     # NaN where either value is padding
        dt = t[:, j] - t[:, i]
        s = np.count_nonzero(dx > 0, axis=1) - np.count_nonzero(dx < 0, axis=1)   # NaN counts neither
        sen = _row_median(np.where(dt != 0, dx / dt, np.nan))
        var_s = (n * (n - 1) * (2 * n + 5) - _tie_term(x)) / 18.0
        few = n < MIN_POINTS
        s = np.where(few, 0, s)
        root = np.sqrt(np.where(var_s > 0, var_s, np.nan))
        z = np.where(s > 0, (s - 1) / root, np.where(s < 0, (s + 1) / root, 0.0))
        z = np.where(np.isnan(z) | few, 0.0, z)
        p = np.where(few, 1.0, 2 * norm.sf(np.abs(z)))
        pairs = n * (n - 1) / 2
        tau = np.where(pairs > 0, s / np.where(pairs > 0, pairs, 1), np.nan)
        intercept = _row_median(x) - sen * _row_median(t)
        last_t = np.max(np.where(np.isnan(t), -np.inf, t), axis=1) if width else np.full(k, np.nan)
        fitted_last = intercept + sen * last_t
    return {"n": n.astype(np.int64), "S": s.astype(np.int64), "var_S": var_s, "z": z, "p": p, "tau": tau,
            "sen_slope": sen, "intercept": intercept, "fitted_last": fitted_last}


def _tie_term(x: np.ndarray) -> np.ndarray:
    """Σ t(t−1)(2t+5) over the groups of tied values of each row."""
    if x.size == 0:
        return np.zeros(len(x))
    ordered = np.sort(x, axis=1)                                   # ties become neighbours, NaN last
    valid = ~np.isnan(ordered)
    new_group = np.ones_like(valid)
    new_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum((new_group & valid).reshape(-1)) - 1         # one id per (row, value) group
    flat_valid = valid.reshape(-1)
    if not flat_valid.any():
        return np.zeros(len(x))
    sizes = np.bincount(group[flat_valid]).astype(np.float64)
    rows = np.repeat(np.arange(len(x)), x.shape[1])[flat_valid]
    group_row = np.zeros(len(sizes), dtype=np.int64)
    group_row[group[flat_valid]] = rows
    return np.bincount(group_row, weights=sizes * (sizes - 1) * (2 * sizes + 5), minlength=len(x))


def _direction_sign(direction: pd.Series) -> np.ndarray:
    words = direction.astype("string").str.strip().str.lower()
    return words.map({"increase": 1.0, "decrease": -1.0}).astype("float64").to_numpy(dtype="float64",
                                                                                     na_value=np.nan)


def trend_verdict(table: pd.DataFrame, direction: pd.Series) -> pd.Series:
    """improving / worsening / no_trend by the metric's direction; None for neutral (or unknown) ones."""
    slope = pd.to_numeric(table["sen_slope"], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    significant = table["significant"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    sign = _direction_sign(direction)
    with np.errstate(invalid="ignore"):
        moving = significant & np.isfinite(slope) & (slope != 0)
        verdict = np.where(~moving, "no_trend", np.where(np.sign(slope) == sign, "improving", "worsening"))
    verdict = verdict.astype(object)
    verdict[np.isnan(sign)] = None
    return pd.Series(verdict, index=table.index, dtype=object)


def periods_to_target(last: pd.Series, slope: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    """Months until the fitted line reaches the target from `last`.

    0 if the target is met already (increase: last ≥ target; decrease: last ≤ target);
    ceil(gap / |slope|) when the slope moves towards it; 'never' when the slope is 0 or moves away;
    None when the target, last or slope is missing or the direction is neutral.
    """
    def floats(s: pd.Series) -> np.ndarray:
        return pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(dtype="float64", na_value=np.nan)

    value, rate, goal = floats(last), floats(slope), floats(target)
    sign = _direction_sign(direction)
    unknown = np.isnan(value) | np.isnan(rate) | np.isnan(goal) | np.isnan(sign)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = (goal - value) * sign                                # > 0: still short of the target
        towards = rate * sign > 0
        months = np.ceil(gap / np.abs(rate) * (1 - 1e-12))         # 10 / 2 = 5 exactly, not 6 from rounding
    out = np.full(len(value), None, dtype=object)
    met = ~unknown & (gap <= 0)
    reach = ~unknown & ~met & towards
    out[met] = 0
    out[reach] = months[reach].astype(np.int64).astype(object)      # plain Python ints
    out[~unknown & ~met & ~towards] = "never"
    return pd.Series(out, index=last.index, dtype=object)
