"""What a record is shown with: the gap snapshot it was raised from and its verification."""

from __future__ import annotations

import datetime
import json

import pandas as pd

from .errors import InputRefused, Problem
from .periods import parse_period
from .records import PLAN_FIELDS, get_record
from .store import Store
from .verification import Verification, verify_effect

SNAPSHOT_FIELDS = ("actual", "target", "baseline", "gap", "gap_pct", "status", "variation", "assurance", "trend")


def gap_snapshot(store: Store, metric: str, period: str) -> dict:
    """The metric's analysis row for the month, frozen into the record when it is raised."""
    from .analysis import analyse

    month = parse_period(period)
    if month is None:
        raise InputRefused(Problem(f"--period '{period}' is not a month; use YYYY-MM"))
    analysis = analyse(store, month)
    rows = analysis.table[analysis.table["metric"] == metric] if not analysis.empty else pd.DataFrame()
    if rows.empty:
        from .catalogue import metric_lookup
        with store.read() as con:
            lookup = metric_lookup(con)
            metric_id = lookup.match(metric)
        if metric_id is None:
            return {}
        rows = analysis.table[analysis.table["metric_id"] == metric_id] if not analysis.empty else rows
        if rows.empty:
            return {"period": month}
    row = rows.iloc[0]
    snapshot = {"period": month}
    for field in SNAPSHOT_FIELDS:
        value = row.get(field)
        value = None if value is None or (isinstance(value, float) and pd.isna(value)) else (
            value.item() if hasattr(value, "item") else value)
        snapshot[field] = float(f"{value:.6g}") if isinstance(value, float) else value
    return snapshot


def record_verification(store: Store, record: dict) -> Verification | None:
    """Verification of effect for a record with a metric and a go-live month, else None."""
    if record.get("metric_id") is None or not record.get("go_live"):
        return None
    with store.read() as con:
        return verification_on(con, record["metric_id"], record["go_live"], record.get("expected_value"),
                               until=verified_month(record))


def verified_month(record: dict) -> datetime.date | None:
    """The month a verified or closed record's effect was verified in (its last step to verified),
    else None. Its verification reads the values up to that month: the next cycle's values, or a
    relapse after closing, must not rewrite a finished record's effect and a past year's plan."""
    events = record.get("events")
    if record.get("state") not in ("verified", "closed") or events is None or not len(events):
        return None
    verified = events[(events["kind"] == "transition") & (events["to_state"] == "verified")]   # not a later revision
    return pd.Timestamp(verified["event_at"].iloc[-1]).date().replace(day=1) if len(verified) else None


def verification_on(con, metric_id: int | None, go_live, expected_value: float | None,
                    until: datetime.date | None = None) -> Verification | None:
    """The verification on an open connection (records.move_record checks it inside its write),
    from the values up to the month `until` (None: all)."""
    if metric_id is None or go_live is None or go_live == "":
        return None
    direction, = con.execute("SELECT direction FROM metric WHERE id = ?", [metric_id]).fetchone()
    values = con.execute("SELECT period, value FROM current_observation WHERE metric_id = ? AND (? IS NULL OR "
                         "period <= ?) ORDER BY period", [metric_id, until, until]).df()
    target = con.execute("SELECT target FROM baseline WHERE metric_id = ? ORDER BY from_period DESC, id DESC LIMIT 1",
                         [metric_id]).fetchone()
    goal = expected_value
    if goal is None or (isinstance(goal, float) and pd.isna(goal)):
        goal = target[0] if target else None
    return verify_effect(values, go_live, direction, goal)


def record_report(store: Store, record_id: int, fmt: str = "table") -> str:
    """`records show`: the fields, the event trail and the verification, as text or JSON."""
    record = get_record(store, record_id)
    verification = record_verification(store, record)
    events = record.pop("events")
    if fmt == "json":
        payload = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in record.items()}
        payload["events"] = json.loads(events.to_json(orient="records", date_format="iso"))
        for event in payload["events"]:
            event["details"] = event_details(event["details"])
        payload["verification"] = None if verification is None else {
            "verdict": verification.verdict, "explanation": verification.explain("en"),
            "pre_n": verification.pre_n, "post_n": verification.post_n, "pre_mean": verification.pre_mean,
            "post_mean": verification.post_mean, "difference": verification.difference,
            "ci_low": verification.ci_low, "ci_high": verification.ci_high,
            "improvement_signals": verification.improvement_signals,
            "concern_signals": verification.concern_signals, "sustained_shift": verification.sustained_shift,
            "assurance_after": verification.assurance_after}
        return json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"
    lines = [f"record #{record['id']}: {record['title']}", f"  state: {record['state']}"]
    for key in ("source", "metric", "period", "owner", "due_date", "priority", "change_ref", "go_live",
                "description", "root_cause", "planned_actions", "resources", "expected_value", "raised_by"):
        if record.get(key) not in (None, ""):
            lines.append(f"  {key}: {record[key]}")
    if record.get("snapshot"):
        lines.append("  gap when raised: " + ", ".join(f"{k}={v}" for k, v in record["snapshot"].items()))
    lines.append("events:")
    for event in events.itertuples(index=False):
        move = f"{event.from_state or ''} -> {event.to_state}" if event.kind == "transition" else event.kind
        comment = f": {event.comment}" if isinstance(event.comment, str) and event.comment else ""
        details = event_details_text(event.details)
        details = f" [{details}]" if details else ""
        lines.append(f"  {event.event_at:%Y-%m-%d %H:%M} {event.by_user} ({event.role}) {move}{comment}{details}")
    if verification is not None:
        lines.append(f"verification: {verification.verdict}")
        lines.append(f"  {verification.explain('en')}")
    return "\n".join(lines) + "\n"


# an event's detail key -> the i18n label it is shown under; a value under a key in VALUE_LABELS by its label
DETAIL_LABELS = {"source": "rec.field_source", "change_ref": "col.change_ref", "go_live": "col.go_live",
                 "baseline": "detail.baseline", "target": "detail.target", "from_period": "detail.from_period",
                 "version_id": "detail.version_id", "verdict": "detail.verdict",
                 **{f: f"rec.field_{f}" for f in PLAN_FIELDS}}
VALUE_LABELS = {"source": "recsource", "verdict": "verdict", "priority": "recpriority", "status": "status",
                "variation": "variation", "assurance": "assurance", "trend": "trend"}


def _shown(key: str, value: object, lang: str) -> str:
    """One value as the reader reads it: '–' for none, a code by its label, a number short."""
    from .i18n import STRINGS, t, trend_label

    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if key == "trend":
        return trend_label(value, None, lang) or "–"
    if key in VALUE_LABELS and f"{VALUE_LABELS[key]}.{value}" in STRINGS:
        return t(f"{VALUE_LABELS[key]}.{value}", lang)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def event_details(details: str | dict | None) -> dict | None:
    """An event's details (stored as JSON text) as an object."""
    if details is None or (isinstance(details, float) and pd.isna(details)) or details == "":
        return None
    return json.loads(details) if isinstance(details, str) else details


def event_details_text(details: str | dict | None, lang: str = "en") -> str:
    """What a step changed, readably: 'Change ref.: CHG-1; Go-live: 2026-06', a revision's
    'Due date: – → 2026-12-31', the new baseline and target set on closing."""
    from .i18n import t

    parts = []
    for key, value in (event_details(details) or {}).items():
        label = t(DETAIL_LABELS[key], lang) if key in DETAIL_LABELS else key
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            value = f"{_shown(key, value['from'], lang)} → {_shown(key, value['to'], lang)}"
        else:
            value = _shown(key, value, lang)
        parts.append(f"{label}:{value}" if lang == "zh" else f"{label}: {value}")
    return (";" if lang == "zh" else "; ").join(parts)


SNAPSHOT_LABELS = {"period": "col.period", **{f: f"col.{f}" for f in SNAPSHOT_FIELDS}}


def snapshot_table(snapshot: dict, lang: str = "en") -> pd.DataFrame:
    """The gap frozen into a record, as labelled rows (item, value) in the reader's language."""
    from .i18n import t

    rows = [(t(SNAPSHOT_LABELS[k], lang) if k in SNAPSHOT_LABELS else k, _shown(k, v, lang))
            for k, v in snapshot.items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def open_record_labels(store: Store, lang: str = "en") -> pd.Series:
    """Per metric id, its open records as short text ('#3 monitoring: effective'), for the scorecard."""
    from .i18n import t
    from .records import OPEN_STATES, get_record, list_records

    records = list_records(store)
    records = records[records["state"].isin(OPEN_STATES) & records["metric_id"].notna()]
    labels: dict[int, list[str]] = {}
    for row in records.itertuples():
        text = f"#{row.id} {t(f'state.{row.state}', lang)}"
        if row.state in ("monitoring", "verified") and isinstance(row.go_live, str):
            verification = record_verification(store, get_record(store, int(row.id)))
            if verification is not None:
                text += f": {t(f'verdict.{verification.verdict}', lang)}"
        labels.setdefault(int(row.metric_id), []).append(text)
    return pd.Series({k: "; ".join(v) for k, v in labels.items()}, dtype=object)
