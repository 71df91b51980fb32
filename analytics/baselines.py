"""Versioned baselines and targets (基准 / 目标): never overwritten, each version a cycle.

The version in force for a period is the one with the latest from_period on or before it (the
later-set one wins when two start in the same month). Each new version starts a new
improvement cycle, and SPC limits are recalculated from its from_period (a rebase).
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from .catalogue import catalogue_metric_id
from .errors import InputRefused, Problem
from .names import below_zero_problem, fraction_problem
from .periods import parse_period, period_to_date
from .store import Store


def _same(a: float | None, b: float | None) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and not (isinstance(b, float) and math.isnan(b)) and abs(a - b) <= 1e-12 * max(1, abs(a))


def _refuse_non_finite(baseline: float | None, target: float | None) -> None:
    """inf or nan is no baseline or target: stored, it would reach JSON as Infinity (invalid)."""
    if baseline is not None and not math.isfinite(baseline):
        raise InputRefused(Problem(f"the baseline must be a finite number, not {baseline}"))
    if target is not None and not math.isfinite(target):
        raise InputRefused(Problem(f"the target must be a finite number, not {target}"))


def _refuse_below_zero(con: duckdb.DuckDBPyConnection, metric_id: int, baseline: float | None,
                       target: float | None) -> None:
    """A baseline or target below zero for a metric whose unit cannot be negative (a time, a rate)."""
    name, unit = con.execute("SELECT name, unit FROM metric WHERE id = ?", [metric_id]).fetchone()
    for what, number in (("the baseline", baseline), ("the target", target)):
        why = below_zero_problem(number, name, unit, what) if number is not None else None
        if why:
            raise InputRefused(Problem(why))


def _refuse_fraction(con: duckdb.DuckDBPyConnection, metric_id: int, baseline: float | None,
                     target: float | None) -> None:
    """A baseline or target of 0.96 for a percentage meant as 96 % (see names.fraction_problem)."""
    name, unit, direction, lowest = con.execute(
        "SELECT name, unit, direction, (SELECT min(value) FROM current_observation WHERE metric_id = m.id) "
        "FROM metric m WHERE id = ?", [metric_id]).fetchone()
    for what, number in (("the baseline", baseline), ("the target", target)):
        why = fraction_problem(number, name, unit, direction, lowest, target, what) if number is not None else None
        if why:
            raise InputRefused(Problem(why))


def add_version(con: duckdb.DuckDBPyConnection, metric_id: int, from_period: str,
                baseline: float | None, target: float | None, by: str, reason: str | None,
                method: str, record_id: int | None = None) -> int:
    """Append a version inside the caller's transaction; returns its id. Every way a version is
    made (set, compute, a catalogue import, closing a record) is held to the same checks."""
    _refuse_non_finite(baseline, target)
    _refuse_below_zero(con, metric_id, baseline, target)
    _refuse_fraction(con, metric_id, baseline, target)
    cycle = con.execute("SELECT coalesce(max(cycle), 0) + 1 FROM baseline WHERE metric_id = ?",
                        [metric_id]).fetchone()[0]
    return con.execute(
        "INSERT INTO baseline (metric_id, cycle, from_period, baseline, target, set_by, reason, method,"
        " record_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [metric_id, cycle, period_to_date(from_period), baseline, target, by, reason, method, record_id],
    ).fetchone()[0]


def add_version_if_changed(con: duckdb.DuckDBPyConnection, metric_id: int, from_period: str,
                           baseline: float | None, target: float | None, by: str,
                           reason: str | None, method: str, record_id: int | None = None) -> bool:
    """Add a version unless the same values already start in that month (idempotent imports, and a
    batch job's `baselines set` run twice)."""
    if _unchanged(con, metric_id, from_period, baseline, target):
        return False
    add_version(con, metric_id, from_period, baseline, target, by, reason, method, record_id)
    return True


def _unchanged(con: duckdb.DuckDBPyConnection, metric_id: int, from_period: str, baseline: float | None,
               target: float | None) -> bool:
    """Whether the version that starts in that month already has these values."""
    row = con.execute(
        "SELECT baseline, target FROM baseline WHERE metric_id = ? AND from_period = ?"
        " ORDER BY id DESC LIMIT 1",
        [metric_id, period_to_date(from_period)],
    ).fetchone()
    return row is not None and _same(row[0], baseline) and _same(row[1], target)


def _refuse_back_dated(con: duckdb.DuckDBPyConnection, metric_id: int, from_period: str) -> None:
    """A version starting before the latest one would change the baseline and target of months
    whose cycle was already reviewed: refused unless asked for (backdate)."""
    latest = con.execute(
        "SELECT m.name, b.cycle, strftime(b.from_period, '%Y-%m') FROM baseline b JOIN metric m ON m.id = b.metric_id"
        " WHERE b.metric_id = ? ORDER BY b.from_period DESC, b.id DESC LIMIT 1", [metric_id]).fetchone()
    if latest is not None and from_period < latest[2]:
        name, cycle, start = latest
        raise InputRefused(Problem(
            f"metric '{name}': its latest baseline/target version (cycle {cycle}) starts {start}; a version from "
            f"{from_period} would change months already reviewed: start it in {start} or later, or give --backdate "
            "to set it anyway"))


def list_versions(store: Store, metric: str | None = None) -> pd.DataFrame:
    """Every version of every (or one) metric, oldest first; a metric named as the catalogue knows it."""
    with store.read() as con:
        metric_id = None if metric is None else catalogue_metric_id(con, metric)
        return con.execute(
            """
            SELECT m.name AS metric, b.cycle, strftime(b.from_period, '%Y-%m') AS from_period,
                   b.baseline, b.target, b.set_by, b.set_at, b.reason, b.method, b.record_id
            FROM baseline b JOIN metric m ON m.id = b.metric_id
            WHERE ? IS NULL OR m.id = ?
            ORDER BY m.id, b.from_period, b.id
            """,
            [metric_id, metric_id],
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


def set_version(store: Store, metric: str, *, baseline: float | None, target: float | None, from_period: str,
                by: str, reason: str, method: str = "manual", record_id: int | None = None,
                backdate: bool = False) -> int:
    """A new baseline/target version from a month: starts a new cycle. Returns the cycle number
    (see set_version_if_changed)."""
    return set_version_if_changed(store, metric, baseline=baseline, target=target, from_period=from_period, by=by,
                                  reason=reason, method=method, record_id=record_id, backdate=backdate)[0]


def set_version_if_changed(store: Store, metric: str, *, baseline: float | None, target: float | None,
                           from_period: str, by: str, reason: str, method: str = "manual",
                           record_id: int | None = None, backdate: bool = False) -> tuple[int, bool]:
    """A new baseline/target version from a month, starting a new cycle, unless the version that
    starts in that month already has these values: then nothing is added (a repeated command does
    not start a cycle of its own, which would rebase the SPC limits). Returns (cycle, added).

    A value left out is carried over from the version in force at that month, so setting only a
    new target keeps the baseline. A month before the latest version's is refused unless `backdate`.
    """
    if baseline is None and target is None:
        raise InputRefused(Problem("give a baseline, a target or both"))
    if not reason or not reason.strip():
        raise InputRefused(Problem("say why the baseline or target changes (--reason)"))
    _refuse_non_finite(baseline, target)
    period = check_period(from_period)
    with store.write() as con:
        metric_id = catalogue_metric_id(con, metric)
        _refuse_below_zero(con, metric_id, baseline, target)
        in_force = con.execute(
            "SELECT baseline, target FROM baseline WHERE metric_id = ? AND from_period <= ?"
            " ORDER BY from_period DESC, id DESC LIMIT 1", [metric_id, period_to_date(period)]).fetchone()
        if in_force:
            baseline = in_force[0] if baseline is None else baseline
            target = in_force[1] if target is None else target
        added = not _unchanged(con, metric_id, period, baseline, target)
        if added:
            if not backdate:
                _refuse_back_dated(con, metric_id, period)
            add_version(con, metric_id, period, baseline, target, by, reason.strip(), method, record_id)
        return con.execute("SELECT cycle FROM baseline WHERE metric_id = ? AND from_period = ? ORDER BY id DESC LIMIT 1",
                           [metric_id, period_to_date(period)]).fetchone()[0], added


def baseline_from_window(values: pd.Series, stat: str = "mean") -> float:
    """The baseline a window of monthly values gives: their mean or median (missing ignored)."""
    clean = values.dropna()
    if clean.empty:
        raise InputRefused(Problem("the window has no values to compute a baseline from"))
    return float(clean.median() if stat == "median" else clean.mean())


def compute_version(store: Store, metric: str, *, window: str, stat: str, from_period: str, by: str,
                    target: float | None = None, reason: str | None = None,
                    backdate: bool = False) -> tuple[int, float, int]:
    """Set the baseline to the mean/median of a window 'YYYY-MM:YYYY-MM'; returns (cycle, value, n)."""
    if stat not in ("mean", "median"):
        raise InputRefused(Problem(f"--stat must be mean or median, not '{stat}'"))
    start_text, sep, end_text = window.partition(":")
    if not sep:
        raise InputRefused(Problem(f"--window '{window}' must be FROM:TO, e.g. 2025-01:2025-12"))
    start, end = check_period(start_text, "window start"), check_period(end_text, "window end")
    if start > end:
        raise InputRefused(Problem(f"--window '{window}' ends before it starts"))
    with store.read() as con:
        metric_id = catalogue_metric_id(con, metric)
        values = con.execute(
            "SELECT value FROM current_observation WHERE metric_id = ? AND period BETWEEN ? AND ?",
            [metric_id, period_to_date(start), period_to_date(end)]).df()["value"]
    value = baseline_from_window(values, stat)
    why = reason or f"{stat} of {len(values.dropna())} months {start} to {end}"
    cycle = set_version(store, metric, baseline=value, target=target, from_period=from_period, by=by,
                        reason=why, method=f"computed:{stat}:{start}:{end}", backdate=backdate)
    return cycle, value, int(values.notna().sum())
