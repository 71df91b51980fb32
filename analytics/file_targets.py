"""Targets a file gives, beside the catalogue's.

A process owner's file may carry a target per row or per month (目标, 9月目标, ≥95%). The dashboard
compares a month's value with the catalogue's target in force for that month, and uses a file's
target only where the catalogue has none. When both exist and differ, the preview says so: the
manager sees the file's 95 in the preview and would otherwise believe that is what counts.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from .baselines import versions_in_force

MAX_NOTES = 10


def other_target_notes(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[str]:
    """One note per catalogue metric whose targets in the file differ from the catalogue's in force
    for those months. `frame` is a plan's rows: metric_id, catalogue_name, period_date, target."""
    given = frame.loc[frame["target"].notna(), ["metric_id", "catalogue_name", "period", "period_date", "target"]]
    given = given[given["metric_id"].astype("Int64").fillna(-1).to_numpy() > 0]       # metrics to create have none
    if given.empty:
        return []
    versions = versions_in_force(con)
    versions = versions[versions["target"].notna() & versions["metric_id"].isin(given["metric_id"].unique())]
    if versions.empty:
        return []
    given = given.assign(metric_id=given["metric_id"].astype("int64"),
                         period_date=pd.to_datetime(given["period_date"]).astype("datetime64[s]")
                         ).sort_values("period_date")
    versions = versions.assign(metric_id=versions["metric_id"].astype("int64"),
                               from_period=pd.to_datetime(versions["from_period"]).astype("datetime64[s]")
                               ).sort_values("from_period")
    both = pd.merge_asof(given, versions[["metric_id", "from_period", "target"]], left_on="period_date",
                         right_on="from_period", by="metric_id", direction="backward", suffixes=("", "_catalogue"))
    differ = both[both["target_catalogue"].notna()
                  & ~np.isclose(both["target"], both["target_catalogue"], rtol=1e-9, atol=1e-9)]
    notes = []
    differ = differ.assign(catalogue_name=differ["catalogue_name"].astype(str)).sort_values(["catalogue_name", "period"])
    for (name, given_target, kept_target), rows in differ.groupby(["catalogue_name", "target", "target_catalogue"],
                                                                  sort=False):
        first, last = rows["period"].iloc[0], rows["period"].iloc[-1]
        months = first if len(rows) == 1 else f"{first} … {last}"
        notes.append(f"'{name}': the file's target ({given_target:g}) differs from the catalogue's ({kept_target:g}) "
                     f"for {months}; values are compared with the catalogue's: change it under Metrics & baselines "
                     "if the file is right")
    if len(notes) > MAX_NOTES:
        more = len(notes) - MAX_NOTES
        notes = [*notes[:MAX_NOTES], f"… and {more} more metrics whose file targets differ from the catalogue's"]
    return notes
