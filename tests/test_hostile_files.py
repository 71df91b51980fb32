"""Hostile workbooks (XML entity expansion, external entities) and the hardened server settings.

Each file is a real .xlsx whose XML parts were rewritten by the test; the assertion is the one
the product promises: a clean refusal naming the file (or a correct ingest), quickly, and the
store untouched.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from analytics.errors import InputRefused, column_letter
from analytics.limits import Limits
from analytics.observations import current_observations
from analytics.parsing import parse_file
from tests import workbooks
from tests.conftest import ROOT, run_cli_process

LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10)) + b"]>\n")
EXTERNAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n')


def _good_workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "月份", "数值"])
    sheet.write_row(1, 0, ["MTTR", "2026-05", 6.5])
    book.close()
    return buffer.getvalue()


def _with_doctype(part: str, doctype: bytes, reference: bytes) -> bytes:
    """The good workbook with a DOCTYPE put before the root of `part`, and an entity used in it."""
    source = zipfile.ZipFile(io.BytesIO(_good_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                body = data.split(b"?>", 1)[1].lstrip()
                if part.endswith("sharedStrings.xml"):
                    body = body.replace(b"<t>MTTR</t>", b"<t>" + reference + b"</t>")
                data = doctype + body
            archive.writestr(info, data)
    return buffer.getvalue()


CASES = [
    ("xl/workbook.xml", LAUGHS, b""),
    ("xl/sharedStrings.xml", LAUGHS, b"&lol9;"),
    ("xl/worksheets/sheet1.xml", LAUGHS, b""),
    ("[Content_Types].xml", LAUGHS, b""),
    ("xl/sharedStrings.xml", EXTERNAL, b"&secret;"),
]


@pytest.mark.parametrize("part, doctype, reference", CASES)
def test_entity_tricks_are_refused_or_inert_and_never_hang(part, doctype, reference):
    data = _with_doctype(part, doctype, reference)
    started = time.perf_counter()
    try:
        parsed = parse_file(data, file_name="evil.xlsx", limits=Limits())
    except InputRefused as refused:
        assert refused.problems and all(p.file == "evil.xlsx" for p in refused.problems)
    else:
        names = " ".join(map(str, parsed.records["metric"]))
        assert "lollollol" not in names and "root:" not in names      # never expanded, never read a file
    assert time.perf_counter() - started < 5


def test_a_hostile_workbook_leaves_the_store_untouched(store, cli, tmp_path):
    (tmp_path / "cat.csv").write_text("name\nMTTR\n", encoding="utf-8")
    assert cli("metrics", "import", tmp_path / "cat.csv")[0] == 0
    evil = tmp_path / "evil.xlsx"
    evil.write_bytes(_with_doctype("xl/sharedStrings.xml", LAUGHS, b"&lol9;"))
    code, _, err = cli("ingest", evil)
    assert code == 1 and "evil.xlsx" in err
    assert current_observations(store).empty


def test_server_settings_are_hardened():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["server"]["maxUploadSize"] == Limits().max_file_bytes / 2**20     # what the upload box says
    assert settings["client"]["showErrorDetails"] == "none"
    assert settings["client"]["toolbarMode"] == "viewer"


@pytest.mark.parametrize("value", ["1e300", "-1.7e308", "123456789012345678901234567890", "0.30000000000000004"])
def test_extreme_numbers_are_kept_finite_and_exact(tmp_path, value):
    path = tmp_path / "huge.csv"
    path.write_text(f"metric,period,value\nMTTR,2026-05,{value}\n", encoding="utf-8")
    stored = parse_file(path, file_name="huge.csv", limits=Limits()).records["value"].iloc[0]
    expected = 0.3 if value.startswith("0.3") else float(value)    # binary noise rounded away, nothing else
    assert stored == expected


def _xls_with_dimensions(first_row: int, end_row: int) -> bytes:
    """A real .xls whose DIMENSIONS record says rows first_row..end_row (end exclusive), as damage
    or a hostile writer leaves it."""
    def build(book, xlwt):
        sheet = book.add_sheet("数据")
        for r, row in enumerate([["指标", "2026-10"], ["SLA达成率", 95.1]]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    data = bytearray(workbooks.xls(build))
    at = data.find(b"\x00\x02\x0e\x00")                      # DIMENSIONS, 14 bytes: rows u32 u32, columns u16 u16
    assert at > 0 and data.count(b"\x00\x02\x0e\x00") == 1
    struct.pack_into("<II", data, at + 4, first_row, end_row)
    return bytes(data)


def test_a_damaged_xls_is_refused_and_cannot_take_the_server_down():
    """calamine reserves a sheet's declared dimensions when it opens an .xls; with the first row
    after the last its u32 arithmetic asked for 171 GB and aborted the whole process (the
    dashboard, for everyone in the meeting). Run in a child process so that a regression fails
    this test instead of killing the test run."""
    code = ("import sys\nfrom analytics.errors import InputRefused\nfrom analytics.parsing import parse_file\n"
            "try:\n    parse_file(open(sys.argv[1], 'rb').read(), file_name='d.xls')\n"
            "except InputRefused as refused:\n    print(refused)\n")
    with tempfile.TemporaryDirectory() as directory:
        damaged = Path(directory) / "d.xls"
        damaged.write_bytes(_xls_with_dimensions(first_row=4, end_row=2))
        done = subprocess.run([sys.executable, "-c", code, str(damaged)], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    rows, columns = (2 - 4) % 2**32, 2                                   # 4,294,967,294 rows (u32 wrap) × 2
    assert done.stdout.strip() == (f"d.xls: the workbook has {rows * columns:,} cells (sheet '数据' spans "
                                   f"A1:B{rows}), over the limit of 5,000,000")
    assert parse_file(_xls_with_dimensions(0, 2), file_name="ok.xls").records["value"].tolist() == [95.1]


@pytest.mark.parametrize("kind", ["ods", "xlsb"])
def test_one_far_off_cell_is_refused_before_its_grid_is_allocated(kind):
    """The readers allocate a sheet's grid from A1 to its last value: one value in column WQR of
    row 1,001 took 1.1 GB for an .ods; a damaged cell address in an .xlsb would ask for far more."""
    rows = [["指标", "2026-10"], ["SLA达成率", 95.1]]
    if kind == "ods":
        far = ('<table:table-row table:number-rows-repeated="999"><table:table-cell/></table:table-row><table:table-row>'
               '<table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="float" '
               'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
        data = workbooks.ods({"数据": rows}, raw_rows=far)
        # rows 1-2, 999 empty ones, then the value's row: 1,002 rows; 16,000 empty cells, then column 16,001
        expected = (f"the workbook has {1002 * 16001:,} cells (sheet '数据' spans A1:{column_letter(16000)}1002), "
                    "over the limit of 5,000,000")
    else:
        data = workbooks.xlsb({"数据": rows}, far_column=0xFFFF_FFF0)
        expected = (f"the workbook has {2 * (0xFFFF_FFF0 + 1):,} cells (sheet '数据' spans "          # 2 rows
                    f"A1:{column_letter(0xFFFF_FFF0)}2), over the limit of 5,000,000")
    started = time.perf_counter()
    with pytest.raises(InputRefused) as refused:
        parse_file(data, file_name=f"far.{kind}")
    assert str(refused.value) == f"far.{kind}: {expected}"
    assert time.perf_counter() - started < 2


def test_an_xlsx_cell_far_off_is_refused_before_the_grid_becomes_python_lists():
    """Without an honest <dimension> only calamine finds the far cell. A cell at ZZ300000 took 28 s
    and 8.4 GB, 20 s of them making 210 million empty Python cells that the limit then refused."""
    data = workbooks.xlsx_with_a_far_off_cell("Z", 300)
    with pytest.raises(InputRefused) as refused:
        parse_file(data, file_name="far.xlsx", limits=Limits(max_cells=1_000))
    assert str(refused.value) == ("far.xlsx: the workbook has 7,800 cells (sheet '数据' spans A1:Z300), over the "
                                  "limit of 1,000")                                     # 26 columns × 300 rows
    assert parse_file(data, file_name="far.xlsx", limits=Limits(max_cells=7_800)).records["value"].tolist() == [
        95.1, 96.2]                                                 # within the limit: read (the far value has no heading)


def test_a_reader_panic_refuses_the_file_and_an_interrupt_still_interrupts(monkeypatch):
    """On some damaged .xls files calamine panics: pyo3 raises PanicException, which is not an
    Exception. It must refuse the file like any reader error; Ctrl+C must still stop the CLI."""
    from analytics import readers

    class PanicException(BaseException):           # the name pyo3 gives it
        pass

    def panics(*args, **kwargs):
        raise PanicException("range end index 4 out of range for slice of length 2")
    monkeypatch.setattr(readers.CalamineWorkbook, "from_filelike", panics)
    with pytest.raises(InputRefused) as refused:
        parse_file(_good_workbook(), file_name="p.xlsx")
    assert str(refused.value) == ("p.xlsx: the workbook cannot be opened (PanicException: range end index 4 out of "
                                  "range for slice of length 2)")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(readers.CalamineWorkbook, "from_filelike", interrupted)
    with pytest.raises(KeyboardInterrupt):
        parse_file(_good_workbook(), file_name="p.xlsx")


@pytest.mark.parametrize("command", [("ingest",), ("metrics", "import")])
def test_an_xlsx_that_aborts_the_reader_is_refused_by_the_command_line(store, tmp_path, command):
    """calamine reserves the grid up to a cell at XFD1048576 (512 GB) and Rust aborts: the file is
    read in a child process, so a batch job gets the refusal and its exit status, not a crash."""
    far = tmp_path / "far.xlsx"
    far.write_bytes(workbooks.xlsx_with_a_far_off_cell())
    done = run_cli_process("--db", store.path, *command, far, env={"RUST_BACKTRACE": "0"}, timeout=120)
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr.strip().endswith(
        "far.xlsx: reading the file crashed the reader (it ended with signal SIGABRT); nothing was written. The file "
        "is damaged, or the program that wrote it wrote it wrongly (for example a cell far outside the table). Open "
        "it in Excel or WPS, save it again as .xlsx, and upload the new copy")
    assert current_observations(store).empty
