"""Versioned baselines and targets (基准 / 目标): never overwritten, each version a cycle.

The version in force for a period is the one with the latest from_period on or before it (the
later-set one wins when two start in the same month). Each new version starts a new
improvement cycle, and SPC limits are recalculated from its from_period (a rebase).
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from .errors import InputRefused, Problem
from .periods import parse_period, period_to_date
from .store import Store


def _same(a: float | None, b: float | None) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and not (isinstance(b, float) and math.isnan(b)) and abs(a - b) <= 1e-12 * max(1, abs(a))


def add_version(con: duckdb.DuckDBPyConnection, metric_id: int, from_period: str,
                baseline: float | None, target: float | None, by: str, reason: str | None,
                method: str, record_id: int | None = None) -> int:
    """Append a version inside the caller's transaction; returns its id."""
    cycle = con.execute("SELECT coalesce(max(cycle), 0) + 1 FROM baseline WHERE metric_id = ?",
                        [metric_id]).fetchone()[0]
    return con.execute(
        "INSERT INTO baseline (metric_id, cycle, from_period, baseline, target, set_by, reason, method,"
        " record_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [metric_id, cycle, period_to_date(from_period), baseline, target, by, reason, method, record_id],
    ).fetchone()[0]


def add_version_if_changed(con: duckdb.DuckDBPyConnection, metric_id: int, from_period: str,
                           baseline: float | None, target: float | None, by: str,
                           reason: str | None, method: str) -> bool:
    """Add a version unless the same values already start in that month (idempotent imports)."""
    row = con.execute(
        "SELECT baseline, target FROM baseline WHERE metric_id = ? AND from_period = ?"
        " ORDER BY id DESC LIMIT 1",
        [metric_id, period_to_date(from_period)],
    ).fetchone()
    if row is not None and _same(row[0], baseline) and _same(row[1], target):
        return False
    add_version(con, metric_id, from_period, baseline, target, by, reason, method)
    return True


def list_versions(store: Store, metric: str | None = None) -> pd.DataFrame:
    """Every version of every (or one) metric, oldest first."""
    with store.read() as con:
        return con.execute(
            """
            SELECT m.name AS metric, b.cycle, strftime(b.from_period, '%Y-%m') AS from_period,
                   b.baseline, b.target, b.set_by, b.set_at, b.reason, b.method, b.record_id
            FROM baseline b JOIN metric m ON m.id = b.metric_id
            WHERE ? IS NULL OR m.name = ?
            ORDER BY m.id, b.from_period, b.id
            """,
            [metric, metric],
        ).df()


def versions_in_force(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All versions with the period range each governs (to_period exclusive, NULL = open)."""
    return con.execute(
        """
        WITH latest AS (
            SELECT * FROM baseline
            QUALIFY row_number() OVER (PARTITION BY metric_id, from_period ORDER BY id DESC) = 1
        )
        SELECT metric_id, id AS version_id, cycle, from_period, baseline, target,
               lead(from_period) OVER (PARTITION BY metric_id ORDER BY from_period) AS to_period
        FROM latest
        """
    ).df()


def check_period(text: str, what: str = "--from") -> str:
    period = parse_period(text)
    if period is None:
        raise InputRefused(Problem(f"{what} '{text}' is not a month; use YYYY-MM"))
    return period
