"""Service improvement records (服务改进记录) and their lifecycle, checked here, not in the UI.

raised -> approved | rejected; approved -> implementing (needs a change reference and a
go-live month); implementing -> monitoring; monitoring -> verified; verified -> closed; any
open state -> cancelled (needs a reason). Each move is allowed only to the roles in
TRANSITIONS, is one transaction, and appends an event to the append-only audit trail.
Closing a verified record sets the metric's new baseline and target from the next month: the
next improvement cycle (procedure 5.6, 5.8).
"""

from __future__ import annotations

import datetime
import json

import duckdb
import pandas as pd

from .catalogue import catalogue_metric_id
from .errors import InputRefused, NotAllowed, Problem
from .periods import format_period, parse_period, period_to_date, this_month
from .store import Store
from .users import User

STATES = ("raised", "approved", "rejected", "implementing", "monitoring", "verified", "closed", "cancelled")
OPEN_STATES = ("raised", "approved", "implementing", "monitoring", "verified")
RECORD_SOURCES = ("gap", "audit", "management_review", "meeting", "customer_feedback", "service_report", "survey",
                  "suggestion")
RAISE_ROLES = {"improvement_owner", "admin"}
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    ("raised", "approved"): {"service_owner", "admin"},
    ("raised", "rejected"): {"service_owner", "admin"},
    ("approved", "implementing"): {"improvement_owner", "admin"},
    ("implementing", "monitoring"): {"improvement_owner", "quality", "admin"},
    ("monitoring", "verified"): {"service_owner", "admin"},
    ("verified", "closed"): {"improvement_owner", "service_owner", "admin"},
    **{(state, "cancelled"): {"improvement_owner", "service_owner", "admin"} for state in OPEN_STATES},
}
NOTE_ROLES = {"quality", "improvement_owner", "admin"}
NOTE_STATES = ("implementing", "monitoring")
CHANGE_CORRECTION_STATES = ("implementing", "monitoring")   # a later step may correct the change ref. and go-live
REVISION_ROLES = {"improvement_owner": {"raised", "approved", "implementing", "monitoring"},
                  "quality": {"monitoring"}, "admin": set(OPEN_STATES)}
TITLE_LENGTH = 200         # a heading on the page and a cell in the plan; the rest goes in the description
PLAN_FIELDS = ("title", "description", "root_cause", "planned_actions", "resources", "expected_value",
               "expected_by", "owner", "due_date", "priority")
CLEARABLE_FIELDS = PLAN_FIELDS[1:]         # all but the title, which every record has


def allowed_moves(state: str, role: str) -> list[str]:
    """The states a user with this role may move a record in this state to (for the UI)."""
    return [to for (frm, to), roles in TRANSITIONS.items() if frm == state and role in roles]


def _actor(con: duckdb.DuckDBPyConnection, by: str) -> User:
    row = con.execute("SELECT name, role FROM app_user WHERE name = ? AND active", [by]).fetchone()
    if row is None:
        raise NotAllowed(f"'{by}' is not a user of this store (add one with `users add NAME --role ROLE`)")
    return User(*row)


def _event(con, record_id: int, user: User, kind: str, from_state: str | None, to_state: str | None,
           comment: str | None, details: dict | None = None) -> None:
    con.execute(
        "INSERT INTO record_event (record_id, by_user, role, kind, from_state, to_state, comment, details)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [record_id, user.name, user.role, kind, from_state, to_state, comment,
         json.dumps(details, ensure_ascii=False, default=str) if details else None])


def raise_record(store: Store, *, title: str, by: str, source: str = "gap", metric: str | None = None,
                 period: str | None = None, snapshot: dict | None = None, **fields: object) -> int:
    """A new record in state 'raised'; returns its id. From a gap it names metric and period."""
    title = _title(title)
    if source not in RECORD_SOURCES:
        raise InputRefused(Problem(f"source '{source}' is not one of {', '.join(RECORD_SOURCES)}"))
    if source == "gap" and (not metric or not period):
        raise InputRefused(Problem("a record raised from a gap names its --metric and --period"))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise InputRefused(Problem(f"unknown record fields: {', '.join(sorted(unknown))}"))
    month = None
    if period:
        month = parse_period(period)
        if month is None:
            raise InputRefused(Problem(f"--period '{period}' is not a month; use YYYY-MM"))
        if month > this_month():
            raise InputRefused(Problem(f"--period {month} has not begun (this month is {this_month()}): a gap is "
                                       "found in a month with data; check the year"))
    values = _clean_plan(fields)
    with store.write() as con:
        user = _actor(con, by)
        if user.role not in RAISE_ROLES:
            raise NotAllowed(f"{user.name} ({user.role}) cannot raise records; the service improvement owner does")
        metric_id = catalogue_metric_id(con, metric) if metric else None
        record_id = con.execute(
            "INSERT INTO improvement_record (title, source, state, metric_id, period, snapshot, raised_by, "
            + ", ".join(values) + (", " if values else "") + "updated_at) VALUES (?, ?, 'raised', ?, ?, ?, ?, "
            + "".join("?, " for _ in values) + "current_timestamp) RETURNING id",
            [title, source, metric_id, period_to_date(month) if month else None,
             json.dumps(snapshot, ensure_ascii=False, default=str) if snapshot else None, user.name,
             *values.values()],
        ).fetchone()[0]
        if metric_id is not None:
            con.execute("INSERT INTO record_metric VALUES (?, ?)", [record_id, metric_id])
        _event(con, record_id, user, "raised", None, "raised", None, {"source": source})
    return record_id


def _title(title: object) -> str:
    """The title, trimmed: it is needed, and short enough to head the page and fit the plan's cell."""
    text = str(title).strip() if title is not None else ""
    if not text:
        raise InputRefused(Problem("a record needs a title"))
    if len(text) > TITLE_LENGTH:
        raise InputRefused(Problem(f"a title is at most {TITLE_LENGTH} characters (this one has {len(text):,}): "
                                   "put the rest in the description"))
    return text


def _clean_plan(fields: dict) -> dict:
    values = {}
    for key, value in fields.items():
        if value is None or value == "":
            continue
        if key == "title":
            value = _title(value)
        if key == "expected_value":
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InputRefused(Problem(f"expected value '{value}' is not a number")) from None
        if key in ("due_date", "expected_by") and not isinstance(value, datetime.date):
            try:
                value = datetime.date.fromisoformat(str(value))
            except ValueError:
                raise InputRefused(Problem(f"{key} '{value}' is not a date (YYYY-MM-DD)")) from None
        values[key] = value
    return values


def past_plan_dates(fields: dict, today: datetime.date | None = None) -> list[tuple[str, datetime.date]]:
    """The plan's dates (due date, expected-by) that are already past, as (field, date): accepted,
    since records are sometimes entered after the fact, but said to whoever typed them, as a typo
    in the year would otherwise make the record overdue from the day it is saved."""
    today = today or datetime.date.today()
    dates = _clean_plan({k: fields.get(k) for k in ("due_date", "expected_by")})
    return [(k, v) for k, v in dates.items() if v < today]


def others_open_on_its_metric(store: Store, record_id: int) -> list[tuple[int, str]]:
    """(id, state) of the other open records on the record's metric. A second record is allowed (two
    causes of one gap), but said when raised: at a meeting the likelier story is the same gap
    raised twice, whose actions and verification would then be split."""
    with store.read() as con:
        return [tuple(row) for row in con.execute(
            "SELECT o.id, o.state FROM improvement_record r JOIN improvement_record o ON o.metric_id = r.metric_id "
            "WHERE r.id = ? AND o.id <> r.id AND list_contains(?, o.state) ORDER BY o.id",
            [record_id, list(OPEN_STATES)]).fetchall()]


def go_live_before_gap(record: dict) -> str | None:
    """The go-live month when it is earlier than the month of the gap the record was raised on, else
    None. Accepted (a change already live can be recorded later), but said: the gap arose after the
    change went live, so a typo in the year is the likelier story."""
    go_live, period = record.get("go_live"), record.get("period")
    return go_live if go_live and period and go_live < period else None


def move_record(store: Store, record_id: int, to: str, *, by: str, comment: str | None = None,
                change_ref: str | None = None, go_live: str | None = None,
                new_baseline: float | None = None, new_target: float | None = None,
                expected_from: str | None = None) -> str:
    """Move a record to another state if the user's role allows it; returns the new state.

    expected_from is the state the user saw when choosing the step (the page, `--from-state`):
    if someone else moved the record meanwhile, the step is refused rather than applied to a
    state the user never saw. It is checked inside the write transaction.
    """
    if to not in STATES:
        raise InputRefused(Problem(f"state '{to}' is not one of {', '.join(STATES)}"))
    if expected_from is not None and expected_from not in STATES:
        raise InputRefused(Problem(f"state '{expected_from}' is not one of {', '.join(STATES)}"))
    with store.write() as con:
        user = _actor(con, by)
        row = con.execute("SELECT state, metric_id, go_live, expected_value, change_ref FROM improvement_record "
                          "WHERE id = ?", [record_id]).fetchone()
        if row is None:
            raise InputRefused(Problem(f"there is no record #{record_id}"))
        state, metric_id, current_go_live, expected, current_change_ref = row
        if expected_from is not None and state != expected_from:
            raise InputRefused(Problem(f"record #{record_id} changed meanwhile: it is now '{state}'; "
                                       "reload the page"))
        roles = TRANSITIONS.get((state, to))
        if roles is None:
            allowed = [t for (f, t) in TRANSITIONS if f == state]
            raise NotAllowed(f"record #{record_id} is {state}; it can move to {', '.join(allowed) or 'nothing'}"
                             f", not {to}")
        if user.role not in roles:
            raise NotAllowed(f"{user.name} ({user.role}) cannot move a record from {state} to {to}; "
                             f"allowed: {', '.join(sorted(roles))}")
        details: dict = {}
        updates: dict = {"state": to}
        if to == "cancelled" and not (comment and comment.strip()):
            raise InputRefused(Problem("cancelling a record needs a reason (--comment)"))
        if to == "rejected" and not (comment and comment.strip()):
            raise InputRefused(Problem("rejecting a record needs a reason (--comment)"))
        if to == "implementing":
            if not (change_ref and change_ref.strip()):
                raise InputRefused(Problem("implementing goes through change management: give the change "
                                           "reference (--change-ref)"))
            month = parse_period(go_live) if go_live else None
            if month is None:
                raise InputRefused(Problem("give the month the change goes live (--go-live YYYY-MM)"))
            updates |= {"change_ref": change_ref.strip(), "go_live": period_to_date(month)}
            details |= {"change_ref": change_ref.strip(), "go_live": month}
        else:
            corrected = _change_corrected(state, current_change_ref, current_go_live, change_ref, go_live)
            updates |= corrected
            details |= {k: format_period(v) if k == "go_live" else v for k, v in corrected.items()}
            current_go_live = corrected.get("go_live", current_go_live)
        if to in ("monitoring", "verified"):
            _refuse_before_go_live(record_id, current_go_live, to)
        if to == "verified":
            details |= _verdict_accepted(con, record_id, metric_id, current_go_live, expected, comment)
        if to == "closed":
            version = _new_cycle(con, record_id, metric_id, current_go_live, expected, new_baseline, new_target,
                                 user)
            if version:
                updates["baseline_version_id"] = version["version_id"]
                details |= version
            updates["closed_at"] = datetime.datetime.now()
        con.execute(
            "UPDATE improvement_record SET " + ", ".join(f"{k} = ?" for k in updates)
            + ", updated_at = current_timestamp WHERE id = ?", [*updates.values(), record_id])
        _event(con, record_id, user, "transition", state, to, comment, details or None)
    return to


def _change_corrected(state: str, current_ref: str | None, current_go_live: datetime.date | None,
                      change_ref: str | None, go_live: str | None) -> dict:
    """The change reference and go-live month given with a later step where they differ from the
    record's: a correction (a typo, a change that went live a month late) made with that step and
    kept in its event, not dropped without a word. Only while implementing or monitoring: before,
    there is nothing to correct; after, the verification of effect was measured from that month."""
    corrected: dict = {}
    if state not in CHANGE_CORRECTION_STATES:
        return corrected
    if change_ref and change_ref.strip() and change_ref.strip() != (current_ref or ""):
        corrected["change_ref"] = change_ref.strip()
    if go_live and go_live.strip():
        month = parse_period(go_live)
        if month is None:
            raise InputRefused(Problem(f"go-live '{go_live}' is not a month (YYYY-MM)"))
        if period_to_date(month) != current_go_live:
            corrected["go_live"] = period_to_date(month)
    return corrected


def _refuse_before_go_live(record_id: int, go_live: datetime.date | None, to: str) -> None:
    """A change that has not gone live yet cannot be monitored, nor its effect verified."""
    if go_live is not None and format_period(go_live) > this_month():
        raise InputRefused(Problem(f"record #{record_id} goes live in {format_period(go_live)}, after this month "
                                   f"({this_month()}): a change that has not gone live cannot move to "
                                   f"{to}"))


def _verdict_accepted(con, record_id: int, metric_id, go_live, expected, comment: str | None) -> dict:
    """Verifying a record whose verification of effect is not 'effective' (or that has none) is
    a judgement the trail must explain: it needs a comment saying why it is accepted anyway."""
    from .record_views import verification_on

    verification = verification_on(con, metric_id, go_live, expected)
    verdict = verification.verdict if verification is not None else "none"
    if verdict != "effective" and not (comment and comment.strip()):
        raise InputRefused(Problem(f"record #{record_id}: the verification of effect is '{verdict}', not "
                                   "effective; say why it is verified anyway (--comment)"))
    return {"verdict": verdict}


MIN_BASELINE_MONTHS = 3


def _new_cycle(con, record_id, metric_id, go_live, expected, new_baseline, new_target, user) -> dict | None:
    """On closing: baseline = mean of the values since go-live (unless given), target = the
    record's expected value (else the target in force), from the month after the latest data.

    A computed baseline needs MIN_BASELINE_MONTHS values since go-live: the new cycle's XmR
    limits are drawn around it, and a mean of one or two months is noise (the month of the gap
    itself, say), not the level of the changed process. With fewer, the user gives the baseline.
    """
    from .baselines import add_version

    if metric_id is None:
        return None
    latest = con.execute("SELECT max(period) FROM current_observation WHERE metric_id = ?", [metric_id]).fetchone()[0]
    if latest is None:
        raise InputRefused(Problem("the record's metric has no data yet; a new baseline cannot be set"))
    if new_baseline is None:
        if go_live is None:
            raise InputRefused(Problem("no go-live month recorded; give the new baseline explicitly"))
        mean = con.execute("SELECT avg(value), count(*) FROM current_observation WHERE metric_id = ? AND period >= ?",
                           [metric_id, go_live]).fetchone()
        if not mean[1]:
            raise InputRefused(Problem("there are no values since the change went live; give the new baseline "
                                       "explicitly or wait for data"))
        if mean[1] < MIN_BASELINE_MONTHS:
            raise InputRefused(Problem(f"only {mean[1]} month(s) of values since the change went live; a new "
                                       f"baseline needs {MIN_BASELINE_MONTHS}: give the new baseline explicitly "
                                       "(--baseline) or wait for data"))
        new_baseline = float(mean[0])
    if new_target is None:
        new_target = expected
    if new_target is None:
        row = con.execute("SELECT target FROM baseline WHERE metric_id = ? ORDER BY from_period DESC, id DESC LIMIT 1",
                          [metric_id]).fetchone()
        new_target = row[0] if row else None
    start = (pd.Timestamp(latest) + pd.offsets.MonthBegin(1)).strftime("%Y-%m")
    version_id = add_version(con, metric_id, start, new_baseline, new_target, user.name,
                             f"record #{record_id} closed: new cycle", "record", record_id)
    return {"baseline": new_baseline, "target": new_target, "from_period": start, "version_id": version_id}


def add_note(store: Store, record_id: int, *, by: str, text: str) -> None:
    """A monitoring note (质量管理部跟踪) on an implementing or monitored record."""
    if not text or not text.strip():
        raise InputRefused(Problem("a note needs text"))
    with store.write() as con:
        user = _actor(con, by)
        state = _state(con, record_id)
        if user.role not in NOTE_ROLES:
            raise NotAllowed(f"{user.name} ({user.role}) cannot add monitoring notes")
        if state not in NOTE_STATES:
            raise NotAllowed(f"record #{record_id} is {state}; notes are for implementing or monitoring records")
        _event(con, record_id, user, "note", state, state, text.strip())


def revise_plan(store: Store, record_id: int, *, by: str, reason: str, expected_version: int | None = None,
                clear: tuple[str, ...] = (), **fields: object) -> None:
    """Adjust the plan; every revision is kept in the trail with the old and new values.

    `clear` names fields to empty (a due date set by mistake, a resource no longer needed): an
    empty value in `fields` means "not given", as on the command line, so emptying is asked for
    by name. The title cannot be cleared.

    expected_version is the number of events in the trail the user saw when typing (the page): if
    someone else revised or moved the record meanwhile, the revision is refused rather than laid
    over a plan the user never saw. It is checked inside the write transaction."""
    if not reason or not reason.strip():
        raise InputRefused(Problem("say why the plan changes"))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise InputRefused(Problem(f"unknown record fields: {', '.join(sorted(unknown))}"))
    values = _clean_plan(fields)
    if set(clear) - set(CLEARABLE_FIELDS):
        raise InputRefused(Problem(f"these fields cannot be cleared: {', '.join(sorted(set(clear) - set(CLEARABLE_FIELDS)))}"))
    if set(clear) & set(values):
        raise InputRefused(Problem(f"a field cannot be both given and cleared: {', '.join(sorted(set(clear) & set(values)))}"))
    values.update(dict.fromkeys(clear))
    if not values:
        raise InputRefused(Problem("nothing to change"))
    with store.write() as con:
        user = _actor(con, by)
        state = _state(con, record_id)
        if state not in REVISION_ROLES.get(user.role, set()):
            raise NotAllowed(f"{user.name} ({user.role}) cannot revise a record that is {state}")
        if expected_version is not None and con.execute("SELECT count(*) FROM record_event WHERE record_id = ?",
                                                        [record_id]).fetchone()[0] != expected_version:
            raise InputRefused(Problem(f"record #{record_id} was changed by someone else meanwhile; reload the page "
                                       "to see the plan as it is now, then revise it"))
        old = con.execute("SELECT " + ", ".join(values) + " FROM improvement_record WHERE id = ?",
                          [record_id]).fetchone()
        con.execute("UPDATE improvement_record SET " + ", ".join(f"{k} = ?" for k in values)
                    + ", updated_at = current_timestamp WHERE id = ?", [*values.values(), record_id])
        changes = {k: {"from": o, "to": n} for (k, n), o in zip(values.items(), old)}
        _event(con, record_id, user, "revision", state, state, reason.strip(), changes)


def _state(con, record_id: int) -> str:
    row = con.execute("SELECT state FROM improvement_record WHERE id = ?", [record_id]).fetchone()
    if row is None:
        raise InputRefused(Problem(f"there is no record #{record_id}"))
    return row[0]


RECORD_LIST_COLUMNS = ["id", "title", "state", "source", "metric", "period", "owner", "due_date", "priority",
                       "change_ref", "go_live", "raised_by", "raised_at", "updated_at"]


def list_records(store: Store, state: str | None = None) -> pd.DataFrame:
    if state is not None and state not in STATES:
        raise InputRefused(Problem(f"state '{state}' is not one of {', '.join(STATES)}"))
    with store.read() as con:
        frame = con.execute(
            """
            SELECT r.id, r.title, r.state, r.source, m.name AS metric, strftime(r.period, '%Y-%m') AS period,
                   r.owner, r.due_date, r.priority, r.change_ref, strftime(r.go_live, '%Y-%m') AS go_live,
                   r.raised_by, r.raised_at, r.updated_at, r.metric_id, m.process, m.category, r.closed_at,
                   m.name AS name, m.name_en, m.name_zh
            FROM improvement_record r LEFT JOIN metric m ON m.id = r.metric_id
            WHERE ? IS NULL OR r.state = ?
            ORDER BY r.id
            """, [state, state]).df()
    return frame


def record_events(records: pd.DataFrame, labels: dict[str, str]) -> list[tuple[pd.Timestamp, str]]:
    """Chart markers for records: (month, '#id raised' / '#id change live' / '#id closed')."""
    marks = []
    for row in records.itertuples():
        for key, when in (("raised", row.period), ("go_live", row.go_live),
                          ("closed", getattr(row, "closed_at", None))):
            if when is None or (not isinstance(when, str) and pd.isna(when)):
                continue
            month = pd.Timestamp(when).to_period("M").to_timestamp()
            marks.append((month, f"#{row.id} {labels[key]}"))
    return marks


def get_record(store: Store, record_id: int) -> dict:
    """The record's fields, its metrics and its whole event trail."""
    with store.read() as con:
        cursor = con.execute(
            "SELECT r.*, m.name AS metric, m.name_en, m.name_zh, m.unit, m.decimals FROM improvement_record r"
            " LEFT JOIN metric m ON m.id = r.metric_id"
            " WHERE r.id = ?", [record_id])
        row = cursor.fetchone()
        if row is None:
            raise InputRefused(Problem(f"there is no record #{record_id}"))
        record = dict(zip([d[0] for d in cursor.description], row))
        events = con.execute(
            "SELECT event_at, by_user, role, kind, from_state, to_state, comment, details FROM record_event"
            " WHERE record_id = ? ORDER BY id", [record_id]).df()
    for key in ("period", "go_live"):
        if record.get(key) is not None:
            record[key] = format_period(record[key])
    record["snapshot"] = json.loads(record["snapshot"]) if record.get("snapshot") else None
    record["events"] = events
    return record
