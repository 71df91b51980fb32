"""A signed sign-in token, so that a dashboard user stays signed in through a refresh of the browser.

Streamlit starts a new session on every page load, and the sign-in lived in the session: a refresh
(F5, a laptop waking up) in the meeting asked for the password again, typed in front of the room.
The dashboard keeps this token in a cookie. It names the account and when it expires, and is signed
(HMAC-SHA256) with a secret kept in the store together with the account's password hash: a new
password ends every session of the account, and a deactivated or removed account signs nobody in.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets

from .store import Store
from .users import User

COOKIE = "csi_session"
_SECRET_KEY = "session_secret"


def issue_token(store: Store, name: str, lifetime: datetime.timedelta,
                now: datetime.datetime | None = None) -> str | None:
    """A token for the active account `name`, valid for `lifetime`; None for no such account."""
    account, secret = _account_and_secret(store, name)
    if account is None:
        return None
    expires = int(((now or datetime.datetime.now()) + lifetime).timestamp())
    payload = f"{_encode(name)}.{expires}"
    return f"{payload}.{_signature(secret or _new_secret(store), payload, account[1])}"


def user_for_token(store: Store, token: str | None, now: datetime.datetime | None = None) -> User | None:
    """The account the token signs in, or None: malformed, tampered with, expired, signed before the
    account's password changed, or the account deactivated or gone."""
    try:
        encoded, expires, signature = (token or "").split(".")
        name, expires = _decode(encoded), int(expires)
    except ValueError:
        return None
    if expires < (now or datetime.datetime.now()).timestamp():
        return None
    account, secret = _account_and_secret(store, name)
    if account is None or secret is None:
        return None
    expected = _signature(secret, f"{encoded}.{expires}", account[1])
    return account[0] if hmac.compare_digest(expected, signature) else None


def expires_in(token: str, now: datetime.datetime | None = None) -> float:
    """Seconds until the token expires (negative when it has), to renew a cookie before it does."""
    return int(token.split(".")[1]) - (now or datetime.datetime.now()).timestamp()


def _account_and_secret(store: Store, name: str) -> tuple[tuple[User, str] | None, str | None]:
    """((the active account, its password hash) or None when there is none or it has no password,
    the store's signing secret or None before the first sign-in), read on one connection."""
    with store.read() as con:
        row = con.execute("SELECT name, role, processes, password_hash FROM app_user WHERE name = ? AND active",
                          [name]).fetchone()
        secret = con.execute("SELECT value FROM store_meta WHERE key = ?", [_SECRET_KEY]).fetchone()
    account = (User(row[0], row[1], tuple(row[2] or ())), row[3]) if row and row[3] else None
    return account, secret[0] if secret else None


def _signature(secret: str, payload: str, password_hash: str) -> str:
    key = hashlib.sha256(f"{secret}\0{password_hash}".encode()).digest()
    return _encode_bytes(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def _new_secret(store: Store) -> str:
    """The store's signing secret, made at its first sign-in (a backup carries it with the accounts);
    another process's, should it have made one first."""
    with store.write() as con:
        con.execute("INSERT INTO store_meta VALUES (?, ?) ON CONFLICT DO NOTHING", [_SECRET_KEY, secrets.token_hex(32)])
        return con.execute("SELECT value FROM store_meta WHERE key = ?", [_SECRET_KEY]).fetchone()[0]


def _encode(text: str) -> str:
    return _encode_bytes(text.encode("utf-8"))


def _encode_bytes(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _decode(text: str) -> str:
    """The name from its cookie-safe form; ValueError for anything that is not one."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ValueError(text) from None
