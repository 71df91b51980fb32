"""The monthly analysis: for a period, every metric's gap, status, SPC verdicts, trend, priority.

This is the one function the scorecard, the reports and `analyse` share. It reads the store
once, computes on whole frames (no loop over metrics or points) and returns plain frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .gaps import change_since_baseline, gaps, months_missed_in_a_row
from .priority import rank_priorities
from .series import load_inputs, monthly_series
from .spc import spc
from .store import Store
from .trend import mann_kendall, periods_to_target, trend_verdict

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
        return self._memo[key]

    @property
    def empty(self) -> bool:
        return self.period is None


def analyse(store: Store, period: str | pd.Timestamp | None = None, *, alpha: float = 0.05) -> Analysis:
    metrics, observations, versions = load_inputs(store)
    return analyse_frames(metrics, observations, versions, period, alpha=alpha)


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
    table = table.join(summary[["variation", "assurance"]], how="left")
    table = table.join(trend, how="left")
    table["trend"] = trend_verdict(table.rename(columns={"direction": "improvement_direction"}), table["direction"])
    table["change_since_baseline"] = change_since_baseline(table["value"], table["baseline"], table["direction"])
    table["periods_to_target"] = periods_to_target(table["value"], table["sen_slope"],
                                                   table["target"], table["direction"])
    table = add_business_impact(table)
    sigma = (table["upl"] - table["mean"]) / 3.0
    table = rank_priorities(table, sigma)
    table = table.reset_index().rename(columns={"value": "actual", "sen_slope": "slope"})
    table["period"] = month.strftime("%Y-%m")
    table["metric"] = table["name"]
    table.loc[table["status"] == "no_data", ["variation", "assurance", "trend"]] = [None, None, None]
    points = points.merge(metrics[["metric_id", "name"]], on="metric_id", how="left")
    return Analysis(month, table, points, periods)


def add_business_impact(table: pd.DataFrame) -> pd.DataFrame:
    """What a gap costs, where the catalogue names a volume metric and a unit cost.

    impact = gap (worse than target only) × the volume metric's value for the same month, in
    the metric's unit (e.g. 1.2 h × 5,200 tickets = 6,240 extra hours); impact_cost = impact ×
    unit_cost (e.g. × ¥60 per hour). It informs the discussion; the priority ranking does not use it.
    """
    from .names import name_key

    out = table.copy()
    keys = {}
    for metric_id, row in out.iterrows():
        for column in ("name", "name_en", "name_zh"):
            if isinstance(row.get(column), str):
                keys.setdefault(name_key(row[column]), metric_id)
    volume_id = out["volume_metric"].map(lambda v: keys.get(name_key(v)) if isinstance(v, str) else None)
    out["volume"] = volume_id.map(lambda i: out.at[i, "value"] if i is not None and i in out.index else None)
    out["volume"] = pd.to_numeric(out["volume"], errors="coerce")
    out["volume_unit_name"] = volume_id.map(lambda i: out.at[i, "name"] if i is not None and i in out.index else None)
    out["impact"] = out["gap"].clip(lower=0) * out["volume"]
    out["impact_cost"] = out["impact"] * pd.to_numeric(out["unit_cost"], errors="coerce")
    return out


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

