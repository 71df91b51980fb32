"""Property-based: malformed CSV and XLSX files are refused cleanly (message names the file, store
unchanged) or ingested correctly; never a crash, never a hang."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import InputRefused
from analytics.ingest import plan_ingest
from analytics.limits import Limits
from analytics.store import Store

CELLS = st.one_of(
    st.sampled_from(["MTTR", "SLA", "指标", "月份", "数值", "metric", "period", "value", "2026-05", "2026年5月",
                     "95%", "1,234.5", "N/A", "-", "", "=1+2", "@SUM(A1)", "\u202eevil", "\x00", "\r\n", '"', ";",
                     "x" * 300, "202605", "Jan 2026", "-0", "1e400", "NaN"]),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-10**12, 10**12).map(str),
)
GOOD_ROW = st.tuples(st.sampled_from(["MTTR", "SLA", "mttr", " SLA "]),
                     st.sampled_from(["2026-01", "2026/2", "2026年3月", "Apr 2026", "202605", "2026.06"]),
                     st.one_of(st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: f"{v:.3f}"),
                               st.sampled_from(["", "N/A", "95%", "1,234.5", "-"]))).map(list)
ROWS = st.lists(st.one_of(GOOD_ROW, GOOD_ROW, st.lists(CELLS, min_size=0, max_size=6)), min_size=0, max_size=12)
LIMITS = Limits(max_file_bytes=1 << 20, max_rows=5000, max_cells=50_000)
COUNTS = {"refused": 0, "ingestible": 0}


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")
    import pandas as pd

    from analytics.catalogue import import_catalogue

    import_catalogue(store, pd.DataFrame({"name": ["MTTR", "SLA"], "direction": ["decrease", "increase"]}), by="f")
    yield store
    print(f"\nfuzzed inputs: {COUNTS['refused']} refused cleanly, {COUNTS['ingestible']} ingestible")


def _check(store: Store, data: bytes, name: str) -> None:
    version = store.data_version()
    try:
        plan = plan_ingest(store, [(data, name)], limits=LIMITS)
    except InputRefused as exc:
        assert exc.problems and all(p.file == name for p in exc.problems if p.file is not None)
        assert all(p.message for p in exc.problems)
        COUNTS["refused"] += 1
    else:
        changes = plan.files[0].changes
        assert set(changes["status"]) <= {"new", "changed", "unchanged", "missing"}
        assert changes["period"].str.fullmatch(r"\d{4}-\d{2}").all()
        finite = changes["value"].dropna()
        assert ((finite - finite).fillna(0) == 0).all()             # no inf stored as a value
        COUNTS["ingestible"] += 1
    assert store.data_version() == version                           # planning never writes


def _csv(rows, separator=","):
    return "\n".join(separator.join(row) for row in rows).encode("utf-8")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(rows=ROWS, header=st.booleans(), separator=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_malformed_csv(fuzz_store, rows, header, separator, encoding):
    if header:
        rows = [["metric", "period", "value"]] + rows
    text = "\n".join(separator.join(row) for row in rows)
    _check(fuzz_store, text.encode(encoding, errors="replace"), "fuzz.csv")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(rows=ROWS, header=st.booleans(), sheets=st.integers(1, 3), corrupt=st.integers(0, 4))
def test_malformed_xlsx(fuzz_store, rows, header, sheets, corrupt):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": True})
    for s in range(sheets):
        sheet = book.add_worksheet(f"S{s}")
        data = ([["指标", "月份", "数值"]] if header else []) + rows
        for r, row in enumerate(data):
            for c, cell in enumerate(row):
                sheet.write(r, c, cell)
    book.close()
    data = buffer.getvalue()
    if corrupt == 1:
        data = data[: len(data) // 2]                                  # truncated
    elif corrupt == 2:
        data = data[:100] + bytes(reversed(data[100:400])) + data[400:]  # damaged bytes
    _check(fuzz_store, data, "fuzz.xlsx")
