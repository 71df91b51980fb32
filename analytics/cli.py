"""Command line: `python -m analytics [--db PATH] COMMAND`, for people and monthly batch jobs.

Exit status: 0 success, 1 input refused (nothing written; reason on stderr), 2 usage error.
No user error ever prints a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

from . import config
from .errors import (
    INTERRUPTED,
    InputRefused,
    NotAllowed,
    Problem,
    StoreError,
    UsageError,
)
from .output import FORMATS, json_value, render
from .store import Store, interrupted_query

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit is 2 already; keep its text short
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analytics", description="Service Improvement Dashboard command line.")
    parser.add_argument("--db", help="store file (default $CSI_DB or data/csi.duckdb)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    sub.add_parser("init", help="create or migrate the store (idempotent)")

    p = sub.add_parser("demo", help="fill an empty store with the demo data")
    p.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) when the store has data")

    p = sub.add_parser("metrics", help="list the catalogue, or `metrics import FILE`")
    p.add_argument("action", nargs="?", choices=["import"], help="import a catalogue file")
    p.add_argument("file", nargs="?", help="catalogue file (.csv or .xlsx)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--by", default=None, help="who makes the change (default: OS user)")

    p = sub.add_parser("ingest", help="load metric files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
    p.add_argument("--create-metrics", action="store_true", help="create unknown metrics instead of refusing")
    p.add_argument("--by", default=None, help="who uploads (default: OS user)")
    from .ingest import SOURCES
    p.add_argument("--source", choices=SOURCES, default="service_report", help="where the data comes from")

    p = sub.add_parser("uploads", help="list uploads")
    p.add_argument("--format", choices=FORMATS, default="table")

    p = sub.add_parser("rollback", help="roll back an upload as a whole")
    p.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    p.add_argument("--by", default=None)

    p = sub.add_parser("observations", help="current values")
    p.add_argument("--metric", default=None)
    p.add_argument("--format", choices=FORMATS, default="table")

    p = sub.add_parser("baselines", help="baseline/target versions: list, `set` or `compute`")
    p.add_argument("action", nargs="?", choices=["set", "compute"])
    p.add_argument("--metric", default=None)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--baseline", type=_finite_number, default=None)
    p.add_argument("--target", type=_finite_number, default=None)
    p.add_argument("--from", dest="from_period", default=None, metavar="YYYY-MM")
    p.add_argument("--window", default=None, metavar="YYYY-MM:YYYY-MM")
    p.add_argument("--stat", choices=["mean", "median"], default="mean")
    p.add_argument("--by", default=None, help="who sets the version (needed by set and compute; kept with it)")
    p.add_argument("--reason", default=None)
    p.add_argument("--backdate", action="store_true",
                   help="accept a --from before the latest version's (changes months already reviewed)")

    p = sub.add_parser("records", help="service improvement records: raise, revise, note, move, list, show")
    rsub = p.add_subparsers(dest="records_action", metavar="ACTION", parser_class=_Parser)
    rsub.required = True
    r = rsub.add_parser("raise", help="raise a record (prints its id)")
    r.add_argument("--title", required=True)
    r.add_argument("--by", required=True, metavar="USER")
    r.add_argument("--metric", default=None)
    r.add_argument("--period", default=None, metavar="YYYY-MM")
    from .records import RECORD_SOURCES, STATES
    r.add_argument("--source", choices=RECORD_SOURCES, default="gap")
    _plan_options(r)
    r = rsub.add_parser("revise", help="adjust a record's plan (every change is kept in its trail)")
    r.add_argument("record_id", type=int, metavar="ID")
    r.add_argument("--by", required=True, metavar="USER")
    r.add_argument("--reason", required=True, help="why the plan changes")
    r.add_argument("--title", default=None)
    _plan_options(r)
    r.add_argument("--clear", action="append", default=[], metavar="OPTION", choices=PLAN_OPTION_FIELDS,
                   help="empty a plan field, named as its option without dashes (repeatable): "
                        + ", ".join(PLAN_OPTION_FIELDS))
    r = rsub.add_parser("note", help="add a monitoring note (质量管理部跟踪) to an implementing or monitored record")
    r.add_argument("record_id", type=int, metavar="ID")
    r.add_argument("--by", required=True, metavar="USER")
    r.add_argument("--text", required=True)
    r = rsub.add_parser("move", help="move a record to another state")
    r.add_argument("record_id", type=int, metavar="ID")
    r.add_argument("--to", required=True, choices=STATES)
    r.add_argument("--by", required=True, metavar="USER")
    r.add_argument("--comment", default=None)
    r.add_argument("--change-ref", default=None,
                   help="moving to implementing; or a correction with any step while implementing or monitoring")
    r.add_argument("--go-live", default=None, metavar="YYYY-MM",
                   help="moving to implementing; or a correction with any step while implementing or monitoring")
    r.add_argument("--baseline", type=float, default=None, help="on closing: the new baseline")
    r.add_argument("--target", type=float, default=None, help="on closing: the new target")
    r.add_argument("--from-state", choices=STATES, default=None,
                   help="the state you saw: refuse the step if someone moved the record meanwhile")
    r = rsub.add_parser("list", help="list records")
    r.add_argument("--state", choices=STATES, default=None)
    r.add_argument("--format", choices=FORMATS, default="table")
    r = rsub.add_parser("show", help="one record with its events and verification")
    r.add_argument("record_id", type=int, metavar="ID")
    r.add_argument("--format", choices=["table", "json"], default="table")

    p = sub.add_parser("users", help="user accounts: `users add NAME --role ROLE`, `users set NAME ...`, `users list`")
    usub = p.add_subparsers(dest="users_action", metavar="ACTION", parser_class=_Parser)
    usub.required = True
    from .users import ROLES
    u = usub.add_parser("add", help="add a user (asks for a password, or reads it from stdin)")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=ROLES)
    u.add_argument("--no-password", action="store_true", help="an account that cannot sign in (CLI attribution only)")
    u.add_argument("--process", action="append", default=None, metavar="PROCESS",
                   help="a process whose metrics a process owner may upload (repeat for several)")
    u.add_argument("--by", default=None)
    u = usub.add_parser("set", help="change an account: role, processes, active, password")
    u.add_argument("name")
    u.add_argument("--role", choices=ROLES, default=None)
    u.add_argument("--process", action="append", default=None, metavar="PROCESS",
                   help="the processes of a process owner (replaces the list; repeat for several)")
    u.add_argument("--no-processes", action="store_true", help="unlink every process")
    u.add_argument("--deactivate", action="store_true", help="the account can no longer sign in or act")
    u.add_argument("--activate", action="store_true")
    u.add_argument("--password", action="store_true", help="set a new password (asks, or reads stdin)")
    u.add_argument("--by", default=None)
    u = usub.add_parser("list", help="list users")
    u.add_argument("--format", choices=FORMATS, default="table")

    p = sub.add_parser("spc", help="XmR (Making Data Count) statistics of a CSV file; no store needed")
    p.add_argument("input", help="CSV with metric,period,value [,target,improvement_direction,rebase]")
    p.add_argument("--fix-after", type=_positive_int, default=None, help="limits from the first N points of each segment")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--summary", action="store_true", help="per-metric verdicts as CSV metric,variation,assurance")

    p = sub.add_parser("report", help="the gap report for a period as xlsx, csv, html or pdf")
    p.add_argument("--period", default=None, help="YYYY-MM (default: the latest complete month)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=("xlsx", "csv", "html", "pdf"), required=True)
    p.add_argument("--output", required=True, help="the file to write")
    p.add_argument("--process", default=None, help="only metrics of this process")
    p.add_argument("--category", default=None, help="only metrics of this category")

    p = sub.add_parser("backup", help="a consistent copy of the store (safe while the dashboard runs)")
    p.add_argument("file")
    p = sub.add_parser("restore", help="replace the store with a backup (the current one is kept beside it)")
    p.add_argument("file")

    p = sub.add_parser("analyse", help="gaps, status, SPC verdicts, trend and priority for a period")
    p.add_argument("--period", default=None, help="YYYY-MM (default: the latest period with data, even one not yet ended)")
    p.add_argument("--format", choices=FORMATS, default="table")

    p = sub.add_parser("plan", help="the annual service improvement plan (年度服务改进计划) of a year")
    p.add_argument("--year", type=_year, default=None, help="YYYY (default: this year)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the csv and xlsx export")
    p.add_argument("--format", choices=(*FORMATS, "xlsx"), default="table")
    p.add_argument("--output", default=None, help="the file to write (default: stdout; xlsx needs a file)")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year (use YYYY)")
    return int(text)


def _finite_number(text: str) -> float:
    """A number argument: 'inf' and 'nan' parse as floats but are no baseline or target."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _by(args: argparse.Namespace) -> str:
    return args.by or config.current_user()


def cmd_init(store: Store, args: argparse.Namespace) -> int:
    version = store.ensure_schema()
    print(f"store {store.path} ready (schema version {version})")
    return EXIT_OK


def cmd_demo(store: Store, args: argparse.Namespace) -> int:
    from .demo import load_demo

    if args.if_empty and not store.is_empty():
        print(f"store {store.path} already has data or accounts; demo not loaded")
        return EXIT_OK
    summary = load_demo(store, datetime.date.today())
    print(f"demo loaded into {store.path}: {summary['metrics']} metrics, {summary['values']} values, "
          f"{summary['first_period']} to {summary['last_period']}")
    print("demo accounts (the sign-in page shows them too, in demo mode only):")
    import pandas as pd

    sys.stdout.write(render(pd.DataFrame(summary["accounts"]), "table"))
    return EXIT_OK


def cmd_metrics(store: Store, args: argparse.Namespace) -> int:
    from .catalogue import CATALOGUE_COLUMNS, import_catalogue_file, list_metrics

    if args.action == "import":
        if not args.file:
            raise UsageError("metrics import needs a FILE")
        counts = import_catalogue_file(store, Path(args.file), by=_by(args), isolated=True)
        print(f"{args.file}: {counts['created']} metrics created, {counts['updated']} updated, "
              f"{counts['baselines']} baseline/target versions added")
        for sheet, reason in counts["skipped_sheets"]:      # stderr: stdout keeps the one summary line
            print(f"  note: sheet '{sheet}' skipped: {reason}; read sheet '{counts['sheet']}'", file=sys.stderr)
        for note in counts["notes"]:
            print(f"  note: {note}", file=sys.stderr)
        if counts["unread"]:
            print(f"  note: columns not read (not catalogue columns): {', '.join(counts['unread'])}",
                  file=sys.stderr)                      # as ingest's notes: stdout keeps the summary
        for warning in counts["warnings"]:
            print(f"warning: {warning}", file=sys.stderr)
        return EXIT_OK
    if args.file:
        raise UsageError(f"unexpected argument {args.file!r}")
    frame = list_metrics(store)
    if args.format == "table":
        frame = frame[["name", "name_zh", "unit", "category", "direction", "process", "owner", "weight",
                       "tolerance", "baseline", "target", "from_period"]]
    else:
        frame = frame[CATALOGUE_COLUMNS]
    sys.stdout.write(render(frame, args.format))
    return EXIT_OK


def cmd_ingest(store: Store, args: argparse.Namespace) -> int:
    from .ingest import NEW_METRICS_NAMED, apply_ingest, plan_ingest

    names = _file_names(args.files)
    folders = [Problem(f"this is a folder, not a file: name the files in it, e.g. {Path(f) / '*.xlsx'}", file=name)
               for f, name in zip(args.files, names) if Path(f).is_dir()]
    if folders:
        raise InputRefused(folders)
    plan = plan_ingest(store, [(Path(f), name) for f, name in zip(args.files, names)],
                       create_metrics=args.create_metrics, isolated=True)
    summary: list[str] = []          # stdout once the load is done: a failed write leaves no figures there
    for file_plan in plan.files:
        s = file_plan.summary()
        summary.append(f"{s['file']}: {s['rows']} rows, {s['new']} new, {s['changed']} changed, {s['unchanged']} "
                       f"unchanged, {s['missing']} missing" + (f", {s['new_metrics']} new metrics" if s["new_metrics"]
                                                               else "")
                       + (f", {s['suggestions']} suggestions" if s["suggestions"] else ""))
        summary += [f"  sheet '{sheet}' skipped: {reason}" for sheet, reason in file_plan.parsed.skipped_sheets]
        for warning in file_plan.parsed.warnings:          # stderr, where a batch job looks for trouble;
            print(f"  note: {warning}", file=sys.stderr)     # stdout keeps the lines a script parses
        for doubt in file_plan.doubts:
            print(f"  warning: {doubt}", file=sys.stderr)
        created = file_plan.new_metrics_as_created()
        for metric in created[:NEW_METRICS_NAMED]:
            print(f"  note: new metric '{metric['name']}': direction {metric['direction']}, unit "
                  f"{metric['unit'] or 'none'}, {metric['decimals']} decimals (from the file); give it a category, "
                  "process and owner with 'metrics import'", file=sys.stderr)
        if len(created) > NEW_METRICS_NAMED:
            print(f"  note: … and {len(created) - NEW_METRICS_NAMED} more new metrics", file=sys.stderr)
        if args.dry_run:
            changed = file_plan.changes[file_plan.changes["status"] == "changed"]
            summary += [f"  changed: {row.catalogue_name} {row.period}: {row.old_value:g} -> {row.value:g}"
                        for row in changed.head(50).itertuples(index=False)]
            if len(changed) > 50:
                summary.append(f"  ... and {len(changed) - 50} more changed values")
            new = file_plan.changes[file_plan.changes["status"] == "new"]      # what would be loaded, not only changed
            summary += [f"  new: {row.catalogue_name} {row.period}: {row.value:g}" for row in new.head(50).itertuples(index=False)]
            if len(new) > 50:
                summary.append(f"  ... and {len(new) - 50} more new values")
    if args.dry_run:
        print("\n".join([*summary, "dry run: nothing was written"]))
        return EXIT_OK
    ids = apply_ingest(store, plan, by=_by(args), source=args.source)
    print("\n".join([*summary, "loaded as upload " + ", ".join(f"#{i}" for i in ids)]))
    return EXIT_OK


def _file_names(files: list[str]) -> list[str]:
    """How messages and the upload log name each file: its base name, or the path as given where
    two files of the run share a base name (owners/a/data.csv and owners/b/data.csv)."""
    bases = [Path(f).name for f in files]
    shared = {base for base in bases if bases.count(base) > 1}
    return [f if base in shared else base for f, base in zip(files, bases)]


def cmd_uploads(store: Store, args: argparse.Namespace) -> int:
    from .uploads import list_uploads

    frame = list_uploads(store)
    if args.format == "table":
        frame = frame.drop(columns=["sha256"])
    sys.stdout.write(render(frame, args.format))
    return EXIT_OK


def cmd_rollback(store: Store, args: argparse.Namespace) -> int:
    from .uploads import rollback_upload, verified_records_note

    result = rollback_upload(store, args.upload_id, by=_by(args))
    print(f"upload #{args.upload_id} rolled back: {result['retracted']} values retracted, "
          f"{result['restored']} earlier values restored"
          + (f"; metrics it created removed: {', '.join(result['removed'])}" if result["removed"] else ""))
    if result["records"]:                   # stderr: stdout keeps the line a batch job parses
        print(f"warning: {verified_records_note(result['records'])}", file=sys.stderr)
    return EXIT_OK


def cmd_observations(store: Store, args: argparse.Namespace) -> int:
    from .observations import current_observations

    frame = current_observations(store, args.metric)
    sys.stdout.write(render(frame, args.format))
    return EXIT_OK


def cmd_baselines(store: Store, args: argparse.Namespace) -> int:
    from .baselines import compute_version, list_versions, set_version_if_changed

    if args.action is None:
        frame = list_versions(store, args.metric)
        sys.stdout.write(render(frame, args.format))
        return EXIT_OK
    if not args.metric or not args.from_period:
        raise UsageError(f"baselines {args.action} needs --metric and --from")
    if args.action == "set" and args.reason is None:
        raise UsageError("baselines set needs --reason (why the baseline or target changes)")
    if not (args.by or "").strip():         # as README says: not the OS user ('root' on a server) by default
        raise UsageError(f"baselines {args.action} needs --by (who sets the version; it is kept with it)")
    if args.action == "set":
        cycle, added = set_version_if_changed(store, args.metric, baseline=args.baseline, target=args.target,
                                              from_period=args.from_period, by=args.by.strip(), reason=args.reason,
                                              backdate=args.backdate)
        print(f"{args.metric}: new baseline/target version from {args.from_period} (cycle {cycle})" if added else
              f"{args.metric}: baseline/target from {args.from_period} unchanged (cycle {cycle} has these values); "
              "no version added")
        return EXIT_OK
    if not args.window:
        raise UsageError("baselines compute needs --window YYYY-MM:YYYY-MM")
    cycle, value, n = compute_version(store, args.metric, window=args.window, stat=args.stat,
                                      from_period=args.from_period, by=args.by.strip(), target=args.target,
                                      reason=args.reason, backdate=args.backdate)
    print(f"{args.metric}: baseline {value:.6g} ({args.stat} of {n} months {args.window}) from "
          f"{args.from_period} (cycle {cycle})")
    return EXIT_OK


# the plan options of `records raise` and `revise` -> the fields they fill; `revise --clear due` empties one
PLAN_OPTION_FIELDS = {"description": "description", "root-cause": "root_cause", "actions": "planned_actions",
                      "resources": "resources", "owner": "owner", "priority": "priority", "due": "due_date",
                      "expected-value": "expected_value", "expected-by": "expected_by"}


def _plan_options(parser: argparse.ArgumentParser) -> None:
    """A record's plan fields, as `records raise` gives and `records revise` changes them."""
    parser.add_argument("--description", default=None)
    parser.add_argument("--root-cause", default=None)
    parser.add_argument("--actions", dest="planned_actions", default=None, help="the planned actions")
    parser.add_argument("--resources", default=None)
    parser.add_argument("--owner", default=None)
    parser.add_argument("--priority", choices=("high", "medium", "low"), default=None)
    parser.add_argument("--due", dest="due_date", default=None, metavar="YYYY-MM-DD")
    parser.add_argument("--expected-value", type=float, default=None)
    parser.add_argument("--expected-by", default=None, metavar="YYYY-MM-DD")


def _plan_fields(args: argparse.Namespace) -> dict:
    from .records import PLAN_FIELDS

    return {field: getattr(args, field) for field in PLAN_FIELDS if getattr(args, field, None) is not None}


def cmd_records(store: Store, args: argparse.Namespace) -> int:
    from . import records

    action = args.records_action
    if action == "raise":
        snapshot = None
        if args.metric and args.period:
            from .record_views import gap_snapshot
            snapshot = gap_snapshot(store, args.metric, args.period)
        fields = {k: v for k, v in _plan_fields(args).items() if k != "title"}
        record_id = records.raise_record(store, title=args.title, by=args.by, source=args.source, metric=args.metric,
                                         period=args.period, snapshot=snapshot, **fields)
        print(record_id)
        _warn_past_dates(records.past_plan_dates(fields))
        for other, state in records.others_open_on_its_metric(store, record_id):
            print(f"warning: record #{other} ({state}) is also open on this metric; check that this is not the same "
                  "improvement raised twice", file=sys.stderr)
        return EXIT_OK
    if action == "revise":
        fields = _plan_fields(args)
        cleared = tuple(PLAN_OPTION_FIELDS[option] for option in args.clear)
        records.revise_plan(store, args.record_id, by=args.by, reason=args.reason, clear=cleared, **fields)
        print(f"record #{args.record_id} revised: {', '.join([*fields, *cleared])}")
        _warn_past_dates(records.past_plan_dates(fields))
        return EXIT_OK
    if action == "note":
        records.add_note(store, args.record_id, by=args.by, text=args.text)
        print(f"note added to record #{args.record_id}")
        return EXIT_OK
    if action == "move":
        state = records.move_record(store, args.record_id, args.to, by=args.by, comment=args.comment,
                                    change_ref=args.change_ref, go_live=args.go_live,
                                    new_baseline=args.baseline, new_target=args.target,
                                    expected_from=args.from_state)
        print(f"record #{args.record_id} is now {state}")
        record = records.get_record(store, args.record_id)
        if early := records.go_live_before_gap(record):       # stderr: stdout keeps the line a batch job parses
            print(f"warning: go-live {early} is before the gap month {record['period']}: the gap arose after the "
                  "change went live; check the go-live month", file=sys.stderr)
        return EXIT_OK
    if action == "list":
        frame = records.list_records(store, args.state)[records.RECORD_LIST_COLUMNS]
        sys.stdout.write(render(frame, args.format))
        return EXIT_OK
    from .record_views import record_report
    sys.stdout.write(record_report(store, args.record_id, args.format))
    return EXIT_OK


def _warn_past_dates(dates: list) -> None:
    """A plan's due or expected-by date already past, on stderr (accepted: records are sometimes
    entered after the fact)."""
    for field, day in dates:
        print(f"warning: {field.replace('_', ' ')} {day.isoformat()} is in the past; check the date unless the "
              "record is entered after the fact", file=sys.stderr)


def _read_password(name: str) -> str:
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != first:
            raise InputRefused("the two passwords differ; no user was added")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def cmd_users(store: Store, args: argparse.Namespace) -> int:
    from .users import add_user, get_user, list_users, update_user

    if args.users_action == "add":
        password = None if args.no_password else _read_password(args.name)
        user = add_user(store, args.name, args.role, password=password, by=_by(args), processes=args.process)
        print(f"user {user.name} added as {user.role}" + (f" for {', '.join(user.processes)}" if user.processes else ""))
        return EXIT_OK
    if args.users_action == "set":
        if args.activate and args.deactivate:
            raise UsageError("--activate and --deactivate exclude each other")
        user = update_user(store, args.name, by=_by(args), role=args.role,
                           processes=[] if args.no_processes else args.process,
                           active=True if args.activate else False if args.deactivate else None,
                           password=_read_password(args.name) if args.password else None)
        print(f"user {user.name}: {user.role}" + (f" for {', '.join(user.processes)}" if user.processes else "")
              + ("; deactivated (cannot sign in)" if get_user(store, user.name) is None else ""))
        return EXIT_OK
    sys.stdout.write(render(list_users(store), args.format))
    return EXIT_OK


def cmd_spc(store: Store, args: argparse.Namespace) -> int:
    from .spc_io import read_spc_input, spc_json, spc_table

    frame = read_spc_input(Path(args.input))
    rows, summary = spc_table(frame, fix_after=args.fix_after)
    if args.summary:
        sys.stdout.write(render(summary[["metric", "variation", "assurance"]], "csv"))
    elif args.format == "json":
        sys.stdout.write(spc_json(rows, summary))
    else:
        sys.stdout.write(render(rows, "csv"))
    return EXIT_OK


def cmd_analyse(store: Store, args: argparse.Namespace) -> int:
    from .analysis import analyse, analyse_output, latest_complete_period
    from .periods import parse_period

    period = None
    if args.period is not None:
        period = parse_period(args.period)
        if period is None:
            raise UsageError(f"--period {args.period!r} is not a month (use YYYY-MM)")
    store.ensure_schema()
    analysis = analyse(store, period)
    if period is not None and analysis.periods and not any(p.strftime("%Y-%m") == period for p in analysis.periods):
        print(_no_values_note(period, analysis.table.empty), file=sys.stderr)
    complete = latest_complete_period(analysis.periods) if period is None and analysis.period is not None else None
    if complete is not None and complete != analysis.period:
        # the newest month with data has not ended: the report and the dashboard show the month before
        print(f"note: {analysis.period:%Y-%m} has not ended yet; `report` and the dashboard default to "
              f"{complete:%Y-%m} (give --period to choose)", file=sys.stderr)
    sys.stdout.write(render(analyse_output(analysis), args.format))
    return EXIT_OK


def _no_values_note(period: str, nothing: bool) -> str:
    """What a month without values gives: metrics shown as no_data, or (before the first month with
    data) no metric at all, which 'metrics show as no_data' beside an empty table would not say."""
    if nothing:
        return f"note: no values for {period} or any month before it; nothing to show"
    return f"note: no values for {period}; metrics show as no_data"


def cmd_report(store: Store, args: argparse.Namespace) -> int:
    from .periods import parse_period
    from .report_content import build_report
    from .reports import render_report

    period = None
    if args.period is not None:
        period = parse_period(args.period)
        if period is None:
            raise UsageError(f"--period {args.period!r} is not a month (use YYYY-MM)")
    target = _output_target(args.output, _report_unwritable)
    store.ensure_schema()
    content = build_report(store, period, args.lang, process=args.process, category=args.category)
    if period is not None and not content.has_values:         # as analyse says it
        print(_no_values_note(period, content.gaps.empty), file=sys.stderr)
    _write_output(target, render_report(content, args.format), _report_unwritable)
    print(f"{args.output}: {args.format} gap report for {content.period or '-'} ({len(content.gaps)} metrics, "
          f"{len(content.charts)} charts)", file=_where_to_confirm(target))
    return EXIT_OK


def _where_to_confirm(output: Path):
    """stdout for the line saying what was written, unless the file went there itself (--output
    /dev/stdout piped into mail): then stderr, so that the line does not end the report."""
    return sys.stdout if output.is_file() else sys.stderr


def _output_target(output: str, unwritable: Callable[[Path, str], InputRefused]) -> Path:
    """The file to write to, refused at once (before a PDF takes its seconds) when it is a folder
    or its folder does not exist, as one line, where the write raised a traceback."""
    path = Path(output)
    if path.is_dir():
        raise unwritable(path, "it is a folder")
    if not path.parent.is_dir():
        raise unwritable(path, "its folder does not exist")
    return path


def _write_output(path: Path, data: bytes, unwritable: Callable[[Path, str], InputRefused]) -> None:
    """Write beside `path` under a temporary name, then rename: a full disk leaves no 0-byte report
    behind, nor last month's report cut short. A device or pipe (--output /dev/stdout, which batch
    jobs pipe into mail) is written directly; a symbolic link's target is replaced, not the link."""
    import tempfile

    partial = None
    try:
        if path.exists() and not path.is_file():                      # /dev/stdout, a pipe: written as it comes
            with open(path, "wb") as out:
                out.write(data)
            return
        path = path.resolve() if path.is_symlink() else path          # a link to a shared file stays a link
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        partial = Path(name)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(partial, 0o666 & ~_umask())
        os.replace(partial, path)
    except OSError as exc:            # no permission, disk full: still one line
        raise unwritable(path, exc.strerror or str(exc)) from None
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)


def _umask() -> int:
    """The process's umask (a file made by mkstemp is 0600; a report is made as any file would be)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _report_unwritable(path: Path, why: str) -> InputRefused:
    return InputRefused(Problem(f"cannot write the report to {path}: {why}"))


def _plan_unwritable(path: Path, why: str) -> InputRefused:
    return InputRefused(Problem(f"cannot write the annual plan to {path}: {why}"))


def cmd_backup(store: Store, args: argparse.Namespace) -> int:
    from .backup import backup

    target = backup(store, args.file)
    print(f"store {store.path} backed up to {target} ({target.stat().st_size:,} bytes)")
    return EXIT_OK


def cmd_restore(store: Store, args: argparse.Namespace) -> int:
    from .backup import restore

    kept, missing = restore(store, args.file)
    print(f"store {store.path} restored from {args.file}" + (f"; the previous store was kept as {kept}" if kept else ""))
    if any(missing.values()):
        lost = [f"{what} {', '.join(f'#{i}' for i in ids)}" for what, ids in missing.items() if ids]
        print(f"warning: the backup is older than the store it replaced: {' and '.join(lost)} are only in {kept}",
              file=sys.stderr)
    return EXIT_OK


def cmd_plan(store: Store, args: argparse.Namespace) -> int:
    import json

    from .annual_plan import annual_plan, plan_csv, plan_output, plan_xlsx

    if args.format == "xlsx" and not args.output:
        raise UsageError("plan --format xlsx needs --output FILE")
    store.ensure_schema()
    plan = annual_plan(store, args.year or datetime.date.today().year)
    if args.format == "xlsx":
        data = plan_xlsx(plan, args.lang)
    elif args.format == "csv":
        data = plan_csv(plan, args.lang)
    elif args.format == "json":
        data = json.dumps(plan_output(plan), ensure_ascii=False, indent=2, default=json_value) + "\n"
    else:
        data = _plan_table(plan)
    if not args.output:
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))   # the csv keeps its BOM
        return EXIT_OK
    _write_output(_output_target(args.output, _plan_unwritable),
                  data if isinstance(data, bytes) else data.encode("utf-8"), _plan_unwritable)
    print(f"{args.output}: {args.format} annual plan for {plan.year} ({len(plan.records)} records)",
          file=_where_to_confirm(Path(args.output)))
    return EXIT_OK


def _plan_table(plan) -> str:
    """The plan for people: the year's results and stages, then its records."""
    from .annual_plan import stage_counts

    share = plan.summary["share_effective"]
    lines = [f"annual service improvement plan {plan.year}"]
    lines += [f"  {key}: {value}" for key, value in plan.summary.items() if key != "share_effective"]
    lines.append(f"  share_effective: {'-' if share is None else f'{share:.0%}'}")
    lines += [f"  stage {bucket}: {count}" for bucket, count in stage_counts(plan).items()]
    records = plan.records.assign(title=[t if len(t) <= 40 else t[:39] + "…" for t in plan.records["title"]])
    columns = ["id", "title", "bucket", "state", "process", "metric", "owner", "go_live", "verdict", "before_mean",
               "after_mean", "effect", "outcome", "on_time"]
    return "\n".join(lines) + "\n\n" + render(records[columns], "table")


COMMANDS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "metrics": cmd_metrics,
    "ingest": cmd_ingest,
    "uploads": cmd_uploads,
    "rollback": cmd_rollback,
    "observations": cmd_observations,
    "baselines": cmd_baselines,
    "records": cmd_records,
    "users": cmd_users,
    "spc": cmd_spc,
    "analyse": cmd_analyse,
    "report": cmd_report,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "plan": cmd_plan,
}


# Commands (with their action) that work on what a store already holds. On a path with no store
# they refuse: opening would create an empty store and answer from it, so a mistyped --db would
# look like a store without data. init, demo, ingest, metrics import, users add and records raise
# create the store; spc needs none; restore puts one in place.
ON_AN_EXISTING_STORE = {
    ("observations", None), ("analyse", None), ("metrics", None), ("uploads", None), ("baselines", None),
    ("records", "list"), ("records", "show"), ("users", "list"), ("report", None), ("backup", None),
    ("rollback", None), ("baselines", "set"), ("baselines", "compute"), ("records", "move"), ("users", "set"),
    ("plan", None),
}


def _command_and_action(args: argparse.Namespace) -> tuple[str, str | None]:
    for name in ("action", "records_action", "users_action"):
        if getattr(args, name, None):
            return args.command, getattr(args, name)
    return args.command, None


def _store_for(args: argparse.Namespace) -> Store:
    store = Store(args.db)
    if _command_and_action(args) in ON_AN_EXISTING_STORE and not store.path.exists():
        raise StoreError(f"no store at {store.path}: check --db / CSI_DB, or create it with `init`")
    return store


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](_store_for(args), args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except InputRefused as exc:
        print(exc.summary(limit=100), file=sys.stderr)
        return EXIT_REFUSED
    except NotAllowed as exc:
        print(f"not allowed: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if interrupted_query(exc):
            return _interrupted()
        raise


def _interrupted() -> int:
    """Ctrl-C: the unfinished write was rolled back; 130 as a shell reports a command SIGINT ended."""
    print(INTERRUPTED, file=sys.stderr)
    return EXIT_INTERRUPTED
