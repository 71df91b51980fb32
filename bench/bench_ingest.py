"""Ingest of a 200,000-row .xlsx (long, and wide: 2,000 rows × 100 months) and a 2,000,000-row CSV;
the import of a 20,000-metric catalogue (no target: it took minutes when each metric was its own statements).

References measured in the same run: python-calamine alone reading the workbook's cells,
pandas.read_excel with openpyxl, and DuckDB's own read_csv of the CSV into a table. Our ingest
(validation, catalogue matching, supersede logic and the transactional write) runs in a fresh
child process so that its peak RSS is its own, not the benchmark's. It reads the workbooks as
the dashboard does: in a reading process forked from the fork server, which the dashboard
starts once, into the store the dashboard keeps open for its whole life (both set up here before
the clock starts: DuckDB's first connection in a process costs ~17 ms once, the schema check ~15 ms
once). The peak RSS is the higher of the ingest's own and its size before the ingest plus what the
reading process adds while this one waits for it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as arrow_csv
import xlsxwriter

from bench.harness import (
    Figure,
    at_least_faster,
    at_most_times,
    best_of,
    floor_of,
    plain,
    timed,
    under,
)

XLSX_ROWS, CSV_ROWS, METRICS, WIDE_MONTHS = 200_000, 2_000_000, 2000, 100
CATALOGUE_METRICS = 20_000    # a group's catalogue, or an upload creating its metrics (--create-metrics)
CSV_METRICS = 5000        # 400 months each, 1992-09 to 2025-12: values for months not begun are refused
ROOT = Path(__file__).resolve().parent.parent


def _catalogue_store(path: Path, metrics: int) -> None:
    from analytics.catalogue import import_catalogue
    from analytics.store import Store

    import_catalogue(Store(path), pd.DataFrame({"name": [f"metric {i}" for i in range(metrics)]}), by="bench")


def _long_rows(rows: int, metrics: int) -> pd.DataFrame:
    months = max(1, rows // metrics)
    periods = pd.period_range(end="2025-12", periods=months, freq="M").astype(str)      # months that have ended
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"metric": np.repeat([f"metric {i}" for i in range(metrics)], months),
                          "period": np.tile(periods, metrics)})
    frame["value"] = np.round(rng.normal(50, 5, len(frame)), 2)
    return frame


def _write_long_xlsx(frame: pd.DataFrame, path: Path) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "月份", "数值"])
    for i, (metric, period, value) in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_string(i, 0, metric)
        sheet.write_string(i, 1, period)
        sheet.write_number(i, 2, value)
    book.close()


def _write_wide_xlsx(metrics: int, months: int, path: Path) -> pd.DataFrame:
    """The workbook, one row per metric and one column per month; returns its values as long rows."""
    rng = np.random.default_rng(5)
    periods = pd.period_range("2016-01", periods=months, freq="M").astype(str)
    values = np.round(rng.normal(50, 5, (metrics, months)), 2)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", *periods])
    for i in range(metrics):
        sheet.write_string(i + 1, 0, f"metric {i}")
        sheet.write_row(i + 1, 1, values[i].tolist())
    book.close()
    return pd.DataFrame({"metric": np.repeat([f"metric {i}" for i in range(metrics)], months),
                         "period": np.tile(periods, metrics), "value": values.ravel()})


def _ingest_in_child(store: Path, data: Path) -> tuple[float, float]:
    """Seconds for plan + apply, and peak RSS in MB, measured in a fresh Python process."""
    code = (
        "import json, resource, sys, time\n"
        "from analytics.store import Store\n"
        "from analytics.ingest import apply_ingest, plan_ingest\n"
        "from analytics.isolation import run_isolated\n"
        "from bench.bench_ingest import peak_of_reading, status_mb\n"
        # as in the dashboard when a file arrives: its fork server is up, and its store (one Store for
        # the server's life) has been opened, so DuckDB is initialised and the schema checked
        "run_isolated('warm-up', 60, int, '1')\n"
        "store = Store(sys.argv[1])\n"
        "with store.read():\n"
        "    pass\n"
        "before = status_mb('VmRSS')\n"
        "name = sys.argv[2].rsplit('/', 1)[-1]\n"
        "t = time.perf_counter()\n"
        "plan = plan_ingest(store, [(sys.argv[2], name)], isolated=True)\n"
        "apply_ingest(store, plan, by='bench')\n"
        "seconds = time.perf_counter() - t\n"
        # VmHWM is this process's own peak (ru_maxrss on Linux keeps the parent's peak across fork+exec);
        # while the reading process reads, this one waits at about its size before the ingest
        "own = status_mb('VmHWM') or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "mb = max(own, before + peak_of_reading(sys.argv[2], name))\n"
        "print(json.dumps([seconds, mb]), flush=True)\n"
        "import os; os._exit(0)     # as python -m analytics ends: no native thread pool torn down at exit\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(store), str(data)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"ingest of {data.name} failed:\n{done.stderr[-3000:]}")
    seconds, megabytes = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, megabytes


def peak_of_reading(path: str, name: str) -> float:
    """What the reading process adds at its peak, in MB: its peak RSS less the RSS it starts with
    (the readers' modules, shared with the fork server), from a second read of the file as the
    ingest reads it. 0 for a CSV, which is read in the ingest's own process."""
    from analytics.isolation import run_isolated
    from analytics.limits import Limits
    from analytics.readers import is_workbook

    data = Path(path).read_bytes()
    return run_isolated(name, 600, _read_and_measure, data, name, Limits.from_env()) if is_workbook(data) else 0.0


def _read_and_measure(data: bytes, name: str, limits) -> float:
    from analytics.parsing import parse_file

    start = status_mb("VmRSS")
    parse_file(data, file_name=name, limits=limits)
    return status_mb("VmHWM") - start


def status_mb(field: str) -> float:
    """A size from /proc/self/status (VmRSS, VmHWM) in MB; 0 where there is none (not Linux)."""
    lines = [line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":")]
    return int(lines[0].split()[1]) / 1024 if lines else 0.0


def _best_ingest(directory: Path, name: str, data: Path, metrics: int, repeat: int = 3) -> tuple[float, float]:
    """Fastest of `repeat` ingests, each into a fresh catalogued store (a file loads only once
    per store), and the highest peak RSS among them: the references are best-of too."""
    runs = []
    for i in range(repeat):
        store = directory / f"{name}-{i}.duckdb"
        _catalogue_store(store, metrics)
        runs.append(_ingest_in_child(store, data))
    return min(seconds for seconds, _ in runs), max(megabytes for _, megabytes in runs)


def _write_floor(directory: Path, name: str, frame: pd.DataFrame, metrics: int) -> float:
    """Seconds of the bare insert of `frame`'s rows into a catalogued store (see _insert_alone)."""
    catalogued = directory / f"{name}-floor.duckdb"
    _catalogue_store(catalogued, metrics)
    return _insert_alone(directory, catalogued, _observations(catalogued, frame))


def _observations(store: Path, frame: pd.DataFrame) -> pa.Table:
    """The rows of `frame` as the observation table takes them (metric ids from the store, month
    dates, values, row numbers): what an ingest has to insert once every check has passed."""
    import duckdb

    with duckdb.connect(str(store), read_only=True) as con:
        ids = dict(con.execute("SELECT name, id FROM metric").fetchall())
    return pa.table({"metric_id": pa.array(frame["metric"].map(ids).to_numpy(), pa.int32()),
                     "period": pa.array(pd.PeriodIndex(frame["period"], freq="M").to_timestamp().to_numpy()
                                        .astype("datetime64[D]")),
                     "value": pa.array(frame["value"].to_numpy()),
                     "row_number": pa.array(np.arange(2, len(frame) + 2, dtype=np.int32))})


def _insert_alone(directory: Path, catalogued: Path, rows: pa.Table, repeat: int = 3) -> float:
    """Fastest of `repeat` bare inserts of `rows` into a copy of the catalogued store: open, one
    transaction, INSERT from Arrow, commit, close. The floor of the write, without any check."""
    import duckdb

    def insert(path: Path) -> None:
        with duckdb.connect(str(path)) as con:
            con.execute("BEGIN")
            con.register("incoming_rows", rows)
            con.execute("INSERT INTO observation (metric_id, period, value, upload_id, row_number) "
                        "SELECT metric_id, period, value, 1, row_number FROM incoming_rows")
            con.execute("COMMIT")

    copies = [directory / f"floor-{i}.duckdb" for i in range(repeat)]
    for copy in copies:
        shutil.copyfile(catalogued, copy)
    return min(timed(lambda path=copy: insert(path)) for copy in copies)


def _catalogue_import(directory: Path, metrics: int) -> float:
    """Seconds to import a catalogue of `metrics` new metrics, each with a Chinese name and an
    alias, into an empty store, then to import it again with every unit changed (all updated)."""
    from analytics.catalogue import import_catalogue
    from analytics.store import Store

    path = directory / f"catalogue-{metrics}.duckdb"
    path.unlink(missing_ok=True)
    store = Store(path)
    frame = pd.DataFrame({"name": [f"metric {i}" for i in range(metrics)],
                          "name_zh": [f"指标 {i}" for i in range(metrics)],
                          "aliases": [f"M{i:05d}" for i in range(metrics)], "unit": "h", "decimals": 1})
    with store.read():
        pass
    seconds = timed(lambda: import_catalogue(store, frame, by="bench"))
    return seconds + timed(lambda: import_catalogue(store, frame.assign(unit="min"), by="bench"))


def _calamine_read(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def figures(scale: float = 1.0) -> list[Figure]:
    import duckdb

    metrics = max(20, int(METRICS * scale))
    result: list[Figure] = []
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        frame = _long_rows(max(2000, int(XLSX_ROWS * scale)), metrics)
        rows = len(frame)
        long_xlsx = directory / "long.xlsx"
        _write_long_xlsx(frame, long_xlsx)
        calamine = best_of(lambda: _calamine_read(long_xlsx))
        openpyxl = best_of(lambda: pd.read_excel(long_xlsx, engine="openpyxl"), repeat=2)
        ours, peak = _best_ingest(directory, "long", long_xlsx, metrics)
        result += [
            plain("calamine read (reference)", calamine, rows),
            at_most_times("xlsx ingest, long", ours, rows, "calamine read", calamine, 1.5),
            floor_of("  floor: read + insert", calamine + _write_floor(directory, "long", frame, metrics), rows,
                     "calamine read", calamine, 1.5),
            at_least_faster("xlsx ingest vs openpyxl", ours, rows, "pandas+openpyxl read", openpyxl, 6),
            under("xlsx ingest peak RSS", peak, rows, 400, unit="MB"),
        ]

        wide_xlsx = directory / "wide.xlsx"
        wide_frame = _write_wide_xlsx(metrics, WIDE_MONTHS, wide_xlsx)
        calamine_wide = best_of(lambda: _calamine_read(wide_xlsx))
        ours_wide, _ = _best_ingest(directory, "wide", wide_xlsx, metrics)
        result += [
            at_most_times("xlsx ingest, wide", ours_wide, len(wide_frame), "calamine read", calamine_wide, 1.5),
            floor_of("  floor: read + insert", calamine_wide + _write_floor(directory, "wide", wide_frame, metrics),
                     len(wide_frame), "calamine read", calamine_wide, 1.5),
        ]

        csv_metrics = max(50, int(CSV_METRICS * scale))
        csv_frame = _long_rows(max(20_000, int(CSV_ROWS * scale)), csv_metrics)
        csv_path = directory / "long.csv"
        csv_frame.to_csv(csv_path, index=False)
        con = duckdb.connect(str(directory / "reference.duckdb"))
        duck = best_of(lambda: con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{csv_path}')"))
        con.close()
        ours_csv, _ = _best_ingest(directory, "csv", csv_path, csv_metrics)
        arrow_parse = best_of(lambda: arrow_csv.read_csv(csv_path))
        result += [
            at_most_times("csv ingest", ours_csv, len(csv_frame), "duckdb read_csv", duck, 2),
            floor_of("  floor: Arrow parse + insert", arrow_parse + _write_floor(directory, "csv", csv_frame, csv_metrics),
                     len(csv_frame), "duckdb read_csv", duck, 2),
        ]
        catalogue_metrics = max(200, int(CATALOGUE_METRICS * scale))
        result.append(plain("catalogue import, then update", _catalogue_import(directory, catalogue_metrics),
                            catalogue_metrics))
    return result
