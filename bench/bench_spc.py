"""SPC, the trend test and `analyse` on 2,000 metrics × 120 months, as ratios to a groupby-mean.

The reference is a plain pandas groupby().mean() over the same frame: the cheapest thing any
per-metric statistic must do. Absolute times on shared machines are noisy; ratios are not.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.spc import spc
from analytics.store import Store
from analytics.trend import mann_kendall
from bench.harness import Figure, at_most_times, best_of, plain, timed, under

METRICS, MONTHS = 2000, 120


def synthetic(metrics: int, months: int, seed: int = 7) -> pd.DataFrame:
    """Random walks with rebases at month 60 for half the metrics and 1% missing values."""
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2016-01-01", periods=months, freq="MS")
    values = 50 + rng.normal(0, 2, (metrics, months)).cumsum(axis=1) * 0.2 + rng.normal(0, 1, (metrics, months))
    values[rng.random((metrics, months)) < 0.01] = np.nan
    frame = pd.DataFrame({
        "metric": np.repeat(np.arange(metrics), months),
        "period": np.tile(periods, metrics),
        "value": values.reshape(-1),
        "improvement_direction": np.repeat(rng.choice(["increase", "decrease", "neutral"], metrics), months),
        "target": np.repeat(rng.normal(50, 3, metrics), months),
    })
    frame["rebase"] = (frame["metric"] % 2 == 0) & (frame["period"] == periods[min(60, months - 1)])
    return frame


def _store_with(frame: pd.DataFrame, directory: Path) -> Store:
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    store = Store(directory / "bench.duckdb")
    metrics = frame.drop_duplicates("metric")
    catalogue = pd.DataFrame({"name": "metric " + metrics["metric"].astype(str),
                              "direction": metrics["improvement_direction"], "target": metrics["target"].round(2),
                              "baseline": 50.0, "from_period": "2016-01"})
    import_catalogue(store, catalogue, by="bench")
    records = pd.DataFrame({"metric": "metric " + frame["metric"].astype(str),
                            "period": frame["period"].dt.strftime("%Y-%m"), "value": frame["value"].round(3)})
    apply_ingest(store, plan_records(store, records, "bench.csv"), by="bench")
    return store


def figures(scale: float = 1.0) -> list[Figure]:
    """spc(), mann_kendall() and analyse() (cold, then from its cache) on the synthetic data."""
    from analytics.analysis import analyse, clear_cache

    metrics = max(10, int(METRICS * scale))
    frame = synthetic(metrics, MONTHS)
    points = len(frame)
    # both sides of the ratio are best of 5: a few ms each, so one noisy neighbour can swing 3 runs
    reference = best_of(lambda: frame.groupby("metric")["value"].mean(), repeat=5)
    ref_name = "pandas groupby().mean()"
    result = [
        plain(ref_name + " (reference)", reference, points),
        at_most_times("spc", best_of(lambda: spc(frame), repeat=5), points, ref_name, reference, 10),
        plain("mann_kendall + sen", best_of(lambda: mann_kendall(frame[["metric", "period", "value"]])), points),
    ]
    with tempfile.TemporaryDirectory() as directory:
        store = _store_with(frame, Path(directory))
        clear_cache()
        result.append(under("analyse (full store)", timed(lambda: analyse(store)), points, 1.0))
        result.append(under("analyse (cached)", best_of(lambda: analyse(store)), points, 0.1))
    return result
