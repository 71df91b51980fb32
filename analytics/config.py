"""Where the store lives and other settings read from the environment.

One place resolves them so the dashboard, the command line and the tests agree.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "csi.duckdb"


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The store file: an explicit path, else $CSI_DB, else data/csi.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CSI_DB")
    return Path(env) if env else DEFAULT_DB_PATH


def lock_timeout_seconds() -> float:
    """How long a writer waits for another process to release the store ($CSI_LOCK_TIMEOUT)."""
    try:
        return float(os.environ.get("CSI_LOCK_TIMEOUT", "15"))
    except ValueError:
        return 15.0


def current_user() -> str:
    """The operating-system user, the default author of a write from the command line."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getpass raises KeyError, OSError or ImportError when there is no passwd entry
        return os.environ.get("USER", "unknown")


def sign_in_required() -> bool:
    """Sign-in is on unless $CSI_AUTH=off (a single-user laptop, acting as the local admin)."""
    return os.environ.get("CSI_AUTH", "on").strip().lower() not in ("off", "0", "false", "no")


def session_minutes() -> float:
    """Minutes of inactivity after which a dashboard session signs out ($CSI_SESSION_MINUTES, 30)."""
    try:
        return max(1.0, float(os.environ.get("CSI_SESSION_MINUTES", "30")))
    except ValueError:
        return 30.0
