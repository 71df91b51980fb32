"""The DuckDB store: owns connections, the schema version and transactions.

DuckDB lets one process at a time open a file for writing, so connections are opened for a
unit of work and closed again: the dashboard and a batch ingest take turns instead of one of
them holding the file for ever. Within a process, connections to one file share one database
instance, so each thread gets its own connection (never a shared cursor). Writes are
serialised by a process-wide lock and are one transaction each.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from . import config
from .errors import StoreBusy, StoreDamaged, StoreError
from .migrations import LATEST_VERSION, MIGRATIONS, PRODUCT_ID

_write_locks: dict[str, threading.RLock] = {}
_write_locks_guard = threading.Lock()
_LOCK_HELD = re.compile(r"Could not set lock on file|Conflicting lock is held", re.IGNORECASE)
_HOLDER = re.compile(r"held in (.+?) \(PID (\d+)\)")
_DAMAGED = re.compile(r"corrupt|checksum|truncated", re.IGNORECASE)     # DuckDB's words for a damaged file


def _cannot_open(path: Path, text: str) -> StoreError:
    """Why the file cannot be opened; a damaged one (a block's checksum, a file cut short) with what
    to do: the user restores the last backup, which keeps the damaged file beside it."""
    detail = text.splitlines()[0] if text else "unknown error"
    if _DAMAGED.search(text):
        return StoreDamaged(f"{path} is damaged and cannot be read ({detail}): restore the last backup with "
                            "'python -m analytics restore <backup file>'; the damaged store is kept beside it")
    return StoreError(f"{path} cannot be opened as a store: {detail}")


def _write_lock(path: Path) -> threading.RLock:
    key = str(path.resolve())
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.RLock())


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection without DuckDB's progress bar: a query over two seconds drew it on
    stdout, into the CSV a batch job reads from `export` and into the command's report."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")          # a session setting: connect's config refuses it
    return con


class Store:
    """One DuckDB file holding the whole product's data."""

    def __init__(self, path: str | Path | None = None, *, lock_timeout: float | None = None):
        self.path = config.db_path(path)
        self.lock_timeout = config.lock_timeout_seconds() if lock_timeout is None else lock_timeout
        self._ready = False
        self._version_seen: tuple[tuple | None, int] | None = None   # (files' signature, data version)

    # -- connections -------------------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting a bounded time while another process holds it."""
        self.make_folder()
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return connect(self.path)
            except duckdb.IOException as exc:
                text = str(exc)
                if not _LOCK_HELD.search(text):
                    raise _cannot_open(self.path, text) from None
                if time.monotonic() >= deadline:
                    holder = _HOLDER.search(text)
                    who = f" (process {holder.group(2)}, {holder.group(1)})" if holder else ""
                    raise StoreBusy(
                        f"The store {self.path} is busy: another program{who} is using it. "
                        f"Waited {self.lock_timeout:g} s; nothing was written. Try again when it has finished."
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
            except duckdb.Error as exc:
                raise _cannot_open(self.path, str(exc)) from None

    def make_folder(self) -> None:
        """Create the store's folder if needed; a path that cannot hold a store is refused, named."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"the store {self.path} cannot be used: {unusable_path_problem(exc, self.path)}") from None

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for reading; closed at the end so other processes can get in.

        The first read of a process checks the schema on its own connection (one open instead
        of two, which a one-shot batch ingest feels); only a store that needs creating or
        migrating goes through ensure_schema's writer lock.
        """
        con = self._open()
        if not self._ready:
            try:
                current = self.path.stat().st_size > 0 and _schema_version(con, self.path) == LATEST_VERSION
            except BaseException:
                con.close()
                raise
            if current:
                self._ready = True
            else:
                con.close()
                self.ensure_schema()
                con = self._open()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: everything in the block lands, or nothing does.

        Every write bumps the data version (the dashboard's cache key) inside the same
        transaction, and the commit is verified by reading the version back, because DuckDB
        can turn a COMMIT after a failed statement into a silent rollback.
        """
        self.ensure_schema()
        with _write_lock(self.path):
            con = self._open()
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    new_version = _bump_data_version(con)
                    yield con
                    _commit(con, self.path)
                except BaseException as exc:
                    try:
                        con.execute("ROLLBACK")
                    except duckdb.Error:
                        pass
                    if isinstance(exc, duckdb.IOException):        # the disk, mid-write: full, gone, too large
                        raise _not_written(self.path, exc) from None
                    raise
                if data_version_in(con) != new_version:
                    raise StoreError("The write was not committed by the database; nothing was changed.")
            finally:
                con.close()

    # -- schema ------------------------------------------------------------------------
    def ensure_schema(self) -> int:
        """Create or migrate the schema; refuse a file from a newer product or not ours."""
        if self._ready:
            return LATEST_VERSION
        with _write_lock(self.path):
            con = self._open()
            try:
                version = _schema_version(con, self.path)
                if version > LATEST_VERSION:
                    raise StoreError(
                        f"{self.path} was written by a newer version of this product (schema "
                        f"{version}; this version knows up to {LATEST_VERSION}). Upgrade the product; "
                        "the file was not changed."
                    )
                if version < LATEST_VERSION:
                    _migrate(con, version)
            finally:
                con.close()
        self._ready = True
        return LATEST_VERSION

    def schema_version(self) -> int:
        con = self._open()
        try:
            return _schema_version(con, self.path)
        finally:
            con.close()

    def data_version(self) -> int:
        """A number that changes with every committed write: the cache key for analytics.

        Every page run asks for it, and opening the file costs more than the rest of a filter
        change, so it is read again only when the store's files may have changed: their
        (inode, size, modification time) differ from the last read, or were modified within the
        last second (file times are coarser than a fast writer).
        """
        signature = _files_signature(self.path)
        seen = self._version_seen
        if seen is not None and seen[0] == signature and signature is not None:
            return seen[1]
        with self.read() as con:
            version = data_version_in(con)
        self._version_seen = (signature, version)
        return version

    def is_empty(self) -> bool:
        """True when nothing has been put in the store yet: no metric, value, upload, baseline,
        record or account. A store whose admin was just added (README's first step) is not
        empty: loading the demo there would add demo accounts, and their passwords on the
        sign-in page, to a real installation."""
        with self.read() as con:
            return con.execute(
                "SELECT (SELECT count(*) FROM metric) + (SELECT count(*) FROM observation)"
                " + (SELECT count(*) FROM upload) + (SELECT count(*) FROM baseline)"
                " + (SELECT count(*) FROM improvement_record) + (SELECT count(*) FROM app_user)"
            ).fetchone()[0] == 0


def _commit(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """COMMIT, with a failure of the disk (full, gone, read-only) as a StoreError the user can read
    instead of DuckDB's traceback; DuckDB has rolled the transaction back and the file is as it was."""
    try:
        con.execute("COMMIT")
    except duckdb.Error as exc:
        if interrupted_query(exc):
            raise
        raise _not_written(path, exc) from None


def _not_written(path: Path, exc: duckdb.Error) -> StoreError:
    return StoreError(f"the store {path} could not be written ({str(exc).splitlines()[0]}); nothing was written")


def interrupted_query(exc: BaseException) -> bool:
    """True for DuckDB's answer to Ctrl-C during a query: it cancels the query and raises its own
    error (RuntimeError 'Query interrupted', or InterruptException) in place of Python's
    KeyboardInterrupt, which never comes. The write it was part of has been rolled back."""
    return isinstance(exc, duckdb.InterruptException) or (
        isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted")


def unusable_path_problem(exc: OSError, path: Path) -> str:
    """Why a file cannot be made at `path`, in words a user can act on: a folder on the way that is
    a file, the path itself a folder, or the system's reason (no permission, a folder that cannot
    be made) for the path or the folder it is about."""
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        return f"{blocker} is a file, not a folder"
    if path.is_dir():
        return f"{path} is a folder"
    about = next((p for p in (path, *path.parents) if str(p) == str(exc.filename)), path)    # not a temporary name
    return f"cannot create {about} ({exc.strerror or exc})"


def _files_signature(path: Path, settled_seconds: float = 1.0) -> tuple | None:
    """(inode, size, mtime) of the store file and its write-ahead log; None while either was
    modified in the last `settled_seconds` (or cannot be read), meaning: do not trust a cache."""
    signature = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            stat = file.stat()
        except FileNotFoundError:
            signature.append(None)
            continue
        except OSError:
            return None
        if time.time() - stat.st_mtime < settled_seconds:
            return None
        signature.append((stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(signature)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def _schema_version(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    tables = _tables(con)
    if not tables:
        return 0
    if "schema_version" not in tables or "store_meta" not in tables:
        raise StoreError(f"{path} is a DuckDB file but not a store of this product; it was not changed.")
    product = con.execute("SELECT value FROM store_meta WHERE key = 'product'").fetchone()
    if not product or product[0] != PRODUCT_ID:
        raise StoreError(f"{path} is a DuckDB file but not a store of this product; it was not changed.")
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _migrate(con: duckdb.DuckDBPyConnection, from_version: int) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        if from_version == 0:
            con.execute(
                "CREATE TABLE schema_version (version INTEGER NOT NULL, description VARCHAR,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
        for version, description, sql in MIGRATIONS:
            if version <= from_version:
                continue
            con.execute(sql)
            if version == 1:
                con.execute(
                    "INSERT INTO store_meta VALUES ('product', ?), ('data_version', '0')", [PRODUCT_ID]
                )
            con.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)", [version, description])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if _schema_version(con, Path("store")) != LATEST_VERSION:
        raise StoreError("The schema migration was not committed; the file was not changed.")


def data_version_in(con: duckdb.DuckDBPyConnection) -> int:
    """The data version as seen by this connection (inside a write: already bumped by it)."""
    row = con.execute("SELECT value FROM store_meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def _bump_data_version(con: duckdb.DuckDBPyConnection) -> int:
    new = data_version_in(con) + 1
    con.execute("UPDATE store_meta SET value = ? WHERE key = 'data_version'", [str(new)])
    return new
