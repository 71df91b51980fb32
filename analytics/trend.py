"""Is the metric drifting? Mann–Kendall trend test with Sen's slope, for every metric at once.

Mann–Kendall (with the ties correction of the variance) answers "is there a monotonic trend",
without assuming normal data; Sen's slope (the median of all pairwise slopes) says how fast,
in the metric's unit per month, and is robust to the odd outlier. The time axis is months since
the metric's first value, so a month that was not reported leaves a gap rather than being
squeezed out. Vectorised across metrics: series are padded into a matrix and processed in
chunks, so there is no loop over metrics or points.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy.stats import norm

MK_COLUMNS = ["metric", "n", "S", "var_S", "z", "p", "tau", "sen_slope", "intercept", "fitted_last", "significant"]
CHUNK = 128


def _matrix(frame: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """(metrics, values, months) as metric × position matrices padded with NaN."""
    data = frame[["metric", "period", "value"]].copy()
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    data = data[data["value"].notna()]
    period = data["period"]
    if not pd.api.types.is_datetime64_any_dtype(period):
        period = pd.to_datetime(period.astype(str).str.slice(0, 7) + "-01", format="%Y-%m-%d")
    data["month"] = period.dt.year * 12 + period.dt.month
    codes, metrics = pd.factorize(data["metric"], sort=True)
    data["code"] = codes
    data = data.sort_values(["code", "month"], kind="stable")
    position = data.groupby("code").cumcount().to_numpy()
    width = int(position.max()) + 1 if len(position) else 0
    values = np.full((len(metrics), width), np.nan)
    months = np.full((len(metrics), width), np.nan)
    values[data["code"].to_numpy(), position] = data["value"].to_numpy()
    months[data["code"].to_numpy(), position] = data["month"].to_numpy(dtype="float64")
    months -= np.nanmin(months, axis=1, keepdims=True) if width else 0
    return metrics, values, months


def mann_kendall(frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """One row per metric: n, S, var_S, z, p, tau, sen_slope (per month), intercept, fitted_last, significant."""
    metrics, values, months = _matrix(frame)
    if len(metrics) == 0:
        return pd.DataFrame(columns=MK_COLUMNS)
    parts = [_chunk(values[i:i + CHUNK], months[i:i + CHUNK]) for i in range(0, len(metrics), CHUNK)]
    result = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    result.insert(0, "metric", np.asarray(metrics, dtype=object))
    result["significant"] = result["p"] < alpha
    return result[MK_COLUMNS]


def _chunk(x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN rows: a metric with < 2 points
        return _chunk_stats(x, t)


def _chunk_stats(x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
    n = np.sum(~np.isnan(x), axis=1)
    upper = np.triu(np.ones((x.shape[1], x.shape[1]), dtype=bool), k=1)       # pairs i < j
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = x[:, None, :] - x[:, :, None]                                    # dx[k, i, j] = x_j - x_i
        dt = t[:, None, :] - t[:, :, None]
        pair = upper[None, :, :] & ~np.isnan(dx)
        s = np.where(pair, np.sign(dx), 0).sum(axis=(1, 2))
        slopes = np.where(pair & (dt != 0), dx / dt, np.nan)
        sen = np.nanmedian(slopes.reshape(len(x), -1), axis=1) if slopes.size else np.full(len(x), np.nan)
    var_s = (n * (n - 1) * (2 * n + 5) - _tie_term(x)) / 18.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var_s), np.where(s < 0, (s + 1) / np.sqrt(var_s), 0.0))
        z = np.where(var_s > 0, z, 0.0)
        p = 2 * norm.sf(np.abs(z))
        tau = np.where(n > 1, s / (n * (n - 1) / 2), np.nan)
        intercept = np.nanmedian(x, axis=1) - sen * np.nanmedian(t, axis=1) if x.shape[1] else np.full(len(x), np.nan)
        fitted_last = intercept + sen * np.nanmax(t, axis=1) if x.shape[1] else np.full(len(x), np.nan)
    p = np.where(n >= 3, p, 1.0)
    return {"n": n, "S": s.astype(np.int64), "var_S": var_s, "z": z, "p": p, "tau": tau, "sen_slope": sen,
            "intercept": intercept, "fitted_last": fitted_last}


def _tie_term(x: np.ndarray) -> np.ndarray:
    """Σ t(t−1)(2t+5) over groups of tied values, per row."""
    rows = np.repeat(np.arange(len(x)), x.shape[1])
    flat = x.reshape(-1)
    keep = ~np.isnan(flat)
    if not keep.any():
        return np.zeros(len(x))
    sizes = pd.DataFrame({"row": rows[keep], "value": flat[keep]}).groupby(["row", "value"]).size()
    t = sizes.to_numpy(dtype="float64")
    term = pd.Series(t * (t - 1) * (2 * t + 5), index=sizes.index.get_level_values("row")).groupby(level=0).sum()
    out = np.zeros(len(x))
    out[term.index.to_numpy()] = term.to_numpy()
    return out


def trend_verdict(table: pd.DataFrame, direction: pd.Series) -> pd.Series:
    """improving / worsening / no_trend by the metric's direction; None for neutral metrics."""
    slope = table["sen_slope"].astype("float64")
    significant = table["significant"].fillna(False).astype(bool) & slope.notna() & (slope != 0)
    sign = direction.map({"increase": 1, "decrease": -1}).astype("float64")
    good = np.sign(slope) == sign
    verdict = np.where(~significant, "no_trend", np.where(good, "improving", "worsening")).astype(object)
    verdict[direction.ne("increase") & direction.ne("decrease")] = None
    return pd.Series(verdict, index=table.index, dtype=object)


def periods_to_target(last: pd.Series, slope: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    """Months until the fitted line reaches the target: 0 if met already, 'never' if moving away."""
    out = []
    for value, rate, goal, way in zip(last, slope, target, direction):
        sign = {"increase": 1, "decrease": -1}.get(way)
        if sign is None or any(v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v)
                               for v in (value, rate, goal)):
            out.append(None)
            continue
        gap = (goal - value) * sign        # > 0: still short of the target
        if gap <= 0:
            out.append(0)
        elif rate * sign > 0:
            out.append(int(math.ceil(gap / abs(rate) - 1e-9)))
        else:
            out.append("never")
    return pd.Series(out, index=last.index, dtype=object)
