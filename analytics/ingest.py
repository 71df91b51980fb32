"""Loading process owners' metric files into the store: plan first, then one transaction.

`plan_ingest` reads and checks every file and works out what would change (new, changed,
unchanged, missing values) without writing anything: that is the dry run and the Upload
page's preview. `apply_ingest` writes a plan in one transaction; a re-uploaded value
supersedes the current one and keeps it, so an upload can be rolled back as a whole.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .catalogue import create_metrics_for_names, metric_lookup
from .errors import InputRefused, Problem, spans
from .file_targets import other_target_notes
from .isolation import read_apart_if_workbook
from .limits import Limits
from .memory import reuses_freed_memory
from .names import (
    below_zero_problem,
    is_count,
    name_key,
    never_percent,
    of_another_kind,
    other_unit,
    percent_problem,
    same_unit,
    unit_key,
)
from .parsing import RECORD_COLUMNS, ParsedFile, parse_file
from .periods import this_month
from .plausibility import (
    CellDoubt,
    CountDoubt,
    ScaleDoubt,
    ZeroDoubt,
    fractional_counts,
    odd_cells,
    placeholder_zeros,
    scale_warnings,
)
from .readers import read_bytes
from .store import Store, data_version_in
from .values import DURATION, factorize_cells, factorize_used, spread_categorical

STATUSES = ("missing", "new", "unchanged", "changed")
NEW_METRICS_NAMED = 20    # how many metrics a load would create are named one by one (a file may bring thousands)
SOURCES = ("service_report", "survey", "audit", "meeting", "customer_feedback", "management_review", "other")


@dataclass
class FilePlan:
    """What one file would change. `changes` has one row per value in the file."""

    file_name: str
    sha256: str
    parsed: ParsedFile
    changes: pd.DataFrame  # metric, metric_id, period, value, old_value, status, sheet, row, column, ...
    new_metrics: list[str] = field(default_factory=list)
    new_metric_fields: list[dict] = field(default_factory=list)   # each new metric's direction, unit, decimals
    doubts: list[ScaleDoubt | CellDoubt | CountDoubt | ZeroDoubt] = field(default_factory=list)   # values at a scale unlike the metric's

    def count(self, status: str) -> int:
        return int(self._status_counts.get(status, 0))

    @cached_property
    def _status_counts(self) -> dict[str, int]:
        """Rows per status, counted once (summary and the upload log ask for each status), by the
        categorical's codes: value_counts first widened two million of them to int64."""
        status = self.changes["status"]
        codes = status.array.codes
        return {name: int(np.count_nonzero(codes == code)) for code, name in enumerate(status.cat.categories)}

    @property
    def rows_read(self) -> int:
        return len(self.changes)

    def new_metrics_as_created(self) -> list[dict]:
        """Each metric the load would create, with the fields it takes: name, direction, unit, decimals."""
        return [{"name": name, "direction": "neutral", "unit": None, "decimals": 2} | said
                for name, said in zip(self.new_metrics, self.new_metric_fields, strict=True)]

    def summary(self) -> dict[str, object]:
        return {
            "file": self.file_name,
            "rows": self.rows_read,
            "new": self.count("new"),
            "changed": self.count("changed"),
            "unchanged": self.count("unchanged"),
            "missing": self.count("missing"),
            "new_metrics": len(self.new_metrics),
            "suggestions": int(self.parsed.records["suggestion"].notna().sum()),
        }


@dataclass
class IngestPlan:
    files: list[FilePlan]
    create_metrics: bool
    seen: tuple[str, int] | None = None    # (store file, data version) the plan was made against

    def still_current(self, store: Store, con: duckdb.DuckDBPyConnection) -> bool:
        """True when nothing was written to the store since the plan was made: `con` is inside
        the applying write, which has bumped the version by one."""
        return self.seen == (str(store.path), data_version_in(con) - 1)

    def totals(self) -> dict[str, int]:
        keys = ("rows", "new", "changed", "unchanged", "missing", "new_metrics", "suggestions")
        return {k: sum(int(f.summary()[k]) for f in self.files) for k in keys}


def sha256_of(source: str | os.PathLike | bytes) -> str:
    digest = hashlib.sha256()
    if isinstance(source, (bytes, bytearray, memoryview)):
        digest.update(source)
    else:
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _read(source: str | os.PathLike | bytes, file_name: str, limits: Limits,
          isolated: bool) -> tuple[ParsedFile, Future[str]]:
    if not isinstance(source, (bytes, bytearray, memoryview)):
        path = Path(source)
        if not path.is_file():
            raise InputRefused(Problem("file not found", file=file_name))
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise InputRefused(Problem(
                f"the file is {size / 2**20:.1f} MB, over the limit of {limits.max_file_bytes / 2**20:.0f} MB",
                file=file_name))
    data = read_bytes(source)     # read once
    parsed = read_apart_if_workbook(isolated, data, file_name, limits, parse_file, data, file_name=file_name,
                                    limits=limits)
    return parsed, _hashed_aside(data)


def _hashed_aside(data: bytes) -> Future[str]:
    """The file's sha256, computed in a thread (hashlib releases the GIL) while the parsed file is
    checked on one core: hashed while it was parsed, it took a core from Arrow's parse of a CSV."""
    hasher = ThreadPoolExecutor(max_workers=1)
    try:
        return hasher.submit(sha256_of, data)
    finally:
        hasher.shutdown(wait=False)             # the thread ends with its one task


@reuses_freed_memory
def plan_ingest(store: Store, sources: list[tuple[str | os.PathLike | bytes, str]], *,
                create_metrics: bool = False, limits: Limits | None = None, isolated: bool = False) -> IngestPlan:
    """Read and check every (source, file name) pair and compute the changes; write nothing.

    isolated: read each workbook in a child process (analytics.isolation), so that one that
    crashes calamine is refused instead of ending this process. The dashboard and the command
    line read users' files so; a library caller that trusts its files need not.

    Raises InputRefused with every problem of every file: unreadable cells, unknown metrics,
    the same metric and period twice, a file that was already loaded.
    """
    limits = limits or Limits.from_env()
    read: list[tuple[ParsedFile | InputRefused, str, Future[str] | None]] = []     # (file or refusal, name, sha256)
    for source, file_name in sources:
        try:
            result, sha = _read(source, file_name, limits, isolated)
            read.append((result, file_name, sha))
        except InputRefused as exc:
            read.append((exc, file_name, None))
    if all(isinstance(r, InputRefused) and not _rows_kept(r) for r, _, _ in read):
        raise InputRefused([p for refused, _, _ in read for p in refused.problems])     # nothing to look up
    problems: list[Problem] = []

    with store.read() as con:
        seen = (str(store.path), data_version_in(con))
        lookup = metric_lookup(con)
        loaded = {sha: (uid, name, when) for uid, name, when, sha in con.execute(
            "SELECT id, file_name, uploaded_at, sha256 FROM upload WHERE outcome = 'applied'").fetchall()}
        plans = []
        for result, file_name, sha in read:      # a refused file does not keep the others' problems for later
            if isinstance(result, InputRefused):
                problems += _all_problems_of_a_refused_file(result, lookup, create_metrics, file_name)
                continue
            try:                                 # checked while it is hashed; a file loaded before is refused as such
                plan, refused = _plan_file(con, lookup, result, "", file_name, create_metrics), None
            except InputRefused as exc:
                plan, refused = None, exc
            if (digest := sha.result()) in loaded:
                uid, name, when = loaded[digest]
                problems.append(Problem(
                    f"this exact file was already loaded as upload #{uid} ('{name}', {when:%Y-%m-%d %H:%M}); "
                    "nothing was written. Roll that upload back first to load it again.", file=file_name))
            elif refused is not None:
                problems.extend(refused.problems)
            else:
                plans.append(replace(plan, sha256=digest))
        plans, clashes = _across_files(_one_id_per_new_metric(plans))
        problems.extend(clashes)
    if problems:
        raise InputRefused(problems)
    return IngestPlan(plans, create_metrics, seen)


def _rows_kept(refused: InputRefused) -> bool:
    """Whether a refusal kept rows of its file to check (parse_file keeps them up to 200 problems)."""
    return refused.records is not None and len(refused.records) > 0


def _all_problems_of_a_refused_file(refused: InputRefused, lookup, create_metrics: bool, file_name: str) -> list[Problem]:
    """A refused file's problems together with what the ingest's checks say of the rows it still
    gave (unknown names, other units, repeats), row by row: the owner fixes them all in one round."""
    if not _rows_kept(refused):
        return refused.problems
    found = refused.problems + _problems_of_a_refused_file(refused.records, lookup, create_metrics, file_name)
    sheets = {sheet: i for i, sheet in enumerate(dict.fromkeys(p.sheet for p in found))}
    return sorted(found, key=lambda p: (sheets[p.sheet], math.inf if p.row is None else p.row))   # stable


@reuses_freed_memory
def plan_records(store: Store, records: pd.DataFrame, file_name: str, *, create_metrics: bool = False) -> IngestPlan:
    """Plan the load of records that are already a long table (the demo, tests, other tools).

    records needs metric, period ('YYYY-MM') and value; the rest of ParsedFile's columns are
    filled in. Goes through the same checks as a file.
    """
    frame = records.copy()
    defaults = {"target": np.nan, "note": None, "suggestion": None, "sheet": None, "column": "C", "unit": None,
                "service": None, "as_percent": False, "target_bound": 0, "period_column": None,
                "metric_column": None, "unit_column": None, "unit_row": None, "unit_from_title": False,
                "target_column": None, "target_row": None}
    for col, default in defaults.items():
        if col not in frame.columns:
            frame[col] = default
    if "value_column" not in frame.columns:
        frame["value_column"] = frame["column"]            # a value's column, named by its letter alone
    if "row" not in frame.columns:
        frame["row"] = np.arange(2, len(frame) + 2)
    frame = frame[RECORD_COLUMNS]
    # the records' own columns, as before unit_from_title (which records never give) was one: the same
    # records are known as the same upload
    sha = sha256_of(frame.drop(columns="unit_from_title").to_csv(index=False).encode("utf-8"))
    parsed = ParsedFile(file_name=file_name, records=frame, sheets=[], skipped_sheets=[], warnings=[])
    with store.read() as con:
        seen = (str(store.path), data_version_in(con))
        plan = _plan_file(con, metric_lookup(con), parsed, sha, file_name, create_metrics)
    return IngestPlan([plan], create_metrics, seen)


def _one_id_per_new_metric(plans: list[FilePlan]) -> list[FilePlan]:
    """Number the metrics a batch would create once for the whole batch, and have each created by
    the first file that names it. Each file numbered its own from -1: NewX of one file and NewY of
    another were one metric to the checks across files (NewY's value was dropped as a repeat of
    NewX's), and a metric new in two files was created twice, the second time over the first's
    direction and unit."""
    if len(plans) < 2 or not any(plan.new_metrics for plan in plans):
        return plans
    number: dict[str, int] = {}
    out = []
    for plan in plans:
        first_here = [i for i, name in enumerate(plan.new_metrics) if name_key(name) not in number]
        local = {-(i + 1): number.setdefault(name_key(name), -(len(number) + 1))
                 for i, name in enumerate(plan.new_metrics)}
        changes = plan.changes
        if local and any(old != new for old, new in local.items()):
            ids = changes["metric_id"]
            changes = changes.assign(metric_id=ids.where(~(ids < 0).fillna(False), ids.map(local)).astype("Int64"))
        out.append(replace(plan, changes=changes, new_metrics=[plan.new_metrics[i] for i in first_here],
                           new_metric_fields=[plan.new_metric_fields[i] for i in first_here]))
    return out


def _across_files(plans: list[FilePlan]) -> tuple[list[FilePlan], list[Problem]]:
    """The same metric and period in two files of one batch: with the same value and target it is
    read from the first file only (a later file's row is left out, with a note); with another value
    it is ambiguous and refused. Vectorised over the whole batch."""
    if len(plans) < 2:
        return plans, []
    columns = ["metric", "metric_id", "period", "value", "target", "sheet", "row"]
    frames = [plan.changes.loc[plan.changes["metric_id"].notna(), columns].assign(in_file=i)
              for i, plan in enumerate(plans)]
    both = pd.concat(frames)
    group = both.groupby(["metric_id", "period"], observed=True).ngroup().to_numpy()
    first_at = pd.Series(np.arange(len(both))).groupby(group).transform("min").to_numpy()
    first = both.iloc[first_at]                 # the group's first row whole: transform("first") skips a blank value
    later = both["in_file"].to_numpy() != first["in_file"].to_numpy()
    same = later & _equal(both["value"], first["value"]) & _equal(both["target"], first["target"])
    clash = later & ~same
    problems = [Problem(f"'{r.metric}' {r.period} is also in {plans[t.in_file].file_name}; load one of the two files: "
                        f"{_disagreement(r, t, f'in {plans[t.in_file].file_name} {_place(t)}')}",
                        file=plans[r.in_file].file_name, sheet=r.sheet, row=int(r.row))
                for r, t in zip(both[clash].head(200).itertuples(index=False),
                                first[clash].head(200).itertuples(index=False))]
    repeated = both[same]
    if problems or repeated.empty:
        return plans, problems
    out = []
    for i, plan in enumerate(plans):
        rows = repeated[repeated["in_file"] == i]
        if rows.empty:
            out.append(plan)
            continue
        sources = first["in_file"].to_numpy()[same & (both["in_file"].to_numpy() == i)]
        notes = [f"'{r.metric}' {r.period} is also in {plans[f].file_name} with the same value: read from there"
                 for r, f in zip(rows.head(20).itertuples(index=False), sources[:20])]
        out.append(replace(plan, changes=plan.changes.drop(index=rows.index).reset_index(drop=True),
                           parsed=replace(plan.parsed, warnings=[*plan.parsed.warnings, *notes])))
    return out, []


def _equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where missing equals missing."""
    a, b = a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64")
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _plan_file(con: duckdb.DuckDBPyConnection, lookup, parsed: ParsedFile, sha: str, file_name: str,
               create_metrics: bool) -> FilePlan:
    records = parsed.records
    if records.empty:
        raise InputRefused(Problem("the file has no data rows", file=file_name))
    records, zero_notes = _placeholder_zeros_to_come(records)
    if zero_notes:
        parsed = replace(parsed, warnings=[*parsed.warnings, *zero_notes])
    _refuse_months_not_begun(records, file_name)
    records, codes, uniques, unique_ids, heading_notes = _metrics_named(records, lookup)
    if heading_notes:
        parsed = replace(parsed, warnings=[*parsed.warnings, *heading_notes])
        if records.empty:
            raise InputRefused(Problem("the file has no data rows", file=file_name))
    unknown = [str(n) for n in np.asarray(uniques, dtype=object)[pd.isna(unique_ids)]]   # not <U: it drops a trailing NUL
    new_metrics: list[str] = []
    if problems := _unknown_metric_problems(records, lookup, unknown, create_metrics, file_name):
        raise InputRefused(problems)
    if unknown:
        from .names import name_problem

        problems = []
        for name in unknown:
            reason = name_problem(name)
            if reason:
                first = records.loc[records["metric"] == name].iloc[0]
                problems.append(Problem(f"cannot create metric {name[:60]!r}: {reason}", file=file_name,
                                        sheet=first["sheet"], row=int(first["row"])))
        if problems:
            raise InputRefused(problems[:50])
        new_metrics = _distinct_by_key(unknown)

    frame = records.reset_index(drop=True)
    ids = _unique_ids(unique_ids, uniques, new_metrics)
    frame["metric_id"] = _column(ids.to_numpy(dtype="int64")[codes] if not ids.isna().any() else ids.take(codes),
                                 frame)
    frame, unit_notes = _without_title_units_of_other_kinds(frame, lookup)
    if unit_notes:
        parsed = replace(parsed, warnings=[*parsed.warnings, *unit_notes])
    _refuse_other_units(frame, lookup, file_name)
    _refuse_percent_for_other_units(frame, lookup, file_name)
    _refuse_below_zero(frame, lookup, file_name)
    repeats, repeat_notes = _repeated_values(frame, pd.factorize(ids)[0][codes], file_name)
    if repeats is not None and repeats.any():
        frame, codes = frame[~repeats].reset_index(drop=True), codes[~repeats]
        parsed = replace(parsed, warnings=[*parsed.warnings, *repeat_notes])
    names = pd.Categorical([lookup.names.get(int(i), m) if i is not pd.NA and i > 0 else m
                            for i, m in zip(ids, uniques)])
    frame["catalogue_name"] = _column(spread_categorical(names, codes), frame)
    frame["period_date"] = _column(_period_dates(frame["period"]), frame)
    frame["old_value"], frame["old_upload_id"] = (_column(found, frame) for found in _old_values(con, frame, ids))
    present = frame["value"].notna().to_numpy()
    had = frame["old_value"].notna().to_numpy()
    same = had & present
    same[same] = np.isclose(frame["value"].to_numpy()[same], frame["old_value"].to_numpy()[same],
                            rtol=1e-12, atol=1e-12)
    status = np.full(len(frame), 3, dtype="int8")             # changed, unless (later wins below):
    status[same] = 2                                           # unchanged
    status[~had] = 1                                           # new
    status[~present] = 0                                       # missing
    frame["status"] = _statuses(status, frame.index)
    target_notes = other_target_notes(con, frame) + _other_service_notes(con, frame) + _counts_without_a_value(frame, lookup)
    if target_notes:
        parsed = replace(parsed, warnings=[*parsed.warnings, *target_notes])
    doubts = scale_warnings(con, frame, lookup)
    doubts += odd_cells(con, frame, lookup, judged={doubt.metric for doubt in doubts})
    doubts += fractional_counts(con, frame, lookup)
    doubts += placeholder_zeros(con, frame, lookup)
    return FilePlan(file_name, sha, parsed, frame, new_metrics, _what_new_metrics_are(frame, new_metrics), doubts)


def _column(values, frame: pd.DataFrame) -> pd.Series:
    """`values` as a column of `frame`, handed over as they are: DataFrame.__setitem__ copies a bare
    array (16 MB of fresh memory for two million numbers), a Series it takes without copying."""
    return pd.Series(values, index=frame.index, copy=False)


def _what_new_metrics_are(frame: pd.DataFrame, new_metrics: list[str]) -> list[dict]:
    """The catalogue fields a metric created from the file (--create-metrics) can take from it:
    the direction its targets were written with (≥99.9% is higher-is-better, ≤4小时 lower), the
    unit its rows name or its values were written in (%), and no decimals when every value is whole.
    Anything the file does not say one way stays as a bare metric has it (neutral, no unit)."""
    if not new_metrics:
        return []
    ids = frame["metric_id"].to_numpy(dtype="float64", na_value=np.nan)
    rows = frame.loc[ids < 0, ["value", "unit", "as_percent", "target_bound"]]
    metric = pd.Series(-ids[ids < 0].astype("int64") - 1, index=rows.index)        # 0 .. len(new_metrics) - 1
    bound = rows["target_bound"].to_numpy()
    higher = pd.Series(bound > 0, index=rows.index).groupby(metric).any()
    lower = pd.Series(bound < 0, index=rows.index).groupby(metric).any()
    codes, uniques = pd.factorize(rows["unit"].astype(object), use_na_sentinel=True)      # each spelling once
    spelt = np.array([*uniques, None], dtype=object)
    keys = pd.Series(np.array([*(unit_key(u) if isinstance(u, str) and u.strip() else None for u in uniques), None],
                              dtype=object)[codes], index=rows.index)
    spellings = keys.groupby(metric).nunique()
    first_unit = pd.Series(spelt[codes], index=rows.index)[keys.notna()].groupby(metric[keys.notna()]).first()
    present = rows["value"].notna()
    values = rows["value"].to_numpy(dtype="float64")
    all_percent = rows["as_percent"][present].astype(bool).groupby(metric[present]).all()
    whole = pd.Series(values == np.round(values), index=rows.index)[present].groupby(metric[present]).all()
    fields = []
    for i in range(len(new_metrics)):
        found: dict = {}
        if higher.get(i, False) != lower.get(i, False):
            found["direction"] = "increase" if higher.get(i, False) else "decrease"
        if spellings.get(i, 0) == 1:
            found["unit"] = first_unit[i]
        elif spellings.get(i, 0) == 0 and all_percent.get(i, False):
            found["unit"] = "%"
        if whole.get(i, False):
            found["decimals"] = 0
        fields.append(found)
    return fields


_SERVICE_FORMS = ("{s}-{m}", "{s}{m}", "{s} {m}", "{s}_{m}", "{s}/{m}", "{m}({s})", "{m}-{s}", "{m} {s}", "{m}_{s}",
                  "{m}/{s}")


def _metrics_named(records: pd.DataFrame, lookup) -> tuple[pd.DataFrame, np.ndarray, list, np.ndarray, list[str]]:
    """The records without group headings, their names' codes, the distinct names and the metric id
    of each (None: not in the catalogue), and a note per heading: a name the catalogue lacks whose
    rows hold no value (一、质量指标 over a group of metrics) has no value to lose and no metric to create."""
    records = _qualified_by_service(records, lookup)
    codes, uniques = factorize_used(records["metric"])
    unique_ids = np.array([lookup.match(name) for name in uniques], dtype=object)
    unknown_mask = pd.isna(unique_ids)
    headings = unknown_mask & ~_with_values(records, codes, len(uniques)) if unknown_mask.any() else unknown_mask
    if not headings.any():
        return records, codes, uniques, unique_ids, []
    notes = _heading_notes(records, codes, uniques, headings)
    records = records[~headings[codes]]
    codes, uniques = factorize_used(records["metric"])
    return records, codes, uniques, np.array([lookup.match(name) for name in uniques], dtype=object), notes


def _unknown_metric_problems(records: pd.DataFrame, lookup, unknown: list[str], create_metrics: bool,
                             file_name: str) -> list[Problem]:
    """Why the names the catalogue lacks refuse the file: each with its closest catalogue names,
    unless --create-metrics creates them; a catalogue metric in another unit (MTTR（分钟） for one
    kept in h) is never created anew, or minutes would sit beside hours."""
    conflicts = {name: why for name in unknown if (why := lookup.unit_conflict(name))}
    if not conflicts and (not unknown or create_metrics):
        return []
    problems = []
    for name in [n for n in unknown if n in conflicts or not create_metrics][:50]:
        named = records.loc[records["metric"] == name]
        first = named.iloc[0]
        closest = [] if name in conflicts else lookup.closest(name)
        hint = (f": {conflicts[name]}" if name in conflicts else
                f" (closest in the catalogue: {', '.join(repr(c) for c in closest)})" if closest else "")
        problems.append(Problem(f"unknown metric '{name}'{hint}{_rows_on_its_sheet(named)}", file=file_name,
                                sheet=first["sheet"], row=int(first["row"]), column=_text_or_none(first["metric_column"]),
                                unknown_name=None if name in conflicts else name))
    others = 0 if create_metrics else len(unknown) - len(conflicts)
    if others:
        problems.append(Problem(
            f"{others} unknown metric name(s): add them to the catalogue (metrics import) or load "
            "with --create-metrics; nothing was written", file=file_name))
    return problems


def _problems_of_a_refused_file(records: pd.DataFrame, lookup, create_metrics: bool, file_name: str) -> list[Problem]:
    """What the ingest's own checks say of the rows a refused file still gave: unknown metric names,
    another unit, a percentage or a minus where the metric's unit allows none, a month that has not
    begun, the same metric and month twice. Its owner then fixes them in the same round as its
    cells, instead of learning of each at the next upload."""
    problems: list[Problem] = []
    records, codes, uniques, unique_ids, _ = _metrics_named(records, lookup)
    unknown = [str(n) for n in np.asarray(uniques, dtype=object)[pd.isna(unique_ids)]]   # not <U: it drops a trailing NUL
    problems += _unknown_metric_problems(records, lookup, unknown, create_metrics, file_name)
    frame = records.reset_index(drop=True)
    ids = pd.array(list(unique_ids), dtype="Int64")
    frame["metric_id"] = ids.take(codes, allow_fill=True)                 # a nameless row (code -1): NA
    metric_codes = np.append(pd.factorize(ids)[0], -1)[codes]              # as _plan_file numbers them; -1 stays
    frame = _without_title_units_of_other_kinds(frame, lookup)[0]
    frame = _placeholder_zeros_to_come(frame)[0]
    checks = [lambda: _refuse_months_not_begun(frame, file_name)]
    checks += [functools.partial(check, frame, lookup, file_name)
               for check in (_refuse_other_units, _refuse_percent_for_other_units, _refuse_below_zero)]
    checks += [lambda: _repeated_values(frame, metric_codes, file_name)]
    for check in checks:
        try:
            check()
        except InputRefused as refused:
            problems += refused.problems
    return problems


def _qualified_by_service(records: pd.DataFrame, lookup) -> pd.DataFrame:
    """A service column (服务, 子公司) says whose metric a row is: 'SLA达成率' on a row for 网银 is the
    catalogue's '网银-SLA达成率' (or 'SLA达成率(网银)', 网银SLA达成率, …) when it has such a metric;
    otherwise the name stays as written. Each distinct (name, service) pair is looked up once."""
    if "service" not in records or not records["service"].notna().any():
        return records
    pairs = pd.MultiIndex.from_arrays([records["metric"].astype(object), records["service"].astype(object)])
    codes, uniques = pairs.factorize()
    names = []
    for metric, service in uniques:
        forms = [] if pd.isna(service) or pd.isna(metric) else (f.format(s=service, m=metric) for f in _SERVICE_FORMS)
        names.append(next((form for form in forms if lookup.match(form) is not None), metric))
    if all(name is metric for name, (metric, _) in zip(names, uniques, strict=True)):
        return records
    return records.assign(metric=pd.Categorical(np.array(names, dtype=object)[codes]))


def _counts_without_a_value(frame: pd.DataFrame, lookup) -> list[str]:
    """One note per count metric with months the file leaves without a value (blank, 无, N/A) up to
    its latest figure: for a count, 无 usually means none happened, which is 0; read as not reported,
    the month shows no figure (or keeps the one stored) and the owner never sees why. Months after
    the file's latest figure (a year's tracking table filled up to October) are still to come."""
    counts = [i for i, unit in lookup.units.items() if is_count(unit)]
    missing = (frame["status"] == "missing").to_numpy()          # categorical: compared by its codes
    if not counts or not missing.any():
        return []
    missing = missing & frame["metric_id"].isin(counts).fillna(False).to_numpy(dtype=bool)
    if not missing.any():
        return []
    latest = frame.loc[frame["value"].notna(), "period_date"].max()
    missing = missing & (frame["period_date"] <= latest).to_numpy()   # months after the file's last figure are to come
    rows = frame.loc[missing, ["catalogue_name", "period", "sheet", "row"]]
    notes = []
    for name, group in rows.groupby(rows["catalogue_name"].astype(str), sort=True):
        months = ", ".join(group["period"].astype(str).head(6)) + (" …" if len(group) > 6 else "")
        notes.append(f"'{name}' has no value for {months} (from {_place(group.iloc[0])}): a blank, 无 or N/A is read as not "
                     "reported, not as 0, and a value already stored stays; write 0 where none happened")
    return notes[:10]


def _other_service_notes(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[str]:
    """One note per metric and service where a row's service (服务 网银) is not the one the
    catalogue keeps the metric for (IT运维服务) and names no metric of its own: the row loads into
    the catalogue's metric, which is right only if that service's figure is the metric's."""
    if "service" not in frame or not frame["service"].notna().any():
        return []
    kept = dict(con.execute("SELECT id, service FROM metric WHERE service IS NOT NULL AND trim(service) <> ''")
                .fetchall())
    rows = frame.loc[frame["service"].notna(), ["metric_id", "catalogue_name", "service", "sheet", "row"]]
    notes = _for_no_service(rows[(rows["metric_id"].fillna(0) > 0).to_numpy(dtype=bool)
                                 & ~rows["metric_id"].isin(list(kept)).fillna(False).to_numpy(dtype=bool)])
    rows = rows[rows["metric_id"].isin(list(kept)).fillna(False).to_numpy(dtype=bool)]
    for (metric_id, service), group in rows.groupby(["metric_id", "service"], sort=False, observed=True):
        catalogue_service = kept[int(metric_id)]
        if name_key(str(service)) == name_key(catalogue_service):
            continue
        name = group["catalogue_name"].iloc[0]
        notes.append(f"'{name}' on {_place(group.iloc[0])} is for service {service}, but the catalogue keeps it for "
                     f"{catalogue_service}: loaded as that metric; if {service} has its own, add "
                     f"'{service}-{name}' to the catalogue first")
    return notes[:10]


def _for_no_service(rows: pd.DataFrame) -> list[str]:
    """One note per service (华东分公司 under 单位名称 or 分公司) whose rows loaded into catalogue
    metrics kept for no service and not named for it: a subsidiary's figures then replace the
    group's, which is right only if the file is the group's own."""
    notes = []
    for service, group in rows.groupby(rows["service"].astype(str), sort=True):
        names = [name for name in dict.fromkeys(group["catalogue_name"].astype(str))
                 if name_key(service) not in name_key(name)]
        if names:
            shown = ", ".join(f"'{name}'" for name in names[:3]) + (" …" if len(names) > 3 else "")
            notes.append(f"the rows for {service} (from {_place(group.iloc[0])}) were loaded as {shown}, which the "
                         f"catalogue keeps for no service: if they are {service}'s own figures, add '{service}-"
                         f"{names[0]}' and the others to the catalogue first")
    return notes


def _with_values(records: pd.DataFrame, codes: np.ndarray, count: int) -> np.ndarray:
    """For each distinct name (code), whether any of its rows holds a value or a target."""
    filled = (records["value"].notna() | records["target"].notna()).to_numpy()
    return np.bincount(codes[filled & (codes >= 0)], minlength=count) > 0


def _heading_notes(records: pd.DataFrame, codes: np.ndarray, names, headings: np.ndarray) -> list[str]:
    """One note per name read as a group heading, where its first row is."""
    notes = []
    for code in np.flatnonzero(headings)[:20]:
        first = records.iloc[int(np.argmax(codes == code))]
        where = (f"sheet '{first['sheet']}', " if isinstance(first["sheet"], str) else "") + f"row {int(first['row'])}"
        notes.append(f"{where}: '{names[code]}' has no values and names no catalogue metric: read as a heading "
                     "and ignored")
    return notes


def _unique_ids(matched: np.ndarray, names, new_metrics: list[str]) -> pd.api.extensions.ExtensionArray:
    """Metric id of each distinct name; new metrics get a temporary negative id so that
    duplicates are still caught before writing."""
    if new_metrics:
        from .names import name_key

        temp = {name_key(n): -(i + 1) for i, n in enumerate(new_metrics)}
        matched = [temp[name_key(n)] if i is None else i for i, n in zip(matched, names)]
    return pd.array(list(matched), dtype="Int64")


def _statuses(codes: np.ndarray, index: pd.Index) -> pd.Series:
    """STATUSES[code] for every row, categorical: compared and counted by code, and built
    without making a Python string per row."""
    return pd.Series(pd.Categorical.from_codes(codes.astype("int8"), categories=list(STATUSES)), index=index,
                     copy=False)


def _period_dates(periods: pd.Series) -> np.ndarray:
    """First day of each 'YYYY-MM' period (datetime64), converted once per distinct period."""
    codes, uniques = factorize_cells(periods)
    dates = pd.to_datetime(pd.Series(uniques, dtype=object) + "-01").to_numpy(dtype="datetime64[s]")
    return np.append(dates, np.datetime64("NaT", "s"))[codes]


def _distinct_by_key(names: list[str]) -> list[str]:
    from .names import name_key
    out, keys = [], set()
    for n in names:
        if name_key(n) not in keys:
            keys.add(name_key(n))
            out.append(n)
    return out


def _in_months_to_come(records: pd.DataFrame) -> np.ndarray | None:
    """Which records are for a month that has not begun (each distinct month judged once); None
    when none is."""
    now = this_month()
    codes, periods = factorize_cells(records["period"])
    later = np.array([str(p) > now for p in periods] + [False], dtype=bool)     # code -1 (no month): not later
    return later[codes] if later[:-1].any() else None


def _on_sheet(sheet: object) -> str:
    """"sheet 'S': " before a note about a sheet of a workbook; nothing for a CSV."""
    return f"sheet '{sheet}': " if isinstance(sheet, str) else ""


def _placeholder_zeros_to_come(records: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The records with 0 in a month that has not begun read as blank, and a note per sheet: a
    yearly workbook's formulas (=IFERROR(…,0)) show 0 for the months to come, and each was refused
    as a value for a month not begun ('check the year'), which was not what was wrong."""
    later = _in_months_to_come(records)
    zero = later & (records["value"].to_numpy() == 0) if later is not None else None
    if zero is None or not zero.any():
        return records, []
    notes = []
    found = records.loc[zero, ["sheet", "period"]].astype(object)
    for sheet, group in found.groupby("sheet", sort=False, dropna=False):
        months = sorted(set(group["period"]))
        named = months[0] if len(months) == 1 else f"{months[0]} … {months[-1]}"
        cells = (f"1 cell of months to come ({named}) holds" if len(group) == 1
                 else f"{len(group)} cells of months to come ({named}) hold")
        notes.append(f"{_on_sheet(sheet)}{cells} 0, read as blank: a formula's placeholder for a month not yet reported")
    records = records.copy()
    records["value"] = records["value"].where(~zero)
    return records, notes


def _refuse_months_not_begun(records: pd.DataFrame, file_name: str) -> None:
    """A value for a month that has not begun is a wrong year (2027-10 typed for 2026-10, 十二月
    under this year's title in November): loaded, it would sit on every chart as a point in the
    future. Months of a yearly template not filled in yet are blank and pass. One problem per
    sheet, month column and month, at its first row, naming the rows it holds values on."""
    now = this_month()
    later = _in_months_to_come(records)
    if later is None:
        return
    rows = np.flatnonzero(later & records["value"].notna().to_numpy())
    found = records.iloc[rows][["sheet", "period_column", "period", "row"]].astype(object)
    problems = []
    for (sheet, column, period), group in found.groupby(["sheet", "period_column", "period"], sort=False, dropna=False):
        numbers = sorted(int(r) for r in group["row"])
        problems.append(Problem(
            f"'{period}' has not begun (this month is {now}): check the year; values are for months that have "
            "ended, or this one" + (f" ({len(numbers)} rows: {spans(numbers)})" if len(numbers) > 1 else ""),
            file=file_name, sheet=sheet, row=numbers[0], column=column if isinstance(column, str) else None))
    if problems:
        raise InputRefused(problems[:200])


def _without_title_units_of_other_kinds(frame: pd.DataFrame, lookup) -> tuple[pd.DataFrame, list[str]]:
    """The records without the unit noted over their table (IT成本（单位：元）) where their metric is
    kept in a unit of another kind (a rate in %, hours among the amounts), and a note of each: the
    note speaks for the table's amounts, and these values are read in the catalogue's unit. A unit
    of the same kind in another size (万元 for a metric kept in 元) is still refused."""
    noted = frame["unit_from_title"].to_numpy(dtype=bool)
    if not noted.any():
        return frame, []
    ids = frame["metric_id"].to_numpy(dtype="float64", na_value=np.nan)
    units = frame["unit"].astype(object).to_numpy()
    dropped = np.zeros(len(frame), dtype=bool)
    notes = []
    found = frame.loc[noted, ["sheet", "unit", "unit_row", "metric_id"]].astype(object).drop_duplicates()
    for (sheet, unit, row), group in found.groupby(["sheet", "unit", "unit_row"], sort=False, dropna=False):
        others = [int(i) for i in group["metric_id"] if i is not pd.NA and i > 0
                  and of_another_kind(str(unit), lookup.units.get(int(i)))]
        if not others:
            continue
        in_table = noted & (units == unit) & (frame["sheet"].astype(object).to_numpy() == sheet
                                               if isinstance(sheet, str) else frame["sheet"].isna().to_numpy())
        dropped |= in_table & np.isin(ids, others)
        kept = [f"'{lookup.names[i]}' (kept in {lookup.units[i]})" for i in others]
        listed = " or ".join([", ".join(kept[:-1]), kept[-1]] if len(kept) > 1 else kept)
        notes.append(f"{_on_sheet(sheet)}the unit noted over the table ({unit}, row {row}) is not the unit of {listed}: "
                     f"{'their values were' if len(others) > 1 else 'its values were'} read in the catalogue's units")
    if not dropped.any():
        return frame, []
    frame = frame.copy()
    for name in ("unit", "unit_column", "unit_row"):
        frame[name] = frame[name].where(~dropped)
    return frame, notes


def _refuse_other_units(frame: pd.DataFrame, lookup, file_name: str) -> None:
    """A unit column (单位) that names another unit than the catalogue's for a metric (分钟 for a
    metric kept in h) refuses the file: the numbers would be stored in the wrong unit. A unit the
    catalogue does not know the spellings of (次/月) is not judged."""
    units = frame["unit"]
    if isinstance(units.dtype, pd.CategoricalDtype) and not len(units.cat.categories) or not units.notna().any():
        return
    written = frame.loc[units.notna(), ["metric_id", "unit", "sheet", "row", "unit_column", "unit_row", "value"]]
    problems = []
    for metric_id, unit, sheet, row, column, unit_row, value in written.drop_duplicates(
            ["metric_id", "unit"]).itertuples(index=False):
        kept = lookup.units.get(int(metric_id)) if metric_id is not pd.NA and metric_id > 0 else None
        if other_unit(str(unit), kept):
            same = written[(written["metric_id"] == metric_id).fillna(False).to_numpy()
                           & (written["unit"].astype(object) == unit).to_numpy()]
            problems.append(Problem(_other_unit_problem(lookup.names[int(metric_id)], unit, value, kept)
                                    + _rows_on_its_sheet(same),
                                    file=file_name, sheet=sheet if isinstance(sheet, str) else None,
                                    row=_row_of_cell(row, unit_row), column=_text_or_none(column)))
    if problems:
        raise InputRefused(problems[:200])


_IN_HOURS = {"min": 60, "s": 3600, "d": 1 / 24}         # a duration read as hours, in the catalogue's unit of time


def _other_unit_problem(name: str, unit: str, value: float, kept: str) -> str:
    """Why values in `unit` are refused for a metric kept in `kept`. A time (00:12:30, a cell
    formatted as time) is read as hours, and nothing can say whether 12:30 meant twelve and a half
    hours or minutes: for a metric kept in another unit of time, the number to write is given."""
    factor = next((f for spelling, f in _IN_HOURS.items() if same_unit(spelling, kept)), None)
    if unit == DURATION and factor is not None and math.isfinite(value):
        return (f"'{name}' is written as a time here (read as {value:.4g} h), but the catalogue keeps it in {kept}: "
                f"write it as a number of {kept} (this one is {value * factor:.4g})")
    return f"'{name}' is in {unit} here, but the catalogue keeps it in {kept}; convert the values to {kept} first"


def _refuse_percent_for_other_units(frame: pd.DataFrame, lookup, file_name: str) -> None:
    """A value written as a percentage (95%, or a cell formatted as percent) for a metric kept in
    hours, tickets or 元: a row shifted, or another metric's name on it. Loaded, 95% would be 95 h."""
    written = frame["as_percent"].to_numpy(dtype=bool) & frame["value"].notna().to_numpy()
    if not written.any():
        return
    never = [i for i, unit in lookup.units.items() if never_percent(unit)]
    written &= np.isin(frame["metric_id"].to_numpy(dtype="float64", na_value=np.nan), never)  # a new metric: no unit
    problems = [Problem(percent_problem(value, lookup.names[int(metric_id)], lookup.units[int(metric_id)]),
                        file=file_name, sheet=sheet if isinstance(sheet, str) else None, row=int(row),
                        column=_text_or_none(column))
                for metric_id, value, sheet, row, column in frame.loc[
                    written, ["metric_id", "value", "sheet", "row", "value_column"]].head(200).itertuples(index=False)]
    if problems:
        raise InputRefused(problems)


def _refuse_below_zero(frame: pd.DataFrame, lookup, file_name: str) -> None:
    """A duration or a count below zero (-3.2 for a resolution time kept in h): a minus typed by
    mistake, or an export that subtracted the wrong way round. Loaded, it would be a fall on every
    chart that nobody had; a metric kept in % or in 元 may be a change or a balance, and is not judged."""
    below = (frame["value"].to_numpy() < 0) | (frame["target"].to_numpy() < 0)        # NaN is not below
    if not below.any():
        return
    problems = []
    for metric_id, value, target, sheet, row, column, target_column, target_row in frame.loc[
            below, ["metric_id", "value", "target", "sheet", "row", "value_column", "target_column",
                    "target_row"]].itertuples(index=False):
        if metric_id is pd.NA or metric_id <= 0:                  # a metric created by this file has no unit yet
            continue
        name, unit = lookup.names[int(metric_id)], lookup.units.get(int(metric_id))
        for why, cell, cell_row in ((below_zero_problem(value, name, unit), column, row),
                                    (below_zero_problem(target, name, unit, "the target"), target_column, target_row)):
            if why:
                problems.append(Problem(why, file=file_name, sheet=sheet if isinstance(sheet, str) else None,
                                        row=_row_of_cell(row, cell_row), column=_text_or_none(cell)))
                break
    if problems:                # a row's one target stands for each of its months: named once
        raise InputRefused(list(dict.fromkeys(problems))[:200])


def _repeated_values(frame: pd.DataFrame, metric_codes: np.ndarray,
                     file_name: str) -> tuple[np.ndarray | None, list[str]]:
    """The same metric and period twice in one file: the same value twice (a summary sheet and a
    process's sheet) is read once, with a note; two different values are ambiguous and refuse the
    file, naming both rows. Returns the rows to leave out (None: no repeat) and the notes.

    metric_codes number the rows' metrics 0..k-1 (two names of one metric share a code); each
    (metric, period) pair is counted in one array when the pairs fit, hashed otherwise.
    """
    period_codes, periods = factorize_cells(frame["period"])
    key = metric_codes.astype("int64")
    key *= len(periods) + 1
    key += period_codes
    key += 1                                                   # a missing period (code -1) counts as 0
    pairs = (int(metric_codes.max(initial=0)) + 1) * (len(periods) + 1)
    if pairs <= max(4 * len(key), 1 << 20) and metric_codes.min(initial=0) >= 0:
        if _all_distinct(key, pairs):
            return None, []
        dup = pd.Series(np.bincount(key, minlength=pairs)[key] > 1, index=frame.index, copy=False)
    else:
        dup = pd.Series(pd.Index(key).duplicated(keep=False), index=frame.index, copy=False)
    if not dup.any():
        return None, []
    problems, notes, repeats = [], [], np.zeros(len(frame), dtype=bool)
    for (_, period), group in frame[dup].groupby(["metric_id", "period"], sort=False):
        if _one_reading(group):
            kept = int(group["target"].notna().to_numpy().argmax())      # the row that gives the target, if one does
            rows = list(group.itertuples(index=False))
            repeats[frame.index.get_indexer(group.index.delete(kept))] = True
            notes += [f"'{other.metric}' {period} on {_place(other)} repeats the value on {_place(rows[kept])}: "
                      "read once" for i, other in enumerate(rows) if i != kept][: max(0, 20 - len(notes))]
            continue
        first, *others = group.itertuples(index=False)
        for other in others:
            services = [x for x in (first.service, other.service) if isinstance(x, str)]
            hint = (f": the rows are for different services ({services[0]}, {services[1]}); the catalogue needs a "
                    f"metric for each, e.g. '{services[1]}-{other.metric}'"
                    if len(services) == 2 and services[0] != services[1] else f": {_disagreement(other, first)}")
            problems.append(Problem(
                (f"'{other.metric}' {period} appears twice (also in sheet '{first.sheet}' row {first.row})"
                 if isinstance(first.sheet, str) else f"'{other.metric}' {period} appears twice (also on row {first.row})")
                + hint, file=file_name, sheet=other.sheet, row=int(other.row),
                column=_text_or_none(other.period_column)))
        if len(problems) >= 200:
            break
    if problems:
        sheets = {sheet: i for i, sheet in enumerate(dict.fromkeys(frame["sheet"].astype(object)))}
        raise InputRefused(sorted(problems, key=lambda p: (sheets.get(p.sheet, 0), p.row)))   # row by row
    return repeats, notes


def _all_distinct(keys: np.ndarray, count: int) -> bool:
    """Whether no key in 0..count-1 occurs twice, marked in a boolean array (2 MB for the pairs of two
    million rows) rather than counted in an int64 one (16 MB): most files repeat nothing."""
    seen = np.zeros(count, dtype=bool)
    seen[keys] = True
    return int(np.count_nonzero(seen)) == len(keys)


def _disagreement(here, there, where: str = "there") -> str:
    """What two rows for one metric and month say differently ('value 95.4 here, 96.1 there'), so
    that the owner sees which of the two to keep; the target when the values agree."""
    field = "value" if not _equal(pd.Series([here.value]), pd.Series([there.value]))[0] else "target"
    return f"{field} {_shown(getattr(here, field))} here, {_shown(getattr(there, field))} {where}"


def _shown(number: float) -> str:
    """A value as the cell had it: 95.4, not 95.40000000000001; a blank cell as 'blank'."""
    return "blank" if pd.isna(number) else f"{number:.15g}"


def _rows_on_its_sheet(rows: pd.DataFrame) -> str:
    """' (3 rows: 4, 7–8)': every row of the first one's sheet that a refusal concerns, in order,
    so that the owner corrects them all and not only the first; nothing for a single row."""
    sheet = rows["sheet"].iloc[0]
    here = rows["sheet"].isna() if not isinstance(sheet, str) else (rows["sheet"].astype(object) == sheet)
    numbers = sorted({int(r) for r in rows.loc[here.to_numpy(), "row"]})
    return f" ({len(numbers)} rows: {spans(numbers)})" if len(numbers) > 1 else ""


def _text_or_none(cell) -> str | None:
    return cell if isinstance(cell, str) else None


def _row_of_cell(row, cell_row) -> int:
    """The row of a record's cell: its own `row`, unless the cell is on another (`cell_row`: a target row)."""
    return int(row) if pd.isna(cell_row) else int(cell_row)


def _place(row) -> str:
    return f"sheet '{row.sheet}' row {row.row}" if isinstance(row.sheet, str) else f"row {row.row}"


def _one_reading(rows: pd.DataFrame) -> bool:
    """Whether rows for one metric and month say the same: equal values (missing equals missing),
    no two targets (a summary sheet without the target column does not contradict the process's
    sheet that has it), and no two services (those are two metrics the catalogue lacks)."""
    return (rows["value"].nunique(dropna=False) == 1 and rows["target"].nunique(dropna=True) <= 1
            and rows["service"].nunique(dropna=True) <= 1)


def _old_values(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame,
                metric_ids=None) -> tuple[np.ndarray, np.ndarray]:
    """The current value and its upload for each row's metric and period, NaN when there is none.

    Only the current values of the file's metrics (metric_ids, when the caller already knows
    them) are fetched and matched to the rows by a (metric, month) number, so neither the upload
    is sent to the database nor merged as a whole.
    """
    old_value, old_upload = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    ids = pd.unique(frame["metric_id"].dropna()) if metric_ids is None else pd.Series(metric_ids).dropna()
    current = _current_values(con, np.asarray(ids, dtype="int64"))
    if current.empty:
        return old_value, old_upload
    current = current.drop_duplicates(["metric_id", "period"])
    keys = pd.Index(_month_keys(current["metric_id"], current["period"]))
    found = keys.get_indexer(_month_keys(frame["metric_id"], frame["period_date"]))
    matched = found >= 0
    old_value[matched] = current["value"].to_numpy(dtype="float64")[found[matched]]
    old_upload[matched] = current["upload_id"].to_numpy(dtype="float64")[found[matched]]
    return old_value, old_upload


def _current_values(con: duckdb.DuckDBPyConnection, ids: np.ndarray) -> pd.DataFrame:
    """The current values of the metrics `ids` (those above 0), in the store's order. Ids that
    fill most of their range (a file's metrics, numbered as their catalogue was imported) are
    fetched as that range and picked here: DuckDB took 7 ms to plan the list of 5,000 ids."""
    ids = ids[ids > 0]
    low, high = (int(ids.min()), int(ids.max())) if len(ids) else (1, 0)
    if high - low >= 2 * len(ids):
        return con.execute("SELECT metric_id, period, value, upload_id FROM current_observation"
                           " WHERE list_contains(?, metric_id)", [ids.tolist()]).df()
    current = con.execute("SELECT metric_id, period, value, upload_id FROM current_observation"
                          " WHERE metric_id BETWEEN ? AND ?", [low, high]).df()
    named = current["metric_id"].isin(ids).to_numpy()
    return current if named.all() else current[named]


def _month_keys(metric_ids: pd.Series, dates: pd.Series) -> np.ndarray:
    """One number per (metric id, month): id x 10^6 + days since 1970 of the month's first day."""
    days = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]").astype("int64")
    return metric_ids.to_numpy(dtype="int64", na_value=-1) * 1_000_000 + days


@reuses_freed_memory
def apply_ingest(store: Store, plan: IngestPlan, *, by: str, source: str = "service_report") -> list[int]:
    """Write every file of the plan in one transaction; returns the new upload ids.

    The plan is re-checked against the store inside the transaction, so a value changed by
    someone else since the preview is not silently overwritten; when nothing at all was written
    since the plan was made (the data version is the one it saw), there is nothing to re-check.
    """
    if source not in SOURCES:
        raise InputRefused(Problem(f"source '{source}' is not one of {', '.join(SOURCES)}"))
    upload_ids = []
    with store.write() as con:
        recheck = not plan.still_current(store, con)
        for file_plan in plan.files:
            upload_ids.append(_write_file(con, file_plan, by, source, plan.create_metrics, recheck))
    return upload_ids


def _write_file(con: duckdb.DuckDBPyConnection, plan: FilePlan, by: str, source: str,
                create_metrics: bool, recheck: bool) -> int:
    frame = plan.changes
    if (frame["metric_id"] < 0).any():                  # metrics to create here, or made by an earlier file
        if not create_metrics:
            raise InputRefused(Problem("unknown metrics; load with --create-metrics", file=plan.file_name))
        if plan.new_metrics:
            create_metrics_for_names(con, plan.new_metrics, by, plan.new_metric_fields)
        lookup = metric_lookup(con)
        frame = frame.copy()
        negative = frame["metric_id"] < 0
        frame.loc[negative, "metric_id"] = frame.loc[negative, "metric"].map(lookup.match).astype("Int64")
    if recheck and _moved_since_plan(con, frame):
        raise InputRefused(Problem(
            "the store changed since this preview was made (another upload touched the same values); "
            "check the file again", file=plan.file_name))

    upload_id = con.execute(
        "INSERT INTO upload (file_name, sha256, uploaded_by, source, rows_read, values_new, values_changed,"
        " values_unchanged, values_missing, metrics_created, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " 'applied') RETURNING id",
        [plan.file_name, plan.sha256, by, source, plan.rows_read, plan.count("new"), plan.count("changed"),
         plan.count("unchanged"), plan.count("missing"), len(plan.new_metrics)],
    ).fetchone()[0]

    if plan.new_metrics:
        con.execute("UPDATE metric SET created_by_upload = ? WHERE name_key = ANY(?)",
                    [upload_id, [name_key(n) for n in plan.new_metrics]])
    changed = (frame["status"] == "changed").to_numpy()
    _supersede(con, _rows_of(frame, changed, ["metric_id", "period_date"]), upload_id)
    _record_restated(con, _rows_of(frame, (frame["status"] == "unchanged").to_numpy(), ["metric_id", "period_date"]),
                     upload_id)
    written = changed | (frame["status"] == "new").to_numpy()
    columns = ["metric_id", "period_date", "value", "target", "note", "sheet", "row"]
    writes = frame[columns] if written.all() else _rows_of(frame, written, columns)
    _insert(con, "observation (metric_id, period, value, upload_id, target, note, sheet, row_number)",
            "metric_id, CAST(period_date AS DATE), value, ?, target, note, sheet, \"row\"", writes, upload_id)
    suggestions = _rows_of(frame, frame["suggestion"].notna().to_numpy(),
                           ["metric_id", "period_date", "suggestion", "sheet", "row"])
    if len(suggestions):
        _insert(con, "suggestion", "?, metric_id, CAST(period_date AS DATE), suggestion, sheet, \"row\"",
                suggestions, upload_id)
    return upload_id


def _rows_of(frame: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """frame.loc[rows, columns], the columns taken first: .loc copied the columns' whole blocks
    (every row of the frame's numbers) before picking the rows, even when no row was picked."""
    return frame[columns][rows]


def _moved_since_plan(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> bool:
    """True when a current value of the file's metrics and periods is not what the plan saw."""
    was, now = frame["old_value"], pd.Series(_old_values(con, frame)[0], index=frame.index)
    return bool(((was.isna() != now.isna()) | (was.notna() & now.notna() & (was != now))).any())


def _supersede(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame, upload_id: int) -> None:
    """Mark the current values of these metrics and periods as superseded by the upload."""
    if keys.empty:
        return
    con.register("superseded_keys", keys.astype({"metric_id": "int64"}))
    try:
        con.execute(
            """
            UPDATE observation SET superseded_by = ?
            FROM superseded_keys w
            WHERE observation.metric_id = w.metric_id AND observation.period = w.period_date
              AND observation.superseded_by IS NULL AND NOT observation.retracted
            """,
            [upload_id],
        )
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("superseded_keys")


def _record_restated(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame, upload_id: int) -> None:
    """Note which uploads hold the current values the upload restated unchanged (no row of its own is
    written for those): rolling one of them back would bring back values this upload still says are wrong."""
    if keys.empty:
        return
    con.register("restated_keys", keys.astype({"metric_id": "int64"}))
    try:
        con.execute(
            """
            INSERT INTO restatement SELECT DISTINCT ?, o.upload_id
            FROM current_observation o JOIN restated_keys k ON o.metric_id = k.metric_id AND o.period = k.period_date
            """, [upload_id])
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("restated_keys")


def _insert(con: duckdb.DuckDBPyConnection, table: str, select: str, rows: pd.DataFrame, upload_id: int) -> None:
    """One INSERT ... SELECT of a whole frame, handed over as Arrow (DuckDB scans it in bulk)."""
    rows = rows.astype({"metric_id": "int64", "row": "int64"})
    con.register("incoming_rows", pa.Table.from_pandas(rows, preserve_index=False))
    try:
        con.execute(f"INSERT INTO {table} SELECT {select} FROM incoming_rows", [upload_id])
    finally:
        with contextlib.suppress(duckdb.Error):     # after Ctrl-C the transaction is aborted: the interrupt counts
            con.unregister("incoming_rows")
