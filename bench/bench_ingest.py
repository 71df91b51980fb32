"""Ingest of a 200,000-row long .xlsx and of a 2,000,000-row CSV, as ratios to the readers alone.

References: python-calamine reading the workbook's cells, pandas.read_excel with openpyxl, and
DuckDB's own read_csv of the CSV into a table. Peak memory is the process's maximum RSS.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

XLSX_ROWS, CSV_ROWS, METRICS = 200_000, 2_000_000, 2000


def _catalogue_store(directory: Path, metrics: int):
    from analytics.catalogue import import_catalogue
    from analytics.store import Store

    store = Store(directory / "ingest.duckdb")
    import_catalogue(store, pd.DataFrame({"name": [f"metric {i}" for i in range(metrics)]}), by="bench")
    return store


def _long_rows(rows: int, metrics: int) -> pd.DataFrame:
    months = max(1, rows // metrics)
    periods = pd.period_range("2010-01", periods=months, freq="M").astype(str)
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"metric": np.repeat([f"metric {i}" for i in range(metrics)], months),
                          "period": np.tile(periods, metrics)})
    frame["value"] = np.round(rng.normal(50, 5, len(frame)), 2)
    return frame


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "月份", "数值"])
    for i, (metric, period, value) in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_string(i, 0, metric)
        sheet.write_string(i, 1, period)
        sheet.write_number(i, 2, value)
    book.close()


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(scale: float = 1.0) -> None:
    from python_calamine import CalamineWorkbook

    from analytics.ingest import apply_ingest, plan_ingest

    metrics = max(20, int(METRICS * scale))
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        frame = _long_rows(max(2000, int(XLSX_ROWS * scale)), metrics)
        xlsx = directory / "long.xlsx"
        _write_xlsx(frame, xlsx)
        calamine = _timed(lambda: CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python())
        openpyxl = _timed(lambda: pd.read_excel(xlsx, engine="openpyxl"))
        store = _catalogue_store(directory, metrics)
        ours = _timed(lambda: apply_ingest(store, plan_ingest(store, [(xlsx, "long.xlsx")]), by="bench"))

        csv_frame = _long_rows(max(20_000, int(CSV_ROWS * scale)), metrics)
        csv_path = directory / "long.csv"
        csv_frame.to_csv(csv_path, index=False)
        import duckdb

        con = duckdb.connect(str(directory / "ref.duckdb"))
        duck = _timed(lambda: con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}')"))
        con.close()
        store2 = _catalogue_store(directory / "csv", metrics) if (directory / "csv").mkdir() is None else None
        ours_csv = _timed(lambda: apply_ingest(store2, plan_ingest(store2, [(csv_path, "long.csv")]), by="bench"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nIngest: {len(frame):,}-row xlsx, {len(csv_frame):,}-row csv")
    print(f"{'figure':<34}{'seconds':>10}{'ratio':>10}{'target':>14}")
    print(f"{'calamine read (reference)':<34}{calamine:>10.2f}")
    print(f"{'pandas+openpyxl read':<34}{openpyxl:>10.2f}")
    print(f"{'our xlsx ingest':<34}{ours:>10.2f}{ours / calamine:>10.1f}{'≤1.5× calamine':>14}")
    print(f"{'openpyxl ÷ our ingest':<34}{'':>10}{openpyxl / ours:>10.1f}{'≥6×':>14}")
    print(f"{'duckdb read_csv (reference)':<34}{duck:>10.2f}")
    print(f"{'our csv ingest':<34}{ours_csv:>10.2f}{ours_csv / duck:>10.1f}{'≤2×':>14}")
    print(f"{'peak RSS (MB)':<34}{peak_mb:>10.0f}{'':>10}{'<400':>14}")
