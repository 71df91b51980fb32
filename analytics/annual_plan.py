"""The annual service improvement plan (年度服务改进计划) and what improvement achieved that year.

For a year: every record that was alive in it (raised in the year, or still open at its start,
or closed in it), bucketed as planned / in progress / closed / stopped, with the measured effect
(mean after go-live minus before) and the verification verdict; and the procedure's own measure
of the results service improvement achieved (服务改进所取得的业绩): records raised, closed,
closed on time, and the share of closed records verified effective.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd

from .record_views import record_verification
from .records import get_record, list_records
from .store import Store

BUCKETS = {"raised": "planned", "approved": "planned", "implementing": "in_progress", "monitoring": "in_progress",
           "verified": "in_progress", "closed": "closed", "rejected": "stopped", "cancelled": "stopped"}
PLAN_COLUMNS = ["id", "title", "state", "bucket", "process", "category", "metric", "owner", "due_date", "go_live",
                "raised_at", "closed_at", "on_time", "verdict", "before_mean", "after_mean", "effect",
                "name", "name_en", "name_zh"]     # the metric's catalogue names, for showing it in either language


@dataclass
class AnnualPlan:
    year: int
    records: pd.DataFrame     # PLAN_COLUMNS
    summary: dict[str, float | int | None]
    by_group: pd.DataFrame    # process, category and a count per bucket


def annual_plan(store: Store, year: int) -> AnnualPlan:
    start, end = pd.Timestamp(datetime.date(year, 1, 1)), pd.Timestamp(datetime.date(year + 1, 1, 1))
    records = list_records(store)
    raised_at = pd.to_datetime(records["raised_at"])
    ended = records["state"].isin(["closed", "rejected", "cancelled"])
    ended_at = pd.to_datetime(records["updated_at"]).where(ended)
    alive = (raised_at < end) & (ended_at.isna() | (ended_at >= start))
    rows = records[alive].copy()
    rows["bucket"] = rows["state"].map(BUCKETS)
    due = pd.to_datetime(rows["due_date"])
    done = pd.to_datetime(rows["closed_at"])
    rows["on_time"] = [None if pd.isna(d) or pd.isna(c) else bool(c.normalize() <= d) for d, c in zip(due, done)]
    effects = [_effect(store, int(i)) for i in rows["id"]]
    rows["verdict"] = [e[0] for e in effects]
    rows["before_mean"] = [e[1] for e in effects]
    rows["after_mean"] = [e[2] for e in effects]
    rows["effect"] = rows["after_mean"] - rows["before_mean"]
    rows = rows[PLAN_COLUMNS].sort_values(["bucket", "id"]).reset_index(drop=True)

    in_year_closed = rows[(rows["state"] == "closed") & (pd.to_datetime(rows["closed_at"]) >= start)
                          & (pd.to_datetime(rows["closed_at"]) < end)]
    judged = in_year_closed[in_year_closed["verdict"].isin(["effective", "not_yet", "worse"])]
    with_due = in_year_closed["on_time"].dropna()
    summary = {
        "raised": int(((raised_at >= start) & (raised_at < end)).sum()),
        "closed": len(in_year_closed),
        "closed_on_time": int(with_due.sum()) if len(with_due) else 0,
        "closed_with_due_date": len(with_due),
        "effective": int((judged["verdict"] == "effective").sum()),
        "share_effective": float((judged["verdict"] == "effective").mean()) if len(judged) else None,
        "open_at_year_end": int(rows["bucket"].isin(["planned", "in_progress"]).sum()),
    }
    by_group = (rows.assign(process=rows["process"].fillna("–"), category=rows["category"].fillna("–"))
                .pivot_table(index=["process", "category"], columns="bucket", values="id", aggfunc="count",
                             fill_value=0)
                .reindex(columns=["planned", "in_progress", "closed", "stopped"], fill_value=0)
                .reset_index()) if len(rows) else pd.DataFrame(
        columns=["process", "category", "planned", "in_progress", "closed", "stopped"])
    by_group.columns.name = None
    return AnnualPlan(year, rows, summary, by_group)


def _effect(store: Store, record_id: int) -> tuple[str | None, float | None, float | None]:
    verification = record_verification(store, get_record(store, record_id))
    if verification is None:
        return None, None, None
    return verification.verdict, verification.pre_mean, verification.post_mean


def plan_years(store: Store) -> list[int]:
    """Years that have records, newest first, always including this year."""
    records = list_records(store)
    years = set(pd.to_datetime(records["raised_at"]).dt.year.tolist()) | {datetime.date.today().year}
    return sorted(years, reverse=True)
