"""Local user accounts and their roles (SPEC §2); passwords hashed with argon2, never stored plain."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import InputRefused, Problem
from .names import name_key
from .store import Store

ROLES = ("admin", "improvement_owner", "service_owner", "process_owner", "quality", "viewer")
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    name: str
    role: str


def add_user(store: Store, name: str, role: str, *, password: str | None = None, by: str) -> User:
    name = (name or "").strip()
    if not name:
        raise InputRefused(Problem("a user needs a name"))
    if role not in ROLES:
        raise InputRefused(Problem(f"role '{role}' is not one of {', '.join(ROLES)}"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InputRefused(Problem(f"the password must have at least {MIN_PASSWORD_LENGTH} characters"))
    hashed = _hasher.hash(password) if password is not None else None
    with store.write() as con:
        taken = [n for (n,) in con.execute("SELECT name FROM app_user").fetchall() if name_key(n) == name_key(name)]
        if taken:
            raise InputRefused(Problem(f"there is already a user '{taken[0]}'"))
        con.execute("INSERT INTO app_user (name, role, password_hash, created_by) VALUES (?, ?, ?, ?)",
                    [name, role, hashed, by])
    return User(name, role)


def list_users(store: Store) -> pd.DataFrame:
    with store.read() as con:
        return con.execute(
            "SELECT name, role, active, password_hash IS NOT NULL AS has_password, created_at, created_by"
            " FROM app_user ORDER BY name").df()


def get_user(store: Store, name: str) -> User | None:
    with store.read() as con:
        row = con.execute("SELECT name, role FROM app_user WHERE name = ? AND active", [name]).fetchone()
    return User(*row) if row else None


def check_password(store: Store, name: str, password: str) -> User | None:
    """The user when the password is right, else None (same answer for unknown users)."""
    with store.read() as con:
        row = con.execute("SELECT name, role, password_hash FROM app_user WHERE name = ? AND active",
                          [name]).fetchone()
    if row is None or row[2] is None:
        _hasher.hash("timing-equaliser")  # similar cost whether or not the user exists
        return None
    try:
        _hasher.verify(row[2], password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row[0], row[1])
