"""Values that are numbers, but at the wrong scale for their metric.

A process owner who types 0.953 for an SLA kept in percent, or minutes for a resolution time
kept in hours, sends a file that passes every check and then shows a collapse (or an explosion)
at the monthly review. The file's values of each such metric are compared with its values so
far (the median of the stored ones, else its baseline or target); a ratio near a hundredth (or 100) for
a percentage, near 60 between hours, minutes and seconds, or near 10,000 between 元 and 万元
(as Chinese reports keep costs), is pointed out in the preview. It is only a
question: a real change of that size is possible, so nothing is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from .catalogue import MetricLookup
from .names import is_count, same_unit

# (unit the catalogue keeps, lowest and highest ratio file / so far, what was probably written)
_SUSPECT = [
    ("%", 1 / 300, 1 / 30, "about a hundredth of", "were fractions written for percentages (0.95 for 95%)?"),
    ("%", 30, 300, "about 100 times", "were percentages typed into cells formatted as percent (95 shown as 9500%)?"),
    ("h", 30, 120, "about 60 times", "were minutes written for hours?"),
    ("min", 1 / 120, 1 / 30, "about a sixtieth of", "were hours written for minutes?"),
    ("min", 30, 120, "about 60 times", "were seconds written for minutes?"),
    ("s", 1 / 120, 1 / 30, "about a sixtieth of", "were minutes written for seconds?"),
    ("元", 1 / 30_000, 1 / 3_000, "about a ten-thousandth of", "were amounts in 万元 written for 元?"),
    ("万元", 3_000, 30_000, "about 10,000 times", "were amounts in 元 written for 万元?"),
    ("h", 1 / 40, 1 / 14, "about a twenty-fourth of", "were days written for hours?"),
    ("d", 14, 40, "about 24 times", "were hours written for days?"),
    ("score", 8, 40, "about 10 to 40 times", ("was a percentage (满意率 89%) or a score out of 100 written for this "
                                             "score?")),
]


@dataclass(frozen=True)
class ScaleDoubt:
    """A metric whose values in a file look like another unit than its own."""

    metric: str           # the catalogue name
    unit: str
    median: float         # of the file's values
    level: float          # of its values so far
    how: str
    question: str

    def text(self, name: str | None = None) -> str:
        """The warning, naming the metric as given (the reader's language) or by its catalogue name."""
        return (f"'{name or self.metric}' is kept in {self.unit}, but its values in this file (median {self.median:g}) "
                f"are {self.how} its values so far (median {self.level:g}): {self.question}")

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class CellDoubt:
    """Some values of a percentage, not all, at a hundredth or 100 times its level: 0.953 in a file
    of 95s (one month pasted from a system that exports fractions), or 9500 (95 typed into a cell
    formatted as percent). The file's median stays near the level, so the whole-file question
    cannot see them."""

    metric: str
    values: tuple[float, ...]
    cells: tuple[str, ...]  # where each is: C5, or 数据!C5 in a workbook
    level: float            # of its values so far, else of its other values in this file
    how: str = "about a hundredth of"
    question: str = "was a fraction written for a percentage (0.95 for 95%)?"

    def text(self, name: str | None = None) -> str:
        return (f"'{name or self.metric}' is kept in %, but {_listed(self.values, self.cells)} in this file "
                f"{'is' if len(self.values) == 1 else 'are'} {self.how} its other values (median "
                f"{self.level:g}): {self.question}")

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class CountDoubt:
    """Values of a count that are not whole. A semicolon CSV from a European system writes 1.234
    for 1,234 tickets (a dot grouping thousands), read as 1.234; 2.5 major incidents is an average
    written for a count. Either loads as a number, so the file passes every other check."""

    metric: str
    values: tuple[float, ...]
    cells: tuple[str, ...]  # where each is: C5, or 数据!C5 in a workbook

    def text(self, name: str | None = None) -> str:
        return (f"'{name or self.metric}' is a count, but {_listed(self.values, self.cells)} in this file "
                f"{'is' if len(self.values) == 1 else 'are'} not whole: was a dot written to group thousands "
                "(1.234 for 1234), or an average for a count?")

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class ZeroDoubt:
    """0 for a metric that is not a count and has never been 0 (an SLA, a resolution time, a cost):
    a yearly workbook's formula (=IFERROR(…,0)) shows 0 for the month under way, which loads as a
    collapse on every chart. A real 0 is possible (a month-long outage), so it is only a question."""

    metric: str
    cells: tuple[str, ...]  # where each 0 is: C5, or 数据!N3 in a workbook
    level: float            # the median of its values so far, else of its other values in this file

    def text(self, name: str | None = None) -> str:
        return (f"'{name or self.metric}' is 0 in {', '.join(self.cells[:_SHOWN])}{' …' * (len(self.cells) > _SHOWN)} "
                f"in this file, but has never been 0 (median {self.level:g}): a formula's placeholder for a month not "
                "yet reported? Leave such a cell blank")

    def __str__(self) -> str:
        return self.text()


_SHOWN = 5      # values named in a question: a file of a million odd cells is not listed, nor read out cell by cell


def _listed(values: tuple[float, ...], cells: tuple[str, ...]) -> str:
    """The first five values with their cells, '0.953 (C2), 1.234 (数据!C5) …'."""
    listed = ", ".join(f"{value:.15g} ({cell})" for value, cell in zip(values[:_SHOWN], cells[:_SHOWN], strict=True))
    return listed + " …" * (len(values) > _SHOWN)


def _cells(frame: pd.DataFrame, rows: np.ndarray) -> tuple[str, ...]:
    """Where each of `rows` (positions in `frame`) was read: C5, or 数据!C5 when the file has sheets."""
    where = frame.iloc[rows][["sheet", "column", "row"]]
    return tuple(f"{sheet}!" * isinstance(sheet, str) + f"{column}{row}" for sheet, column, row in
                 where.itertuples(index=False))


# (a cell suspected: above this, at or under that; ratio to the level; how; the question)
_ODD_CELLS = [
    (0, 1, (1 / 300, 1 / 30), CellDoubt.how, CellDoubt.question),          # a fraction: CellDoubt's own words
    (100, np.inf, (30, 300), "about 100 times",
     "was a percentage typed into a cell formatted as percent (95 shown as 9500%)?"),
]


def odd_cells(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, lookup: MetricLookup,
              judged: set[str]) -> list[CellDoubt]:
    """For each metric kept in % (not among `judged`, whose file values as a whole were already
    questioned), its values that are about a hundredth (at or under 1) or 100 times (over 100%) its
    level: its median so far, else the median of its other values in this file."""
    percent = {i for i, unit in lookup.units.items() if same_unit("%", unit) and lookup.names[i] not in judged}
    if not percent:                 # nothing to judge: the file's two million values are not looked at
        return []
    ids = frame["metric_id"].to_numpy(dtype="int64", na_value=-1)
    values = frame["value"].to_numpy(dtype="float64")
    kept_in_percent = np.isin(ids, np.fromiter(percent, dtype="int64"))
    suspected = [kept_in_percent & (values > above) & (values <= up_to) for above, up_to, *_ in _ODD_CELLS]  # NaN: no
    if not any(suspect.any() for suspect in suspected):
        return []
    so_far = _levels_so_far(con, [int(i) for i in np.unique(ids[np.logical_or.reduce(suspected)])])   # one query
    doubts = []
    for suspect, (_, _, (low, high), how, question) in zip(suspected, _ODD_CELLS, strict=True):
        if not suspect.any():
            continue
        suspects = np.unique(ids[suspect])
        others = ~suspect & (values > 0) & np.isin(ids, suspects)
        in_file = pd.Series(values[others]).groupby(ids[others]).median()        # a first load's own level
        levels = pd.Series({i: so_far.get(int(i)) or in_file.get(i, np.nan) for i in suspects}, dtype="float64")
        level = levels.reindex(ids).to_numpy()                                      # each row's metric's level
        odd = suspect & (values >= low * level) & (values <= high * level)        # NaN (no level) is neither
        for metric_id, rows in pd.Series(np.flatnonzero(odd)).groupby(ids[odd]):
            shown = rows.to_numpy()[:_SHOWN + 1]          # one more than shown: the text then ends '…'
            doubts.append(CellDoubt(lookup.names[int(metric_id)], tuple(values[shown].tolist()), _cells(frame, shown),
                                    float(levels[metric_id]), how, question))
    return doubts


def fractional_counts(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, lookup: MetricLookup) -> list[CountDoubt]:
    """For each metric kept as a count, its values in the file that are not whole; a count whose
    stored values already hold fractions (an average the catalogue keeps as a count) is not judged."""
    counts = np.fromiter((i for i, unit in lookup.units.items() if is_count(unit)), dtype="int64")
    if not len(counts):
        return []
    ids = frame["metric_id"].to_numpy(dtype="int64", na_value=-1)
    values = frame["value"].to_numpy(dtype="float64")
    odd = np.isin(ids, counts) & np.isfinite(values)
    odd[odd] = values[odd] != np.round(values[odd])
    if not odd.any():
        return []
    suspects = [int(i) for i in np.unique(ids[odd])]
    averaged = {i for (i,) in con.execute(
        "SELECT DISTINCT metric_id FROM current_observation WHERE list_contains(?, metric_id) AND value <> round(value)",
        [suspects]).fetchall()}
    doubts = []
    for metric_id, rows in pd.Series(np.flatnonzero(odd)).groupby(ids[odd]):
        if int(metric_id) not in averaged:
            shown = rows.to_numpy()[:_SHOWN + 1]                  # one more than shown: the text then ends '…'
            doubts.append(CountDoubt(lookup.names[int(metric_id)], tuple(values[shown].tolist()), _cells(frame, shown)))
    return doubts


def placeholder_zeros(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, lookup: MetricLookup) -> list[ZeroDoubt]:
    """For each metric not kept as a count, its zeros in the file when none of its values so far
    (stored, else its other values in this file) is 0."""
    ids = frame["metric_id"].to_numpy(dtype="int64", na_value=-1)
    zero = (frame["value"].to_numpy(dtype="float64") == 0) & (ids > 0)
    if not zero.any():
        return []
    suspects = [int(i) for i in np.unique(ids[zero]) if not is_count(lookup.units.get(int(i)))]
    if not suspects:
        return []
    stored = {i: (low, median) for i, low, median in con.execute(
        "SELECT metric_id, min(value), median(value) FROM current_observation WHERE list_contains(?, metric_id) "
        "GROUP BY 1", [suspects]).fetchall()}
    values = frame["value"].to_numpy(dtype="float64")
    doubts = []
    for metric_id in suspects:
        own = ids == metric_id
        others = values[own & ~zero & ~np.isnan(values)]
        low, level = stored.get(metric_id) or ((others.min(), float(np.median(others))) if len(others) else (0, 0))
        if low > 0 and level > 0:
            rows = np.flatnonzero(own & zero)[:_SHOWN + 1]       # one more than shown: the text then ends '…'
            doubts.append(ZeroDoubt(lookup.names[metric_id], _cells(frame, rows), float(level)))
    return doubts


def scale_warnings(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, lookup: MetricLookup) -> list[ScaleDoubt]:
    """One doubt per metric whose values in the file look like the wrong unit."""
    rules = {unit: [rule for rule in _SUSPECT if same_unit(rule[0], unit)]
             for unit in set(lookup.units.values()) if unit}              # each distinct unit judged once
    suspects = {metric_id: rules[unit] for metric_id, unit in lookup.units.items() if rules.get(unit)}
    if not suspects:
        return []
    ids = frame["metric_id"].to_numpy(dtype="int64", na_value=-1)
    values = frame["value"].to_numpy(dtype="float64")
    rows = np.isin(ids, np.fromiter(suspects, dtype="int64")) & ~np.isnan(values) & (values > 0)
    if not rows.any():
        return []
    in_file = pd.Series(values[rows]).groupby(ids[rows]).agg(["median", "max"])
    so_far = _levels_so_far(con, [int(i) for i in in_file.index])
    warnings = []
    for metric_id, median, largest in in_file.itertuples():
        level = so_far.get(int(metric_id))
        if not level or level <= 0:
            continue
        for unit, low, high, how, question in suspects[int(metric_id)]:
            if low <= median / level <= high and not (unit == "%" and high < 1 and largest > 1):   # fractions are ≤ 1
                warnings.append(ScaleDoubt(lookup.names[int(metric_id)], lookup.units[int(metric_id)], float(median),
                                           float(level), how, question))
    return warnings


def _levels_so_far(con: duckdb.DuckDBPyConnection, metric_ids: list[int]) -> dict[int, float]:
    """Each metric's median stored value, or else its latest baseline (or target)."""
    stored = dict(con.execute(
        "SELECT metric_id, median(value) FROM current_observation WHERE list_contains(?, metric_id) GROUP BY 1",
        [metric_ids]).fetchall())
    planned = dict(con.execute(
        """SELECT metric_id, coalesce(baseline, target) FROM baseline WHERE list_contains(?, metric_id)
           QUALIFY row_number() OVER (PARTITION BY metric_id ORDER BY from_period DESC, id DESC) = 1""",
        [metric_ids]).fetchall())
    return {i: stored.get(i) if stored.get(i) is not None else planned.get(i) for i in metric_ids}
