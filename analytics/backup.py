"""Backup and restore of the whole store file, consistent while the dashboard runs.

A backup holds the store's file lock (other processes wait, as for any write), checkpoints
the write-ahead log into the file and copies it. A restore first checks that the file is a
store of this product and not from a newer schema, keeps the current store next to it
(nothing is lost; a damaged store, which cannot be opened, as it is), then puts the backup in
place atomically.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

try:
    import fcntl
except ImportError:          # not on Linux: one process restores at a time by the in-process lock only
    fcntl = None

from .errors import InputRefused, Problem, StoreDamaged, StoreError
from .migrations import LATEST_VERSION
from .store import (
    Store,
    _schema_version,
    _tables,
    _write_lock,
    connect,
    data_version_in,
    unusable_path_problem,
)


def backup(store: Store, target: str | os.PathLike) -> Path:
    """Copy the store to `target`: written beside it under a temporary name, then renamed, so
    `target` is either the whole backup or as it was (an interrupted copy leaves nothing)."""
    target = Path(target)
    if target.resolve() == store.path.resolve():
        raise InputRefused(Problem("the backup cannot overwrite the store itself", file=str(target)))
    if target.is_dir():
        raise InputRefused(Problem("this is a folder; give the backup a file name in it, e.g. "
                                   f"{target / 'csi-backup.duckdb'}", file=str(target)))
    if _another_kind_of_file(target):
        raise InputRefused(Problem("the file exists and is not a store or a backup, so it was not overwritten: give "
                                   "the backup a name of its own", file=str(target)))
    store.ensure_schema()
    partial = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(handle)
        partial = Path(name)
        with _write_lock(store.path):
            con = store._open()
            try:
                con.execute("CHECKPOINT")
                shutil.copyfile(store.path, partial)
            finally:
                con.close()
        os.replace(partial, target)
    except OSError as exc:
        raise InputRefused(Problem(f"the backup cannot be written: {unusable_path_problem(exc, target)}",
                                   file=str(target))) from None
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    return target


def _another_kind_of_file(path: Path) -> bool:
    """A file that holds something but is not a DuckDB database (DUCK at byte 8): a backup run
    with a mistyped name (backup 月报.xlsx) must not replace a user's file, while last night's
    backup under the same name is replaced as batch jobs expect."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError:
        return False                    # no file (or none readable): the write says what is wrong
    return bool(head) and head[8:12] != b"DUCK"


def check_backup(source: str | os.PathLike) -> int:
    """The schema version of a backup file; refuses anything that is not a store we can open."""
    source = Path(source)
    if source.is_dir():
        raise InputRefused(Problem("this is a folder, not a backup: name the backup file in it", file=str(source)))
    if not source.is_file():
        raise InputRefused(Problem("file not found", file=str(source)))
    try:
        con = connect(source, read_only=True)
    except duckdb.Error as exc:
        raise InputRefused(Problem(f"not a store of this product ({str(exc).splitlines()[0]})",
                                   file=str(source))) from None
    try:
        version = _schema_version(con, source)
        _read_every_table(con)
    except StoreError as exc:
        raise InputRefused(Problem(str(exc), file=str(source))) from None
    except duckdb.Error as exc:
        raise InputRefused(Problem(f"the backup is damaged and cannot be restored ({str(exc).splitlines()[0]}); "
                                   "nothing was changed", file=str(source))) from None
    finally:
        con.close()
    if version == 0:
        raise InputRefused(Problem("the file is an empty database, not a store of this product", file=str(source)))
    if version > LATEST_VERSION:
        raise InputRefused(Problem(f"the backup is from a newer version of this product (schema {version}; this "
                                   f"version knows up to {LATEST_VERSION}); upgrade first", file=str(source)))
    return version


def _read_every_table(con: duckdb.DuckDBPyConnection) -> None:
    """Read every row of every table, so that a truncated or damaged file (DuckDB checks each
    block it reads) is refused before it replaces the store, not found by a later page."""
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        con.execute(f'SELECT bit_xor(hash(t)) FROM "{table}" AS t').fetchone()     # every column of every row


@contextmanager
def _one_restore_at_a_time(path: Path):
    """An exclusive lock across processes (a lock file beside the store): two restores started at
    once would otherwise both keep 'the previous store' under one name, the second over the first."""
    lock = path.with_name(path.name + ".restore-lock")
    with open(lock, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _kept_copy(store_path: Path) -> Path:
    """A new file beside the store for the store as it was: named by the time, never an existing one."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        kept = store_path.with_name(f"{store_path.stem}.before-restore-{stamp}{f'-{n}' if n else ''}{store_path.suffix}")
        try:
            os.close(os.open(kept, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return kept
        except FileExistsError:
            continue
    raise StoreError(f"no free name beside {store_path} for the store as it was; nothing was changed")


def _as_the_store_was(path: Path, original: os.stat_result) -> None:
    """Give a file the store's permissions and, where we may, its owner: a restore run by root
    must not leave a store the dashboard's service account cannot open, nor a kept copy (with
    password hashes) readable by everyone."""
    os.chmod(path, original.st_mode & 0o777)
    if hasattr(os, "chown") and os.geteuid() == 0:
        os.chown(path, original.st_uid, original.st_gid)


def _newer_data_version(path: Path, seen: int) -> None:
    """Give the restored file a data version above any the running dashboard has seen: caches
    keyed by (file, data version) must never take the restored data for what they cached."""
    con = connect(path)
    try:
        current = data_version_in(con)
        con.execute("UPDATE store_meta SET value = ? WHERE key = 'data_version'", [str(max(current, seen) + 1)])
        con.execute("CHECKPOINT")
    finally:
        con.close()


def restore(store: Store, source: str | os.PathLike) -> tuple[Path | None, dict[str, list[int]]]:
    """Replace the store with a backup. Returns where the previous store was kept (None if none)
    and what only the kept store has (only_in_the_kept_copy), compared under the restore's lock:
    once the lock is let go, another restore may hold the store."""
    source = Path(source)
    check_backup(source)
    store.make_folder()
    kept, seen, original = None, 0, None
    with _write_lock(store.path), _one_restore_at_a_time(store.path):
        damaged = False
        if store.path.exists():
            try:
                con = store._open()          # waits for, then excludes, every other process
            except StoreDamaged:             # what a backup is for: kept as it is, nothing read from it
                damaged, seen = True, int(time.time())     # above any version a dashboard saw: writes count by one
            else:
                try:
                    con.execute("CHECKPOINT")
                    seen = data_version_in(con)
                finally:
                    con.close()
            original = store.path.stat()
            kept = _kept_copy(store.path)
            shutil.copyfile(store.path, kept)
            _as_the_store_was(kept, original)
        handle, name = tempfile.mkstemp(prefix=f".{store.path.name}.", suffix=".restoring", dir=store.path.parent)
        os.close(handle)
        incoming = Path(name)
        try:
            shutil.copyfile(source, incoming)
            _newer_data_version(incoming, seen)
            missing = only_in_the_kept_copy(kept, incoming) if kept is not None and not damaged else {}
            if original is not None:
                _as_the_store_was(incoming, original)
            os.replace(incoming, store.path)
        finally:
            incoming.unlink(missing_ok=True)
        wal = store.path.with_name(store.path.name + ".wal")
        if wal.exists():
            wal.unlink()
    store._ready = False
    store.ensure_schema()               # an older backup is migrated on the spot
    return kept, missing


def only_in_the_kept_copy(kept: Path, restored: Path) -> dict[str, list[int]]:
    """Uploads and records of the replaced store that the restored backup lacks (an older backup
    put over newer work): {'uploads': [12], 'records': [4]}. Told to the user, who may have meant
    another backup; they are still in the kept copy."""
    def keys(path: Path) -> tuple[dict, dict]:
        con = connect(path, read_only=True)
        try:
            tables = _tables(con)
            uploads = {(sha, when): i for i, sha, when in con.execute("SELECT id, sha256, uploaded_at FROM upload")
                       .fetchall()} if "upload" in tables else {}
            records = {(title, when): i for i, title, when in con.execute(
                "SELECT id, title, raised_at FROM improvement_record").fetchall()} if "improvement_record" in tables else {}
            return uploads, records
        finally:
            con.close()

    (old_uploads, old_records), (new_uploads, new_records) = keys(kept), keys(restored)
    return {"uploads": sorted(i for key, i in old_uploads.items() if key not in new_uploads),
            "records": sorted(i for key, i in old_records.items() if key not in new_records)}
