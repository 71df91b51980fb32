"""Monthly series as the statistics need them: every month present, baseline/target in force.

A month a process owner did not report is a row with a missing value (it breaks SPC runs),
not a row that is absent. Each row carries the baseline and target version in force, and a
rebase flag where a new version (a new improvement cycle) starts, so SPC limits are
recalculated there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .store import Store


def load_inputs(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(metrics, observations, versions) as plain frames, read in one connection."""
    return read_inputs(store)[:3]


def read_inputs(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """(metrics, observations, versions, data version), read in one transaction: the frames are
    one consistent snapshot, and the version is the one they belong to (a cache key)."""
    from .baselines import versions_in_force
    from .store import data_version_in

    with store.read() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            metrics = con.execute(
                "SELECT id AS metric_id, name, name_en, name_zh, unit, category, direction, service, process, owner,"
                " weight, tolerance, decimals, definition, volume_metric, unit_cost FROM metric ORDER BY id").df()
            observations = con.execute(
                "SELECT metric_id, period, value, target AS file_target FROM current_observation").df()
            versions = versions_in_force(con)
            version = data_version_in(con)
        finally:
            con.execute("ROLLBACK")                 # read only: nothing to keep
    return metrics, observations, versions, version


def monthly_series(metrics: pd.DataFrame, observations: pd.DataFrame, versions: pd.DataFrame,
                   until: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per metric and month from its first value to `until` (default: its last value).

    Columns: metric_id, period (Timestamp, month start), value, baseline, target, version_id,
    cycle, rebase (True on the first month of every version after the first one in the data).
    """
    obs = observations.copy()
    obs["period"] = pd.to_datetime(obs["period"]).dt.to_period("M")
    if until is not None:
        obs = obs[obs["period"] <= pd.Period(until, "M")]
    if obs.empty:
        return _empty_series()
    bounds = obs.groupby("metric_id")["period"].agg(["min", "max"])
    if until is not None:
        bounds["max"] = pd.Period(until, "M")
    lengths = (bounds["max"] - bounds["min"]).map(lambda offset: offset.n).to_numpy() + 1
    metric_ids = np.repeat(bounds.index.to_numpy(), lengths)
    starts = np.repeat(bounds["min"].map(lambda p: p.ordinal).to_numpy(), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid = pd.DataFrame({"metric_id": metric_ids,
                         "period": pd.PeriodIndex.from_ordinals(starts + offsets, freq="M")})
    frame = grid.merge(obs, how="left", on=["metric_id", "period"])
    frame["period"] = frame["period"].dt.to_timestamp()
    frame = _attach_versions(frame, versions)
    frame = frame.merge(metrics[["metric_id"]], on="metric_id", how="inner")
    return frame.sort_values(["metric_id", "period"], ignore_index=True)


def _attach_versions(frame: pd.DataFrame, versions: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values("period")
    if versions.empty:
        frame = frame.assign(baseline=np.nan, target=np.nan, version_id=pd.NA, cycle=pd.NA)
    else:
        v = versions[["metric_id", "from_period", "baseline", "target", "version_id", "cycle"]].copy()
        v["from_period"] = pd.to_datetime(v["from_period"])
        v = v.sort_values("from_period")
        frame = pd.merge_asof(frame, v, left_on="period", right_on="from_period", by="metric_id",
                              direction="backward").drop(columns="from_period")
    frame = frame.sort_values(["metric_id", "period"], ignore_index=True)
    # A target sent in the file applies where no catalogue target is in force.
    if "file_target" in frame:
        frame["target"] = frame["target"].fillna(frame["file_target"])
        frame = frame.drop(columns="file_target")
    previous = frame.groupby("metric_id")["version_id"].shift()
    first_row = frame["metric_id"] != frame["metric_id"].shift()
    changed = frame["version_id"].astype("Float64").fillna(-1) != previous.astype("Float64").fillna(-1)
    # the months before a metric's first version are its history, not another cycle: history loaded
    # from 2024 with the first baseline and target set from 2026-01 is one process, not two
    frame["rebase"] = (changed & previous.notna() & ~first_row).astype(bool)
    return frame


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame({
        "metric_id": pd.Series(dtype="int64"), "period": pd.Series(dtype="datetime64[ns]"),
        "value": pd.Series(dtype="float64"), "baseline": pd.Series(dtype="float64"),
        "target": pd.Series(dtype="float64"), "version_id": pd.Series(dtype="Int64"),
        "cycle": pd.Series(dtype="Int64"), "rebase": pd.Series(dtype="bool")})
