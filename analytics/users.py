"""Local user accounts and their roles (SPEC §2); passwords hashed with argon2, never stored plain."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import InputRefused, Problem
from .names import name_key, process_spelling
from .store import Store

ROLES = ("admin", "improvement_owner", "service_owner", "process_owner", "quality", "viewer")
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    name: str
    role: str
    processes: tuple[str, ...] = ()  # a process owner uploads only for metrics of these processes


def _check_password_rule(password: str | None) -> None:
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InputRefused(Problem(f"the password must have at least {MIN_PASSWORD_LENGTH} characters"))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputRefused(Problem(f"role '{role}' is not one of {', '.join(ROLES)}"))


def known_processes(con) -> list[str]:
    """The processes named in the catalogue, the only ones an account can be linked to."""
    return [p for (p,) in con.execute("SELECT DISTINCT process FROM metric WHERE process IS NOT NULL AND "
                                      "trim(process) <> '' ORDER BY process").fetchall()]


def linked_process_choices(linked: list[str], known: list[str]) -> tuple[list[str], list[str]]:
    """The processes to offer for an account, and those it is linked to, spelled as the catalogue
    spells them (a link stored as incident is the catalogue's Incident). A link to a process no
    metric has any more is offered and chosen too, so saving the account keeps it unless removed."""
    by_key = {name_key(p): p for p in known}
    chosen = list(dict.fromkeys(by_key.get(name_key(p), p) for p in linked))
    return known + [p for p in chosen if name_key(p) not in by_key], chosen


def _catalogue_processes(con, processes: list[str] | None, kept: list[str] | tuple = ()) -> list[str]:
    """The given processes spelled as in the catalogue; refuses ones no metric has (a typo would
    silently block the owner's uploads), except those the account is already linked to (`kept`)."""
    if not processes:
        return []
    known = {name_key(p): p for p in kept} | {name_key(p): p for p in known_processes(con)}
    keys = [name_key(process_spelling(p.strip(), list(known.values()))) for p in processes]    # 变更管理 is change
    unknown = [p for p, key in zip(processes, keys, strict=True) if key not in known]
    if unknown:
        raise InputRefused(Problem(f"no metric in the catalogue has the process {', '.join(map(repr, unknown))}; "
                                   f"known processes: {', '.join(known.values()) or 'none yet'}"))
    return list(dict.fromkeys(known[key] for key in keys))


def _record(con, by: str, name: str, change: str) -> None:
    con.execute("INSERT INTO user_event (by_user, name, change) VALUES (?, ?, ?)", [by, name, change])


def add_user(store: Store, name: str, role: str, *, password: str | None = None, by: str,
             processes: list[str] | None = None) -> User:
    name = (name or "").strip()
    if not name:
        raise InputRefused(Problem("a user needs a name"))
    _check_role(role)
    _check_password_rule(password)
    hashed = _hasher.hash(password) if password is not None else None
    with store.write() as con:
        taken = [n for (n,) in con.execute("SELECT name FROM app_user").fetchall() if name_key(n) == name_key(name)]
        if taken:
            raise InputRefused(Problem(f"there is already a user '{taken[0]}'"))
        linked = _catalogue_processes(con, processes)
        con.execute("INSERT INTO app_user (name, role, password_hash, created_by, processes) VALUES (?, ?, ?, ?, ?)",
                    [name, role, hashed, by, linked])
        _record(con, by, name, f"added as {role}" + (f" for {', '.join(linked)}" if linked else ""))
    return User(name, role, tuple(linked))


def update_user(store: Store, name: str, *, by: str, role: str | None = None, processes: list[str] | None = None,
                active: bool | None = None, password: str | None = None) -> User:
    """Change an account; only what is given changes, and each change is recorded with who made it."""
    if role is not None:
        _check_role(role)
    _check_password_rule(password)
    with store.write() as con:
        row = con.execute("SELECT name, role, processes, active FROM app_user WHERE name = ?", [name]).fetchone()
        if row is None:
            raise InputRefused(Problem(f"there is no user '{name}'"))
        changes = []
        if role is not None and role != row[1]:
            if row[1] == "admin" and _last_active_admin(con, name):
                raise InputRefused(Problem(f"'{name}' is the last active admin; make another admin first"))
            con.execute("UPDATE app_user SET role = ? WHERE name = ?", [role, name])
            changes.append(f"role {row[1]} → {role}")
        if processes is not None:
            linked = _catalogue_processes(con, processes, kept=row[2] or ())
            if linked != list(row[2] or ()):
                con.execute("UPDATE app_user SET processes = ? WHERE name = ?", [linked, name])
                changes.append(f"processes: {', '.join(linked) or 'none'}")
        if active is not None and active != row[3]:
            if not active and row[1] == "admin" and _last_active_admin(con, name):
                raise InputRefused(Problem(f"'{name}' is the last active admin; make another admin first"))
            con.execute("UPDATE app_user SET active = ? WHERE name = ?", [active, name])
            changes.append("activated" if active else "deactivated")
        if password is not None:
            con.execute("UPDATE app_user SET password_hash = ? WHERE name = ?", [_hasher.hash(password), name])
            changes.append("password set")
        for change in changes:
            _record(con, by, name, change)
        final = con.execute("SELECT name, role, processes FROM app_user WHERE name = ?", [name]).fetchone()
    return User(final[0], final[1], tuple(final[2] or ()))


def _last_active_admin(con, name: str) -> bool:
    others = con.execute("SELECT count(*) FROM app_user WHERE role = 'admin' AND active AND name <> ?",
                         [name]).fetchone()[0]
    return others == 0


def list_users(store: Store) -> pd.DataFrame:
    with store.read() as con:
        return con.execute(
            "SELECT name, role, array_to_string(processes, ', ') AS processes, active,"
            " password_hash IS NOT NULL AS has_password, created_at, created_by"
            " FROM app_user ORDER BY name").df()


def user_events(store: Store) -> pd.DataFrame:
    """Every account change, newest first: who changed which account, and how."""
    with store.read() as con:
        return con.execute("SELECT changed_at, by_user, name, change FROM user_event ORDER BY changed_at DESC").df()


def get_user(store: Store, name: str) -> User | None:
    with store.read() as con:
        row = con.execute("SELECT name, role, processes FROM app_user WHERE name = ? AND active", [name]).fetchone()
    return User(row[0], row[1], tuple(row[2] or ())) if row else None


def check_password(store: Store, name: str, password: str) -> User | None:
    """The user when the password is right, else None (same answer for unknown users)."""
    found = verify_password(store, name, password)
    return found[0] if found is not None and found[1] else None


def verify_password(store: Store, name: str, password: str) -> tuple[User, bool] | None:
    """(the account, whether it is active) when the password is right, else None, the same answer
    and cost for unknown names: only who knows the password learns that an account is deactivated."""
    with store.read() as con:
        row = con.execute("SELECT name, role, password_hash, processes, active FROM app_user WHERE name = ?",
                          [name]).fetchone()
    if row is None or row[2] is None:
        _hasher.hash("timing-equaliser")  # similar cost whether or not the user exists
        return None
    try:
        _hasher.verify(row[2], password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row[0], row[1], tuple(row[3] or ())), bool(row[4])
