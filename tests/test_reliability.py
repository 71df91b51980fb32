"""Reliability: backup/restore, a killed ingest leaves the store as it was, concurrent writers and readers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from analytics.localise import message_text
from analytics.migrations import LATEST_VERSION
from analytics.observations import current_observations
from analytics.store import Store
from tests.conftest import ROOT, load_through_cli, run_cli_process

CATALOGUE = "name,direction\nMTTR,decrease\nSLA,increase\n"


@pytest.fixture
def filled(store, cli, tmp_path):
    load_through_cli(cli, tmp_path, CATALOGUE, "metric,period,value\nMTTR,2026-01,7\nSLA,2026-01,95\n")
    return store


def _values(store):
    return {(m, p): v for m, p, v in current_observations(store).itertuples(index=False)}


def test_backup_and_restore_round_trip(filled, cli, tmp_path):
    assert cli("backup", tmp_path / "b.duckdb")[0] == 0
    (tmp_path / "w.csv").write_text("metric,period,value\nMTTR,2026-02,6\n", encoding="utf-8")
    cli("ingest", tmp_path / "w.csv")
    assert len(_values(filled)) == 3
    code, out, _ = cli("restore", tmp_path / "b.duckdb")
    assert code == 0 and "previous store was kept as" in out
    assert _values(Store(filled.path)) == {("MTTR", "2026-01"): 7.0, ("SLA", "2026-01"): 95.0}
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and len(_values(Store(kept[0]))) == 3          # nothing lost


def test_a_damaged_store_is_named_so_and_a_backup_restores_over_it(filled, cli, tmp_path):
    """A store whose block fails its checksum (seen once after a killed ingest) was refused as 'cannot
    be opened as a store', and restore, which opened it first to keep it, failed the same way: the
    backup could not be put back. Now the refusal says what to do, and restore keeps the damaged
    file as it is, byte for byte."""
    assert cli("backup", tmp_path / "b.duckdb")[0] == 0
    with open(filled.path, "r+b") as file:            # the first block after the three headers, as DuckDB found it
        file.seek(12288 + 100)
        file.write(b"\xff" * 64)
    damaged = filled.path.read_bytes()
    code, _, err = cli("uploads")
    assert code == 1
    assert err.startswith(f"{filled.path} is damaged and cannot be read (Corrupt database file: ")
    message = err.strip()
    assert message.endswith("): restore the last backup with 'python -m analytics restore <backup file>'; the damaged "
                            "store is kept beside it")
    assert message_text(message, "zh").startswith(f"{filled.path} 已损坏,无法读取(Corrupt database file: ")
    code, out, err = cli("restore", tmp_path / "b.duckdb")
    assert code == 0 and "previous store was kept as" in out and err == ""
    assert _values(Store(filled.path)) == {("MTTR", "2026-01"): 7.0, ("SLA", "2026-01"): 95.0}
    kept, = (p for p in tmp_path.iterdir() if ".before-restore-" in p.name)
    assert kept.read_bytes() == damaged


def test_restoring_an_older_backup_over_newer_work_says_what_is_only_in_the_kept_copy(filled, cli, tmp_path):
    """Found by exploratory testing: an older backup restored over newer work said only 'the
    previous store was kept'; upload #2 and record #1 were gone from the store without a word."""
    assert cli("backup", tmp_path / "b.duckdb")[0] == 0
    (tmp_path / "w.csv").write_text("metric,period,value\nMTTR,2026-02,6\n", encoding="utf-8")
    assert cli("ingest", tmp_path / "w.csv")[0] == 0
    assert cli("users", "add", "陈静", "--role", "improvement_owner", "--no-password")[0] == 0
    assert cli("records", "raise", "--title", "MTTR 太高", "--source", "meeting", "--by", "陈静")[0] == 0
    code, _, err = cli("restore", tmp_path / "b.duckdb")
    assert code == 0
    kept = next(p for p in tmp_path.iterdir() if ".before-restore-" in p.name)
    assert err == f"warning: the backup is older than the store it replaced: uploads #2 and records #1 are only in {kept}\n"
    code, _, err = cli("restore", tmp_path / "b.duckdb")           # the same backup again: nothing is lost
    assert code == 0 and err == ""


def test_a_restored_store_never_reuses_a_data_version_the_dashboard_has_seen(filled, cli, tmp_path):
    """The dashboard caches the analysis by (file, data version): after a restore followed by a
    write, the version must not come back to one cached for different data."""
    assert cli("backup", tmp_path / "b.duckdb")[0] == 0
    (tmp_path / "w.csv").write_text("metric,period,value\nMTTR,2026-02,6\n", encoding="utf-8")
    cli("ingest", tmp_path / "w.csv")
    from analytics.analysis import analyse

    seen = filled.data_version()
    assert analyse(filled).period.strftime("%Y-%m") == "2026-02"        # cached for the newer data
    assert cli("restore", tmp_path / "b.duckdb")[0] == 0
    restored = Store(filled.path)
    assert restored.data_version() > seen
    after = analyse(restored)
    assert after.period.strftime("%Y-%m") == "2026-01" and set(after.table["actual"]) == {7.0, 95.0}


@pytest.mark.parametrize("kind", ["text", "foreign", "newer", "missing"])
def test_restore_refuses_what_is_not_a_store_of_this_version(filled, cli, tmp_path, kind):
    path = tmp_path / f"{kind}.duckdb"
    if kind == "text":
        path.write_text("not a database")
    elif kind == "foreign":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE x (a INT)")
        con.close()
    elif kind == "newer":
        cli("backup", path)
        con = duckdb.connect(str(path))
        con.execute("INSERT INTO schema_version VALUES (?, 'future', current_timestamp)", [LATEST_VERSION + 1])
        con.close()
    code, _, err = cli("restore", path)
    assert code == 1 and path.name in err
    assert len(_values(Store(filled.path))) == 2


def test_a_damaged_backup_is_refused_before_it_replaces_the_store(filled, cli, tmp_path):
    """Found by exploratory testing: a truncated backup was restored (exit 0) and pages then failed
    on 'Corrupt database file'. Every block is read before the swap: a damaged one refuses it."""
    path = tmp_path / "b.duckdb"
    assert cli("backup", path)[0] == 0
    con = duckdb.connect(str(path))                # enough rows that the middle of the file is data
    con.execute("INSERT INTO observation (metric_id, period, value, upload_id) "
                "SELECT 1, DATE '2000-01-01' + INTERVAL (i % 300) MONTH, random(), 1 FROM range(400000) t(i)")
    con.execute("CHECKPOINT")
    con.close()
    size = path.stat().st_size
    noise = random.Random(1)
    with open(path, "r+b") as damaged:                 # bytes flipped in the data, the header left whole
        for at in range(size // 4, 3 * size // 4, 1 << 16):
            damaged.seek(at)
            damaged.write(bytes(noise.getrandbits(8) for _ in range(512)))
    code, out, err = cli("restore", path)
    assert code == 1 and out == ""
    assert err.startswith(f"{path}: the backup is damaged and cannot be restored (Corrupt database file")
    assert err.rstrip().endswith("nothing was changed") and "Traceback" not in err
    assert _values(Store(filled.path)) == {("MTTR", "2026-01"): 7.0, ("SLA", "2026-01"): 95.0}
    assert not [p for p in tmp_path.iterdir() if ".before-restore-" in p.name or "restoring" in p.name]


def test_two_restores_at_once_each_keep_the_store_they_replaced(filled, cli, tmp_path):
    """Found by exploratory testing: two restores started together both kept 'the previous store'
    under one name, the second over the first, and the original store was gone."""
    (tmp_path / "w.csv").write_text("metric,period,value\nMTTR,2026-02,6\n", encoding="utf-8")
    assert cli("backup", tmp_path / "one.duckdb")[0] == 0
    assert cli("ingest", tmp_path / "w.csv")[0] == 0
    assert cli("backup", tmp_path / "two.duckdb")[0] == 0
    assert cli("ingest", _month(tmp_path, "2026-03"))[0] == 0                # the store: 4 values
    runs = [subprocess.Popen([sys.executable, "-m", "analytics", "--db", str(filled.path), "restore",
                              str(tmp_path / name)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for name in ("one.duckdb", "two.duckdb")]
    results = [run.communicate(timeout=120) + (run.returncode,) for run in runs]
    assert [code for _, _, code in results] == [0, 0], results
    kept = sorted(p for p in tmp_path.iterdir() if ".before-restore-" in p.name)
    assert len(kept) == 2
    sizes = sorted(len(_values(Store(p))) for p in kept)
    assert sizes[-1] == 4                  # the store as it was is kept, whichever restore came first
    assert len(_values(Store(filled.path))) in (2, 3)


def _month(tmp_path, period):
    path = tmp_path / f"{period}.csv"
    path.write_text(f"metric,period,value\nMTTR,{period},5\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not hasattr(os, "chmod"), reason="file modes")
def test_a_restore_keeps_the_store_s_permissions(filled, cli, tmp_path):
    """Found by exploratory testing: a restore left the store 0644 (the service account's group
    could no longer write it) and the kept copy, with password hashes, readable by everyone."""
    assert cli("backup", tmp_path / "b.duckdb")[0] == 0
    os.chmod(filled.path, 0o660)
    assert cli("restore", tmp_path / "b.duckdb")[0] == 0
    kept = next(p for p in tmp_path.iterdir() if ".before-restore-" in p.name)
    assert oct(filled.path.stat().st_mode & 0o777) == oct(0o660)
    assert oct(kept.stat().st_mode & 0o777) == oct(0o660)


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="file size limits")
def test_a_disk_that_fills_up_during_the_write_is_one_line_and_changes_nothing(filled, cli, tmp_path):
    """Found by exploratory testing: a full disk during the write gave DuckDB's traceback. Here no file
    may be written past 64 kB (RLIMIT_FSIZE, as a full disk: writes fail with EFBIG)."""
    import resource

    names = [f"M{i}" for i in range(300)]
    (tmp_path / "c.csv").write_text("name\n" + "\n".join(names) + "\n", encoding="utf-8")
    assert cli("metrics", "import", tmp_path / "c.csv")[0] == 0
    rows = tmp_path / "big.csv"              # 300 metrics x 420 months: 126,000 values, megabytes to write
    rows.write_text("指标,月份,数值\n" + "".join(f"{name},{year}-{month:02d},{month}\n" for name in names
                                              for year in range(1991, 2026) for month in range(1, 13)), encoding="utf-8")
    limit = 64_000                 # no block written past 64 kB into the store, no WAL longer than that

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "analytics", "--db", str(filled.path), "ingest", str(rows)],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=small_disk)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""                   # no figures of a load that did not happen for a script to read
    assert done.stderr.strip() == (f"the store {filled.path} could not be written (IO Error: Could not write file "
                                   f"\"{filled.path}\": File too large); nothing was written")
    assert _values(Store(filled.path)) == {("MTTR", "2026-01"): 7.0, ("SLA", "2026-01"): 95.0}


def test_backup_while_another_process_reads_and_writes(filled, tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom analytics.store import Store\ns = Store(sys.argv[1])\n"
        "for i in range(40):\n    with s.write() as con:\n        time.sleep(0.01)\n"), str(filled.path)], cwd=ROOT)
    try:
        for i in range(3):
            result = run_cli_process("--db", filled.path, "backup", tmp_path / f"b{i}.duckdb")
            assert result.returncode == 0, result.stderr
    finally:
        writer.wait(60)
    assert _values(Store(tmp_path / "b2.duckdb")) == _values(filled)


INGEST_SCRIPT = """
import sys
from analytics.ingest import apply_ingest, plan_ingest
from analytics.store import Store
store = Store(sys.argv[1])
plan = plan_ingest(store, [(sys.argv[2], "big.csv")])
print("planned", flush=True)
apply_ingest(store, plan, by="killer")
print("done", flush=True)
"""


@pytest.mark.slow
def test_a_killed_ingest_leaves_the_store_exactly_as_before(filled, tmp_path):
    rows = ["metric,period,value"] + [f"{m},{y}-{mo:02d},{i % 97}" for i, (m, y, mo) in enumerate(
        (m, y, mo) for m in ("MTTR", "SLA") for y in range(2000, 2026) for mo in range(1, 13))]
    big = tmp_path / "big.csv"
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = _values(filled)
    rng = random.Random(7)
    survived = completed = 0
    deadline = time.monotonic() + 60
    for trial in range(12):
        if time.monotonic() > deadline:
            break
        proc = subprocess.Popen([sys.executable, "-c", INGEST_SCRIPT, str(filled.path), str(big)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "planned"
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        store = Store(filled.path)
        now = _values(store)
        with store.read() as con:
            uploads = con.execute("SELECT count(*) FROM upload").fetchone()[0]
        if now == before:
            assert uploads == 1
            survived += 1
        else:                                   # the kill came after the commit: the whole upload is there
            assert len(now) == (len(rows) - 1) + len(before) and uploads == 2
            completed += 1
            with store.write() as con:          # put the store back for the next trial
                last = con.execute("SELECT max(id) FROM upload").fetchone()[0]
                con.execute("DELETE FROM observation WHERE upload_id = ?", [last])
                con.execute("DELETE FROM upload WHERE id = ?", [last])
            assert _values(store) == before
    print(f"kill trials: {survived} rolled back cleanly, {completed} completed before the kill")
    assert survived >= 1


def test_two_threads_writing_and_reading_at_once_lose_nothing(filled):
    errors: list[BaseException] = []

    def write(n):
        try:
            for i in range(15):
                with filled.write() as con:
                    con.execute("INSERT INTO store_meta VALUES (?, 'x')", [f"t{n}-{i}"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def read():
        try:
            for _ in range(30):
                assert len(_values(filled)) == 2
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)] + [threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with filled.read() as con:
        assert con.execute("SELECT count(*) FROM store_meta WHERE key LIKE 't%-%'").fetchone()[0] == 30
    assert os.path.exists(filled.path)


@pytest.mark.parametrize("where, reason", [
    ("folder", "this is a folder; give the backup a file name in it"),
    ("under_a_file", "the backup cannot be written: {tmp}/notes.csv is a file, not a folder"),
    ("proc", "the backup cannot be written: cannot create /proc/x.duckdb (No such file or directory)"),
    ("not_a_store", ("the file exists and is not a store or a backup, so it was not overwritten: give the backup a "
                     "name of its own")),
])
def test_a_backup_to_a_path_that_cannot_hold_it_is_refused_in_one_line(filled, cli, tmp_path, where, reason):
    (tmp_path / "notes.csv").write_text("x\n")
    (tmp_path / "folder").mkdir()
    target = {"folder": tmp_path / "folder", "under_a_file": tmp_path / "notes.csv" / "b.duckdb",
              "proc": "/proc/x.duckdb", "not_a_store": tmp_path / "notes.csv"}[where]
    code, out, err = cli("backup", target)
    assert (code, out) == (1, "")
    assert err == f"{target}: {reason.format(tmp=tmp_path)}" + (f", e.g. {target}/csi-backup.duckdb" if where == "folder"
                                                                 else "") + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.csv", "folder", "notes.csv", "store.duckdb", "values.csv"]
    assert list((tmp_path / "folder").iterdir()) == []
    assert (tmp_path / "notes.csv").read_text() == "x\n"


def test_an_interrupted_backup_leaves_the_earlier_backup_whole_and_no_partial_file(filled, cli, tmp_path, monkeypatch):
    """The copy goes to a temporary file renamed over the target only once whole."""
    (tmp_path / "backups").mkdir()
    target = tmp_path / "backups" / "b.duckdb"
    assert cli("backup", target)[0] == 0
    earlier = target.read_bytes()

    def copy_then_interrupt(source, destination):
        Path(destination).write_bytes(b"half a store")
        raise KeyboardInterrupt

    monkeypatch.setattr("analytics.backup.shutil.copyfile", copy_then_interrupt)
    code, _, err = cli("backup", target)
    assert code == 130 and err.startswith("interrupted; nothing was written")
    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["b.duckdb"] and target.read_bytes() == earlier


CTRL_C_IN_THE_WRITE = """
import runpy, sys
import analytics.ingest as ingest
real_insert = ingest._insert
def insert_slowly(con, *args):
    print("writing", flush=True)         # inside the transaction, the upload row already inserted
    con.execute("SET threads = 1")       # DuckDB looks for Ctrl-C between the tasks its calling thread runs
    con.execute("SELECT sum(range) FROM range(100000000000)").fetchone()     # minutes: Ctrl-C lands in DuckDB
    real_insert(con, *args)
ingest._insert = insert_slowly
sys.argv = ["analytics", *sys.argv[1:]]
runpy.run_module("analytics", run_name="__main__")
"""

CTRL_C_WHILE_LOADING = """
import os, runpy, signal, sys
class CtrlCOnImport:
    def find_spec(self, name, path=None, target=None):
        if name == "analytics.cli":
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, CtrlCOnImport())
sys.argv = ["analytics", *sys.argv[1:]]
runpy.run_module("analytics", run_name="__main__")
"""


def test_ctrl_c_inside_the_write_rolls_it_back_and_says_so_with_exit_130(filled, tmp_path):
    """DuckDB answers SIGINT during a query with RuntimeError('Query interrupted'), not KeyboardInterrupt."""
    (tmp_path / "w.csv").write_text("metric,period,value\nMTTR,2026-02,6\n", encoding="utf-8")
    before = _values(filled)
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_IN_THE_WRITE, "--db", str(filled.path), "ingest",
                             str(tmp_path / "w.csv")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    while (line := proc.stdout.readline()) and line.strip() != "writing":
        pass
    time.sleep(0.3)                                    # well inside the long query
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, "interrupted; nothing was written by the unfinished step\n")
    assert _values(Store(filled.path)) == before
    with Store(filled.path).read() as con:
        assert con.execute("SELECT count(*) FROM upload").fetchone()[0] == 1


def test_ctrl_c_while_the_command_line_loads_says_so_with_exit_130(filled):
    result = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_LOADING, "--db", str(filled.path), "observations"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (
        130, "", "interrupted; nothing was written by the unfinished step\n")
