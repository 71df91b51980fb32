"""Signing in to the dashboard: password check, slowing down and locking out guessing, and what
each role may do.

After FAILURES_BEFORE_LOCK wrong passwords for a name within LOCK_WINDOW, that name is locked
for LOCK_WINDOW; every failure also costs a growing delay. The answer never says whether the
name exists. Role checks live here (not only in which buttons a page shows) so every write path
asks the same question.
"""

from __future__ import annotations

import datetime
import time

from .errors import NotAllowed
from .names import name_key
from .store import Store
from .users import User, verify_password

FAILURES_BEFORE_LOCK = 5
LOCK_WINDOW = datetime.timedelta(minutes=15)
LOCAL_ADMIN = User("local-admin", "admin")

PERMISSIONS = {
    "upload": {"admin", "improvement_owner", "process_owner"},
    "rollback": {"admin", "improvement_owner"},
    "edit_catalogue": {"admin"},
    "set_baseline": {"admin", "improvement_owner"},
    "records": {"admin", "improvement_owner", "service_owner", "process_owner", "quality"},
    "read": {"admin", "improvement_owner", "service_owner", "process_owner", "quality", "viewer"},
    "manage_users": {"admin"},
    "backup": {"admin"},
}
# Roles whose uploads are limited to the metrics of the processes linked to their account.
PROCESS_SCOPED = {"process_owner"}


def allowed(user: User | None, action: str) -> bool:
    return user is not None and user.role in PERMISSIONS[action]


def require(user: User | None, action: str) -> None:
    if not allowed(user, action):
        who = f"{user.name} ({user.role})" if user else "nobody signed in"
        raise NotAllowed(f"{who} may not {action.replace('_', ' ')}; allowed roles: "
                         f"{', '.join(sorted(PERMISSIONS[action]))}")


def require_upload_scope(store: Store, user: User | None, plan) -> None:
    """A process owner uploads only values of metrics of their own processes and creates no metrics.

    `plan` is an analytics.ingest.IngestPlan; checked before confirming and again when applying.
    """
    require(user, "upload")
    if user.role not in PROCESS_SCOPED:
        return
    mine = {name_key(p) for p in user.processes}
    ids = sorted({int(i) for f in plan.files for i in f.changes["metric_id"].dropna().unique()})
    with store.read() as con:
        rows = con.execute("SELECT name, process FROM metric WHERE id IN (SELECT unnest(?))", [ids]).fetchall()
    outside = [f"'{name}' ({process or 'no process'})" for name, process in rows
               if process is None or name_key(process) not in mine]
    new = [name for f in plan.files for name in f.new_metrics]
    if not outside and not new:
        return
    scope = ", ".join(user.processes) or "none linked to the account yet (ask an admin)"
    parts = [f"{user.name} ({user.role}) uploads only for the processes: {scope}"]
    if outside:
        parts.append(f"not for {', '.join(sorted(outside)[:10])}" + (f" and {len(outside) - 10} more"
                                                                     if len(outside) > 10 else ""))
    if new:
        parts.append("and may not create metrics")
    raise NotAllowed("; ".join(parts))


def locked_until(store: Store, name: str, now: datetime.datetime | None = None) -> datetime.datetime | None:
    now = now or datetime.datetime.now()
    with store.read() as con:
        rows = con.execute(
            "SELECT attempted_at FROM sign_in_attempt WHERE name_key = ? AND NOT ok AND attempted_at > ?"
            " ORDER BY attempted_at",
            [name_key(name), now - LOCK_WINDOW]).fetchall()
        last_ok = con.execute("SELECT max(attempted_at) FROM sign_in_attempt WHERE name_key = ? AND ok",
                              [name_key(name)]).fetchone()[0]
    failures = [at for (at,) in rows if last_ok is None or at > last_ok]
    if len(failures) >= FAILURES_BEFORE_LOCK:
        return failures[-1] + LOCK_WINDOW
    return None


def sign_in(store: Store, name: str, password: str, *, now: datetime.datetime | None = None,
            delay: bool = True) -> User:
    """The user, or NotAllowed with a message that does not tell names from passwords. A
    deactivated account's right password is told so (not 'wrong password'), and not counted."""
    now = now or datetime.datetime.now()
    name = (name or "").strip()
    if not name or not password:     # a form sent half-filled is no attempt: nothing counted against the name
        raise NotAllowed("enter your name and password")
    until = locked_until(store, name, now)
    if until is not None:
        raise NotAllowed(f"too many wrong passwords for this name: locked until {until:%H:%M}")
    found = verify_password(store, name, password or "")
    if found is not None and not found[1]:     # the right password: no guess, so not counted towards the lock
        raise NotAllowed("this account is deactivated: ask an admin to activate it")
    user = found[0] if found is not None else None
    with store.write() as con:
        con.execute("INSERT INTO sign_in_attempt VALUES (?, ?, ?)", [name_key(name), now, user is not None])
        recent = con.execute("SELECT count(*) FROM sign_in_attempt WHERE name_key = ? AND NOT ok AND attempted_at > ?",
                             [name_key(name), now - LOCK_WINDOW]).fetchone()[0]
    if user is None:
        if delay:
            time.sleep(min(0.25 * 2 ** max(recent - 1, 0), 4.0))
        left = FAILURES_BEFORE_LOCK - recent
        raise NotAllowed("wrong name or password" + (f" ({left} tries left before a {LOCK_WINDOW.seconds // 60}-"
                                                     "minute lock)" if 0 < left < FAILURES_BEFORE_LOCK else
                                                     "; the name is now locked for a while" if left <= 0 else ""))
    return user
