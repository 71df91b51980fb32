"""The store: schema creation and migration, refusals, transactions, the busy lock."""

from __future__ import annotations

import subprocess
import sys
import time

import duckdb
import pytest

from analytics.errors import StoreBusy, StoreError
from analytics.migrations import LATEST_VERSION, MIGRATIONS
from analytics.store import Store
from tests.conftest import ROOT


def test_new_store_is_created_at_latest_version(tmp_path):
    store = Store(tmp_path / "new.duckdb")
    assert store.ensure_schema() == LATEST_VERSION
    assert store.schema_version() == LATEST_VERSION
    assert store.is_empty()


def test_no_connection_draws_duckdb_s_progress_bar(store):
    """DuckDB's Python client draws a progress bar on stdout for a query over two seconds: into a
    batch job's CSV from `export`, or a command's report. Every connection the store opens, reading
    or writing, has it off. Checked in a process of its own, as a command runs: under pytest
    DuckDB leaves the bar off by itself."""
    code = ("import sys\nfrom analytics.store import Store\nstore = Store(sys.argv[1])\n"
            "setting = \"SELECT current_setting('enable_progress_bar')\"\n"
            "with store.read() as con:\n    print(con.execute(setting).fetchone()[0])\n"
            "with store.write() as con:\n    print(con.execute(setting).fetchone()[0])\n")
    done = subprocess.run([sys.executable, "-c", code, str(store.path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_ensure_schema_is_idempotent(store):
    assert Store(store.path).ensure_schema() == LATEST_VERSION
    with store.read() as con:
        versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert versions == [m[0] for m in MIGRATIONS]


def _make_version_1_store(path):
    """A file exactly as the first release left it: migration 1 only, with a metric in it."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, description VARCHAR,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    con.execute(MIGRATIONS[0][2])
    con.execute("INSERT INTO store_meta VALUES ('product', 'service-improvement-dashboard'), ('data_version', '0')")
    con.execute("INSERT INTO schema_version (version, description) VALUES (1, 'v1')")
    con.execute("INSERT INTO metric (name, name_key) VALUES ('Incident MTTR', 'incident mttr')")
    con.close()


def test_older_store_is_migrated_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    _make_version_1_store(path)
    store = Store(path)
    assert store.schema_version() == 1
    store.ensure_schema()
    assert store.schema_version() == LATEST_VERSION
    with store.read() as con:
        assert con.execute("SELECT name FROM metric").fetchall() == [("Incident MTTR",)]
        assert con.execute("SELECT count(*) FROM baseline").fetchone()[0] == 0


def test_newer_store_is_refused_and_not_changed(tmp_path):
    path = tmp_path / "future.duckdb"
    Store(path).ensure_schema()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version (version, description) VALUES (?, 'from the future')",
                [LATEST_VERSION + 5])
    con.close()
    with pytest.raises(StoreError, match=f"newer version.*schema {LATEST_VERSION + 5}"):
        Store(path).ensure_schema()
    assert Store(path).schema_version() == LATEST_VERSION + 5


@pytest.mark.parametrize("content", [b"not a database at all" * 100, b"PK\x03\x04" + bytes(5000)])
def test_a_file_that_is_not_a_store_is_refused(tmp_path, content):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="cannot be opened as a store"):
        Store(path).ensure_schema()
    assert path.read_bytes() == content


def test_a_foreign_duckdb_file_is_refused(tmp_path):
    path = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a store of this product"):
        Store(path).ensure_schema()


def test_a_failed_write_leaves_nothing_behind(store):
    before = store.data_version()
    with pytest.raises(RuntimeError), store.write() as con:
        con.execute("INSERT INTO metric (name, name_key) VALUES ('A', 'a')")
        raise RuntimeError("boom")
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM metric").fetchone()[0] == 0
    assert store.data_version() == before


def test_a_failed_statement_rolls_back_the_whole_write(store):
    with pytest.raises(duckdb.Error), store.write() as con:
        con.execute("INSERT INTO metric (name, name_key) VALUES ('A', 'a')")
        con.execute("INSERT INTO metric (name, name_key) VALUES ('A', 'a')")  # unique violation
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM metric").fetchone()[0] == 0


def test_every_write_bumps_the_data_version(store):
    before = store.data_version()
    with store.write() as con:
        con.execute("INSERT INTO metric (name, name_key) VALUES ('A', 'a')")
    assert store.data_version() == before + 1


def _write_something(path):
    with Store(path).write() as con:
        con.execute("INSERT INTO metric (name, name_key) VALUES ('m' || random(), 'k' || random())")


def test_the_data_version_is_read_again_only_when_the_files_may_have_changed(store, monkeypatch):
    """Every page run asks for the version; an unchanged, settled store answers without opening
    the file, while any write, by this process or another, is seen on the next ask."""
    first = store.data_version()
    _write_something(store.path)                         # another Store: as another process would
    assert store.data_version() == first + 1             # just modified: read again at once
    time.sleep(1.1)
    assert store.data_version() == first + 1             # settled: read once more, then remembered
    opened = []
    monkeypatch.setattr(store, "read", lambda: opened.append(1) or pytest.fail("the file was opened"))
    assert store.data_version() == first + 1 and not opened
    monkeypatch.undo()
    _write_something(store.path)
    time.sleep(1.1)                                      # changed and settled again: the files differ
    assert store.data_version() == first + 2


def test_a_store_held_by_another_process_gives_a_clear_busy_message(tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).ensure_schema()
    holder = subprocess.Popen(
        [sys.executable, "-c", (f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True);"
         " time.sleep(30)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="is busy: another program .*process \\d+"), \
                Store(path, lock_timeout=0.5).read():
            pass
        assert 0.4 < time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_waits_for_the_other_process_to_finish(tmp_path):
    path = tmp_path / "turns.duckdb"
    Store(path).ensure_schema()
    holder = subprocess.Popen(
        [sys.executable, "-c", (f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True);"
         " time.sleep(0.8); c.close(); time.sleep(5)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        store = Store(path, lock_timeout=10)
        with store.write() as con:
            con.execute("INSERT INTO metric (name, name_key) VALUES ('A', 'a')")
        with store.read() as con:
            assert con.execute("SELECT count(*) FROM metric").fetchone()[0] == 1
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("where, reason", [
    ("under_a_file", "{tmp}/notes.csv is a file, not a folder"),
    ("proc", "cannot create /proc/nope (No such file or directory)"),
])
def test_a_store_path_that_cannot_hold_a_store_is_refused_in_one_line(cli, tmp_path, where, reason):
    (tmp_path / "notes.csv").write_text("x\n")
    path = {"under_a_file": tmp_path / "notes.csv" / "x.duckdb", "proc": "/proc/nope/x.duckdb"}[where]
    for command in ("init", "demo"):                       # commands that create a store where there is none
        code, out, err = cli("--db", path, command)       # the later --db wins over the fixture's
        assert (code, out) == (1, "")
        assert err == f"the store {path} cannot be used: {reason.format(tmp=tmp_path)}\n"


@pytest.mark.parametrize("command", [
    ["observations", "--format", "csv"], ["analyse"], ["metrics"], ["uploads"], ["baselines"], ["records", "list"],
    ["records", "show", "1"], ["users", "list"], ["report", "--format", "csv", "--output", "r.csv"],
    ["backup", "b.duckdb"], ["rollback", "1"], ["users", "set", "ann", "--role", "admin"], ["plan", "--year", "2026"],
    ["baselines", "set", "--by", "t", "--metric", "MTTR", "--target", "5", "--from", "2026-01", "--reason", "r"],
])
def test_a_command_on_what_a_store_holds_refuses_a_path_with_no_store_and_creates_nothing(cli, tmp_path,
                                                                                          monkeypatch, command):
    """A mistyped --db must not look like an empty store (a CSV header, '(none)', an empty backup)."""
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "typo" / "x.duckdb"
    code, out, err = cli("--db", missing, *command)
    assert (code, out) == (1, "")
    assert err == f"no store at {missing}: check --db / CSI_DB, or create it with `init`\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.duckdb"]


def test_init_and_ingest_still_create_a_store_where_there_is_none(cli, tmp_path):
    (tmp_path / "v.csv").write_text("metric,period,value\nMTTR,2026-01,7\n", encoding="utf-8")
    assert cli("--db", tmp_path / "a" / "x.duckdb", "init")[0] == 0
    assert cli("--db", tmp_path / "b" / "x.duckdb", "ingest", tmp_path / "v.csv", "--create-metrics")[0] == 0
    code, out, _ = cli("--db", tmp_path / "b" / "x.duckdb", "observations", "--format", "csv")
    assert (code, out) == (0, "metric,period,value\nMTTR,2026-01,7.0\n")
