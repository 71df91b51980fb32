"""The monthly analysis: for a period, every metric's gap, status, SPC verdicts, trend, priority.

This is the one function the scorecard, the reports and `analyse` share. It reads the store
once, computes on whole frames (no loop over metrics or points) and returns plain frames.

Results are cached in the process per (store file, data version, period, alpha): every write
to the store bumps its data version, so an ingest, a rollback, a new baseline, a catalogue
edit or a record change is seen by the next call, while the pages' reruns and the reports
reuse the frames. Each call gets its own shallow copy of the cached frames; pandas'
copy-on-write makes a change to that copy land in the copy only, never in the cache.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .gaps import change_since_baseline, gaps, months_missed_in_a_row
from .priority import rank_priorities
from .series import monthly_series, read_inputs
from .spc import spc
from .store import Store
from .trend import mann_kendall, periods_to_target, trend_verdict
from .units import places_for_status

ANALYSE_COLUMNS = ["metric", "period", "actual", "baseline", "target", "gap", "gap_pct", "status", "variation",
                   "assurance", "trend", "slope", "periods_to_target", "priority"]


@dataclass
class Analysis:
    period: pd.Timestamp | None   # the month analysed (None: the store has no data)
    table: pd.DataFrame           # one row per metric: ANALYSE_COLUMNS plus catalogue fields and reasons
    points: pd.DataFrame          # every metric's monthly points with SPC columns, up to the period
    periods: list[pd.Timestamp]   # months that have data, newest first
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def sparklines(self, months: int = 18) -> pd.Series:
        """Each metric's last `months` values (computed once per analysis: the scorecard reruns often)."""
        from .charts import sparkline_values

        key = ("sparklines", months)
        if key not in self._memo:
            self._memo[key] = sparkline_values(self.points, months) if not self.points.empty else pd.Series()
        return self._memo[key].map(list)              # the cells are lists: the caller gets its own

    @property
    def empty(self) -> bool:
        return self.period is None


def analyse(store: Store, period: str | pd.Timestamp | None = None, *, alpha: float = 0.05) -> Analysis:
    """The analysis of `period` (default: the newest month with data), cached (see the module
    docstring). The caller may change the returned frames freely: the cache keeps its own."""
    key = _cache_key(store, period, alpha)
    cached = _cache_get(key) if key is not None else None
    if cached is None:
        metrics, observations, versions, version = read_inputs(store)
        cached = analyse_frames(metrics, observations, versions, period, alpha=alpha)
        if key is not None:
            _cache_put(key[:2] + (version,) + key[3:], cached)
    return _private_copy(cached)


# --------------------------------------------------------------------------- the cache

CACHE_SIZE = 4                   # analyses kept: a full store's is ~50 MB; a page needs two (all, one period)
_cache: OrderedDict[tuple, Analysis] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(store: Store, period, alpha: float) -> tuple | None:
    """(file, file identity, data version, period, alpha); None when not cacheable.

    The file identity (device, inode, modification time) tells a restored or replaced file from
    the one cached, even if its data version happens to be the same number."""
    try:
        hash(period)
    except TypeError:
        return None
    version = store.data_version()
    stat = os.stat(store.path)
    return (str(store.path.resolve()), (stat.st_dev, stat.st_ino, stat.st_mtime_ns), version, period, float(alpha))


def _cache_get(key: tuple) -> Analysis | None:
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _cache_put(key: tuple, analysis: Analysis) -> None:
    """Keep `analysis`; drop the same file's entries for other data (stale: versions only grow)."""
    with _cache_lock:
        for old in [k for k in _cache if k[0] == key[0] and k[1:3] != key[1:3]]:
            del _cache[old]
        _cache[key] = analysis
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def clear_cache() -> None:
    """Forget every cached analysis (tests, benchmarks)."""
    with _cache_lock:
        _cache.clear()


def _private_copy(analysis: Analysis) -> Analysis:
    """A copy whose frames share memory with the cached ones until written to (copy-on-write),
    so it costs microseconds, not a copy of every column. The sparkline memo is shared, since
    sparklines() hands out copies."""
    return replace(analysis, table=analysis.table.copy(deep=False), points=analysis.points.copy(deep=False),
                   periods=list(analysis.periods), _memo=analysis._memo)


# --------------------------------------------------------------------------- the analysis

def analyse_frames(metrics: pd.DataFrame, observations: pd.DataFrame, versions: pd.DataFrame,
                   period: str | pd.Timestamp | None = None, *, alpha: float = 0.05) -> Analysis:
    """The analysis from plain frames (see series.load_inputs for their columns)."""
    periods = sorted(pd.to_datetime(observations["period"]).unique(), reverse=True)
    periods = [pd.Timestamp(p) for p in periods]
    if not periods or metrics.empty:
        return Analysis(None, _empty_table(), pd.DataFrame(), periods)
    month = pd.Timestamp(period).to_period("M").to_timestamp() if period is not None else periods[0]
    series = monthly_series(metrics, observations, versions, until=month)
    if series.empty:
        return Analysis(month, _empty_table(), pd.DataFrame(), periods)
    series = series.merge(metrics[["metric_id", "direction", "tolerance"]], on="metric_id", how="left")

    spc_input = pd.DataFrame({
        "metric": series["metric_id"], "period": series["period"], "value": series["value"],
        "target": series["target"], "improvement_direction": series["direction"], "rebase": series["rebase"],
    })
    result = spc(spc_input)
    points = pd.concat([series.reset_index(drop=True),
                        result.points.drop(columns=["metric", "period", "value", "target"], errors="ignore").reset_index(drop=True)], axis=1)
    points = pd.concat([points, gaps(points["value"], points["target"], points["direction"], points["tolerance"])],
                       axis=1)
    points["months_missed"] = months_missed_in_a_row(points)

    latest = points[points["period"] == month].set_index("metric_id")
    summary = result.summary.rename(columns={"metric": "metric_id"}).set_index("metric_id")
    current_cycle = points[points["segment"] == points.groupby("metric_id")["segment"].transform("max")]
    trend = mann_kendall(current_cycle.rename(columns={"metric_id": "metric"})[["metric", "period", "value"]],
                         alpha=alpha).set_index("metric")

    table = metrics.set_index("metric_id").join(latest[[
        "period", "value", "baseline", "target", "gap", "gap_pct", "status", "months_missed", "point_type",
        "mean", "lpl", "upl"]], how="inner")
    never = _never_loaded(metrics, observations, versions, month)
    if not never.empty:
        table = pd.concat([table, never])
    table = table.join(summary[["variation", "assurance"]], how="left")
    table = table.join(trend, how="left")
    table["trend"] = trend_verdict(table.rename(columns={"direction": "improvement_direction"}), table["direction"])
    table["change_since_baseline"] = change_since_baseline(table["value"], table["baseline"], table["direction"])
    table["periods_to_target"] = periods_to_target(table["value"], table["sen_slope"],
                                                   table["target"], table["direction"])
    table = add_business_impact(table)
    # a metric without a value this month has no verdicts this month: an earlier month's concern is not
    # this month's, and must not rank it among the gaps to discuss
    table.loc[table["status"] == "no_data", ["variation", "assurance", "trend", "sen_slope"]] = [None, None, None, np.nan]
    # the month alone in its cycle (a new baseline from this month, a new metric) has no limits to be
    # inside: 'common cause' would clear a fall far below the old limits
    alone = table["upl"].isna() & table["value"].notna() & table["variation"].eq("common_cause")
    table.loc[alone, "variation"] = "too_few_points"
    table["assurance_reason"] = _why_no_assurance(table)
    # the places each row is shown with, once per analysis: the scorecard, the metric page, the reports
    # and the priority reasons all write its numbers so
    table["decimals_shown"] = [places_for_status(g, tolerance, s, d, direction == "neutral") for g, tolerance, s, d,
                               direction in zip(table["gap"], table["tolerance"], table["status"], table["decimals"],
                                                table["direction"], strict=True)]
    sigma = (table["upl"] - table["mean"]) / 3.0
    table = rank_priorities(table, sigma)
    table = table.reset_index().rename(columns={"value": "actual", "sen_slope": "slope"})
    table["period"] = month.strftime("%Y-%m")
    table["metric"] = table["name"]
    points = points.merge(metrics[["metric_id", "name"]], on="metric_id", how="left")
    return Analysis(month, table, points, periods)


def _why_no_assurance(table: pd.DataFrame) -> pd.Series:
    """Why a metric with a value has no assurance verdict: no_target, neutral (no better side to
    pass on) or too_few_points (its cycle has no limits yet); None where it has one, or no value."""
    none = table["assurance"].eq("none").to_numpy()
    reason = np.select([table["target"].isna().to_numpy(), table["direction"].eq("neutral").to_numpy(),
                        table["upl"].isna().to_numpy()], ["no_target", "neutral", "too_few_points"], "")
    return pd.Series(np.where(none & (reason != ""), reason, None), index=table.index, dtype=object)


def _never_loaded(metrics: pd.DataFrame, observations: pd.DataFrame, versions: pd.DataFrame,
                  month: pd.Timestamp) -> pd.DataFrame:
    """Catalogue metrics without a single value yet, as rows of 'no data' with the baseline and
    target in force: a metric just added to the catalogue is in the review (its figures are
    missing, which is worth saying) instead of vanishing from every page until its first upload."""
    never = metrics[~metrics["metric_id"].isin(observations["metric_id"])].set_index("metric_id")
    if never.empty:
        return never
    rows = never.assign(period=month, status="no_data", months_missed=0)
    if not versions.empty:
        in_force = versions[pd.to_datetime(versions["from_period"]) <= month].sort_values("from_period")
        latest = in_force.groupby("metric_id")[["baseline", "target"]].last()
        rows = rows.join(latest, how="left")
    return rows


def add_business_impact(table: pd.DataFrame) -> pd.DataFrame:
    """What a gap costs, where the catalogue names a volume metric and a unit cost.

    impact = gap (worse than target only) × the volume metric's value for the same month, in
    the metric's unit (e.g. 1.2 h × 5,200 tickets = 6,240 extra hours); impact_cost = impact ×
    unit_cost (e.g. × ¥60 per hour). It informs the discussion; the priority ranking does not use it.
    """
    from .names import name_key

    out = table.copy()
    named = out["volume_metric"].map(lambda v: isinstance(v, str)).astype(bool)
    keys = _metric_ids_by_name(out) if named.any() else {}
    volume_id = out["volume_metric"].map(lambda v: keys.get(name_key(v)) if isinstance(v, str) else None)
    out["volume"] = volume_id.map(lambda i: out.at[i, "value"] if i is not None and i in out.index else None)
    out["volume"] = pd.to_numeric(out["volume"], errors="coerce")
    out["volume_unit_name"] = volume_id.map(lambda i: out.at[i, "name"] if i is not None and i in out.index else None)
    for lang in ("zh", "en"):                         # the volume metric as a reason in that language names it
        out[f"volume_unit_name_{lang}"] = volume_id.map(
            lambda i, c=f"name_{lang}": out.at[i, c] if i is not None and i in out.index and c in out else None)
    out["impact"] = out["gap"].clip(lower=0) * out["volume"]
    out["impact_cost"] = out["impact"] * pd.to_numeric(out["unit_cost"], errors="coerce")
    return out


def _metric_ids_by_name(table: pd.DataFrame) -> dict:
    """name_key -> metric id over name, name_en and name_zh; on a clash the first row wins, then
    the first of those columns (read row by row, without iterrows: it was most of analyse's time)."""
    from .names import name_key

    columns = [c for c in ("name", "name_en", "name_zh") if c in table]
    cells = table[columns].to_numpy(dtype=object).ravel()            # row by row, columns in order
    owners = np.repeat(table.index.to_numpy(dtype=object), len(columns))
    text = np.array([isinstance(v, str) for v in cells], dtype=bool)
    keys = [name_key(v) for v in cells[text]]
    return dict(zip(reversed(keys), reversed(owners[text].tolist())))   # later pairs overwrite: the first wins


def analyse_output(analysis: Analysis) -> pd.DataFrame:
    """The `analyse` command's columns, exactly, with empty cells where a value does not apply."""
    if analysis.empty or analysis.table.empty:
        return pd.DataFrame(columns=ANALYSE_COLUMNS)
    out = analysis.table[ANALYSE_COLUMNS].copy()
    out["priority"] = out["priority"].astype("Int64")
    return out.sort_values(["priority", "metric"], na_position="last", kind="stable").reset_index(drop=True)


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(columns=ANALYSE_COLUMNS + ["metric_id"])


def latest_complete_period(periods: list[pd.Timestamp], today: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """The newest month with data that has ended (the scorecard's default)."""
    today = pd.Timestamp.today() if today is None else today
    this_month = today.to_period("M").to_timestamp()
    complete = [p for p in periods if p < this_month]
    return complete[0] if complete else (periods[0] if periods else None)

