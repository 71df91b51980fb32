"""Property-based: malformed CSV and XLSX files are refused cleanly (message names the file, store
unchanged) or ingested correctly; never a crash, never a hang."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analytics.errors import InputRefused
from analytics.ingest import plan_ingest
from analytics.limits import Limits
from analytics.store import Store
from tests import workbooks

CELLS = st.one_of(
    st.sampled_from(["MTTR", "SLA", "指标", "月份", "数值", "metric", "period", "value", "2026-05", "2026年5月",
                     "95%", "1,234.5", "N/A", "-", "", "=1+2", "@SUM(A1)", "\u202eevil", "\x00", "\r\n", '"', ";",
                     "x" * 300, "202605", "Jan 2026", "-0", "1e400", "NaN",
                     # the layouts read since: months without a year, year columns, totals, list numbers, units
                     "1月", "十二月", "Oct", "2026年", "年份", "合计", "平均", "实际值", "目标", "备注", "2026年10月",
                     "2026年1-10月", "10/2026", "2026M10", "1、MTTR", "MTTR(h)", "MTTR(分钟)", "SLA(%)", "10",
                     # and the rules added since: bounds, Excel errors, month qualifiers, services, template marks
                     "≥95%", "不低于95%", "≤8小时", "#REF!", "#DIV/0!", "9月目标", "9月实际", "2026-09(实际)",
                     "2026-10(预估)", "服务", "网银", "指标\n名称*", "合　计", "一、质量指标", '="2026-10"', "0.5‰",
                     "MTTR/h", "SLA%", "二〇二六年十月", "类型", "实际"]),
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


HEADERS = st.sampled_from([None, ["metric", "period", "value"], ["月份", "MTTR", "SLA"], ["指标", "1月", "2月"],
                           ["年份", "月份", "指标", "数值"], ["指标名称", "实际值"], ["月份", "目标", "MTTR", "备注"],
                           ["指标名称", "9月目标", "9月实际"], ["服务", "指标", "月份", "数值"],
                           ["指标", "2026-09", "指标", "2026-09"], ["指标", "类型", "2026-09", "2026-10"]])
TITLES = st.sampled_from([None, "2026年10月 月报", "2026年", "2025-2026年", "2026年1-10月累计"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(rows=ROWS, header=HEADERS, title=TITLES, separator=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_malformed_csv(fuzz_store, rows, header, title, separator, encoding):
    rows = ([[title]] if title else []) + ([header] if header else []) + rows
    text = "\n".join(separator.join(row) for row in rows)
    _check(fuzz_store, text.encode(encoding, errors="replace"), "fuzz.csv")


def test_a_name_that_is_a_nul_is_refused_as_unknown_not_a_traceback(fuzz_store):
    """Found by test_malformed_csv: a UTF-16 CSV whose metric cell is NUL failed with an IndexError,
    numpy's fixed-width text having dropped the NUL from the unknown name, so no row had it."""
    data = "metric,period,value\n\x00,2026-01,1".encode("utf-16")
    with pytest.raises(InputRefused) as refused:
        plan_ingest(fuzz_store, [(data, "fuzz.csv")], limits=LIMITS)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "A (metric)"), (None, None)]
    _check(fuzz_store, data, "fuzz.csv")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(rows=ROWS, header=HEADERS, title=TITLES, sheets=st.integers(1, 3), corrupt=st.integers(0, 4),
       merge=st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 2), st.integers(0, 2)),
       hidden=st.booleans(), hide=st.tuples(st.integers(-1, 6), st.integers(-1, 4)),
       formula=st.tuples(st.integers(0, 6), st.integers(0, 3), st.sampled_from(["#REF!", "#DIV/0!", "#N/A", 0, None])))
def test_malformed_xlsx(fuzz_store, rows, header, title, sheets, corrupt, merge, hidden, hide, formula):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": True})
    for s in range(sheets):
        sheet = book.add_worksheet(f"S{s}")
        data = ([[title]] if title else []) + ([header] if header else []) + rows
        top, left, down, across = merge
        for r, row in enumerate(data):
            for c, cell in enumerate(row):
                if not (top <= r <= top + down and left <= c <= left + across):
                    sheet.write(r, c, cell)
        if down or across:                                             # a merged range over whatever is there
            cell = data[top][left] if top < len(data) and left < len(data[top]) else ""
            sheet.merge_range(top, left, top + down, left + across, cell)
        if hidden and s == sheets - 1 and sheets > 1:
            sheet.hide()
        if hide[0] >= 0:                                               # a hidden row, a hidden column
            sheet.set_row(hide[0], None, None, {"hidden": True})
        if hide[1] >= 0:
            sheet.set_column(hide[1], hide[1], None, None, {"hidden": True})
        row, column, result = formula                                  # an error cell, or a formula result 0
        sheet.write_formula(row, column, "=1/0", None, result)
    book.close()
    data = buffer.getvalue()
    if corrupt == 1:
        data = data[: len(data) // 2]                                  # truncated
    elif corrupt == 2:
        data = data[:100] + bytes(reversed(data[100:400])) + data[400:]  # damaged bytes
    _check(fuzz_store, data, "fuzz.xlsx")



def _xls_rows(rows):
    def build(book, xlwt):
        sheet = book.add_sheet("数据")
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                sheet.write(r, c, cell)
    return build


OTHER_FORMATS = {
    "ods": lambda rows: workbooks.ods({"数据": rows or [[""]]}),
    "xls": lambda rows: workbooks.xls(_xls_rows(rows)),
    "xlsb": lambda rows: workbooks.xlsb({"数据": rows or [[""]]}),
}


@pytest.mark.parametrize("kind", sorted(OTHER_FORMATS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.sampled_from(["MTTR", "SLA", "指标", "月份", "数值", "2026-05", "2026-06", "合计",
                                               "95%", "N/A", "目标"]) | st.floats(-1e6, 1e6), max_size=5),
                     max_size=6),
       flips=st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=8))
def test_damaged_ods_xls_and_xlsb_are_refused_cleanly(fuzz_store, kind, rows, flips):
    """The formats calamine reads besides .xlsx, with bytes changed anywhere: a damaged file has
    aborted the process before (a Rust allocation of 171 GB)."""
    data = bytearray(OTHER_FORMATS[kind](rows))
    for at, byte in flips:
        data[at % len(data)] = byte
    _check(fuzz_store, bytes(data), f"fuzz.{kind}")

# -- the fast paths give what the exact ones give -------------------------------------------

PLAIN_CELLS = st.one_of(
    st.sampled_from(["MTTR", " SLA ", "指标", "2026-05", "2026年5月", "202605", "Jan 2026", "95%", "1,234.5", "N/A",
                     "-", "", "  ", "1e400", "-1e-400", "inf", "-inf", "nan", "-nan", "NaN", "1.", ".5", "+7", "-0",
                     "00012", "1e5", "１２．５", "٣", "7\u3000", "\u00a07", "\x1c", "(12)", "￥1,200", "12345678901234567891",
                     "0.1000000000000000055511151231257827", "9" * 30, "1_000", "0x10", "1e", "e5"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\x00\r\n,;\t'), max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**20, 10**20).map(str),
)


NUMBER_TEXTS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**25, 10**25).map(str),
                         st.sampled_from(["1e400", "-1e-400", "+7", "1.", ".5", "-0", "00012", "1E+05", "nan", "inf"]))


def _same_values_as_objects(cells: list[str]) -> None:
    import numpy as np
    import pandas as pd

    from analytics.values import parse_values

    objects = parse_values(pd.Series(cells, dtype=object))
    arrow = parse_values(pd.Series(cells, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))
    assert np.array_equal(objects[0].to_numpy(), arrow[0].to_numpy(), equal_nan=True)
    assert objects[1].tolist() == arrow[1].tolist()


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(PLAIN_CELLS, max_size=40))
def test_arrow_text_values_parse_like_python_objects(cells):
    _same_values_as_objects(cells)


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(NUMBER_TEXTS, min_size=1, max_size=40))
def test_a_column_of_numbers_cast_whole_parses_like_python_objects(cells):
    _same_values_as_objects(cells)


def _parsed_or_refused(data: bytes):
    """The records, warnings and skipped sheets of a file, or its refusal messages."""
    from analytics.parsing import parse_file

    try:
        parsed = parse_file(data, file_name="same.csv", limits=LIMITS)
    except InputRefused as exc:
        return [str(p) for p in exc.problems]
    records = parsed.records.astype(object)
    return records.where(records.notna(), None).values.tolist(), parsed.warnings, parsed.skipped_sheets


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(PLAIN_CELLS, min_size=3, max_size=3), max_size=10),
       good=st.lists(GOOD_ROW, max_size=5), header=st.sampled_from([["metric", "period", "value"],
                                                                  ["指标", "月份", "数值"], ["指标", "2026-01", "2026-02"]]),
       separator=st.sampled_from([",", ";", "\t"]), newline=st.sampled_from(["\n", "\r\n"]))
def test_the_fast_csv_reader_reads_like_the_csv_module(monkeypatch, rows, good, header, separator, newline):
    from analytics import readers

    data = newline.join(separator.join(row) for row in [header] + good + rows).encode("utf-8")
    fast = _parsed_or_refused(data)
    with monkeypatch.context() as patch:
        patch.setattr(readers, "_fast_csv_columns", lambda *args: None)
        exact = _parsed_or_refused(data)
    assert fast == exact


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.one_of(GOOD_ROW, st.lists(st.one_of(CELLS, st.floats(allow_nan=False, allow_infinity=False)),
                                                   min_size=3, max_size=3)), max_size=10),
       numbers=st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=8),
       wide=st.booleans())
@example(rows=[["指标", "MTTR", "0"]], numbers=[0.0], wide=False)    # 指标 over a number: judged alike both ways
def test_number_columns_read_as_float64_like_cell_by_cell(monkeypatch, rows, numbers, wide):
    from analytics import readers

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": True})
    sheet = book.add_worksheet("S")
    header = ["指标", "2026-01", "2026-02"] if wide else ["指标", "月份", "数值"]
    for r, row in enumerate([header] + rows + [["MTTR", "2026-03" if not wide else n, n] for n in numbers]):
        for c, cell in enumerate(row):
            sheet.write(r, c, cell)
    book.close()
    data = buffer.getvalue()
    typed = _parsed_or_refused(data)
    with monkeypatch.context() as patch:
        patch.setattr(readers, "_typed", lambda cells: cells)
        objects = _parsed_or_refused(data)
    assert typed == objects
