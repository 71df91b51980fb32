"""Reliability figures (issue: reliability and security): concurrent writers and readers, and
ingests killed with SIGKILL at random moments. Counts, not speed: every target is "nothing lost".

Writers are real `python -m analytics ingest` processes (as monthly batch jobs run); readers are
threads in this process reading the current values as the dashboard does. A read must never see
part of an upload: the number of values it sees is always a whole number of files.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.harness import Figure

ROOT = Path(__file__).resolve().parent.parent
METRICS, WRITERS, FILES_PER_WRITER, KILL_TRIALS = 20, 3, 8, 12

KILLED_INGEST = """
import sys
from analytics.ingest import apply_ingest, plan_ingest
from analytics.store import Store
store = Store(sys.argv[1])
plan = plan_ingest(store, [(sys.argv[2], "big.csv")])
print("planned", flush=True)
apply_ingest(store, plan, by="killer")
"""


def _store(path: Path):
    import pandas as pd

    from analytics.catalogue import import_catalogue
    from analytics.store import Store

    store = Store(path, lock_timeout=120)
    import_catalogue(store, pd.DataFrame({"name": [f"m{i}" for i in range(METRICS)]}), by="bench")
    return store


def _month_file(directory: Path, writer: int, n: int) -> Path:
    """One month of every metric; each writer and file has its own months, so nothing supersedes."""
    year, month = 1990 + writer * 10 + n // 12, n % 12 + 1
    path = directory / f"w{writer}-{n}.csv"
    path.write_text("metric,period,value\n" + "".join(f"m{i},{year}-{month:02d},{i + n}\n" for i in range(METRICS)),
                    encoding="utf-8")
    return path


def _count(store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM current_observation").fetchone()[0]


def concurrency(directory: Path, scale: float) -> list[Figure]:
    files_each = max(2, int(FILES_PER_WRITER * scale))
    store = _store(directory / "concurrent.duckdb")
    files = {w: [_month_file(directory, w, n) for n in range(files_each)] for w in range(WRITERS)}
    reads, half_seen, read_errors, failures = [0], [0], [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                seen = _count(store)
                reads[0] += 1
                half_seen[0] += seen % METRICS != 0
            except Exception as exc:  # noqa: BLE001 - every failure is a figure
                read_errors.append(exc)

    def writer(w: int) -> list[int]:
        codes = []
        for path in files[w]:
            done = subprocess.run([sys.executable, "-m", "analytics", "--db", str(store.path), "ingest", str(path),
                                   "--by", f"writer{w}"], cwd=ROOT, capture_output=True, text=True, check=False,
                                  env={**os.environ, "CSI_LOCK_TIMEOUT": "120"})
            codes.append(done.returncode)
            if done.returncode:
                failures.append(done.stderr.strip()[-300:])
        return codes

    results: dict[int, list[int]] = {}
    threads = [threading.Thread(target=reader) for _ in range(2)]
    writers = [threading.Thread(target=lambda w=w: results.__setitem__(w, writer(w))) for w in range(WRITERS)]
    started = time.perf_counter()
    for thread in threads + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    for failure in failures[:3]:
        print(f"  an ingest failed: {failure}", file=sys.stderr)
    ingests = sum(len(codes) for codes in results.values())
    ok = sum(code == 0 for codes in results.values() for code in codes)
    expected = ingests * METRICS
    stored = _count(store)
    return [
        Figure(f"concurrent ingests ({WRITERS} processes)", seconds, ingests),
        Figure("ingests completed", ok, ingests, target=f"{ingests} of {ingests}", passed=ok == ingests, unit="ops"),
        Figure("reads during the ingests", reads[0], ingests, target="no errors", passed=not read_errors, unit="ops"),
        Figure("reads that saw half an upload", half_seen[0], ingests, target="0", passed=half_seen[0] == 0,
               unit="ops"),
        Figure("values stored", stored, ingests, target=f"{expected} (none lost)", passed=stored == expected,
               unit="ops"),
    ]


def kill_trials(directory: Path, scale: float) -> list[Figure]:
    store = _store(directory / "killed.duckdb")
    first = _month_file(directory, 3, 0)
    assert subprocess.run([sys.executable, "-m", "analytics", "--db", str(store.path), "ingest", str(first)],
                          cwd=ROOT, capture_output=True, check=False).returncode == 0
    big = directory / "big.csv"
    big.write_text("metric,period,value\n" + "".join(f"m{i},{y}-{mo:02d},{(i + y + mo) % 97}\n" for i in range(METRICS)
                                                      for y in range(1990, 2020) for mo in range(1, 13)),
                   encoding="utf-8")
    before = _count(store)
    rng = random.Random(11)
    trials = max(3, int(KILL_TRIALS * scale))
    intact = 0
    for _ in range(trials):
        proc = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(store.path), str(big)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        if proc.stdout.readline().strip() != "planned":      # the file must really be on its way in
            raise RuntimeError("the ingest to be killed did not get as far as its write")
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        now = _count(store)
        if now == before:
            intact += 1
        elif now == before + METRICS * 30 * 12:       # killed after the commit: the whole upload is there
            intact += 1
            with store.write() as con:                 # put it back for the next trial
                last = con.execute("SELECT max(id) FROM upload").fetchone()[0]
                con.execute("DELETE FROM observation WHERE upload_id = ?", [last])
                con.execute("DELETE FROM upload WHERE id = ?", [last])
    return [Figure("SIGKILL trials: store whole", intact, trials, target=f"{trials} of {trials}",
                   passed=intact == trials, unit="ops")]


def figures(scale: float = 1.0) -> list[Figure]:
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        return concurrency(directory, scale) + kill_trials(directory, scale)

