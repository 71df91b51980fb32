"""Reading a user's file in a child process: what comes back is what the reader gave or raised,
and a child that crashes or runs too long becomes a refusal naming the file, not the end of the
dashboard's process. The children here really crash (os.abort) and really hang (time.sleep)."""

from __future__ import annotations

import fcntl
import io
import os
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analytics.errors import InputRefused
from analytics.isolation import run_isolated
from analytics.limits import Limits
from analytics.parsing import parse_file
from analytics.readers import read_sheets
from tests import workbooks
from tests.conftest import ROOT

LIMITS = Limits()


def _what_the_package_says(book, formula: bool = False) -> None:
    """A sheet whose reading needs the package: a percent format, a hidden row, a merged name, and
    maybe a formula (xlsxwriter saves 0 as its result and marks the workbook to be calculated)."""
    sheet = book.add_worksheet("数据")
    percent = book.add_format({"num_format": "0.0%"})
    sheet.write_row(0, 0, ["指标", "2026-08", "2026-09"])
    sheet.merge_range(1, 0, 2, 0, "SLA达成率")
    sheet.write_row(1, 1, [0.951, 0.962], percent)
    sheet.write_row(2, 1, [0.5, 0.6], percent)
    sheet.set_row(2, None, None, {"hidden": True})
    sheet.write_row(3, 0, ["变更成功率", 99, 98])
    if formula:
        sheet.write_formula(3, 2, "=B4+1")


@pytest.mark.parametrize("data, file_name", [
    ("指标,月份,数值\nSLA达成率,2026-09,95.1\n事件平均解决时间,2026-09,-\n".encode(), "九月.csv"),
    (workbooks.ods({"数据": [["指标", "2026-09", "2026-10"], ["SLA达成率", 95.1, 96.2], ["变更成功率", 99, 98]]},
                   hidden_rows=[2]), "a.ods"),                          # a note: the hidden row is not read
])
def test_a_file_read_in_a_child_is_what_it_is_in_this_process(data, file_name):
    here = parse_file(data, file_name=file_name, limits=LIMITS)
    there = run_isolated(file_name, 60, parse_file, data, file_name=file_name, limits=LIMITS)
    pd.testing.assert_frame_equal(there.records, here.records)
    assert (there.sheets, there.skipped_sheets, there.warnings) == (here.sheets, here.skipped_sheets, here.warnings)
    assert len(there.records) == 2 and len(there.warnings) == (file_name == "a.ods")


def test_the_package_is_applied_to_cells_read_alongside_its_check():
    """In a reading process calamine reads an .xlsx's cells while its parts are checked; what the
    package says still applies: percent cells x100, the hidden row left out and noted, and a
    formula's placeholder 0 refused, as in this process."""
    data = workbooks.xlsx(_what_the_package_says)
    here = parse_file(data, file_name="包.xlsx", limits=LIMITS)
    there = run_isolated("包.xlsx", 60, parse_file, data, file_name="包.xlsx", limits=LIMITS)
    pd.testing.assert_frame_equal(there.records, here.records)
    assert there.warnings == here.warnings and "row 3" in there.warnings[0] and "hidden" in there.warnings[0]
    assert there.records[["metric", "period", "value"]].values.tolist() == [
        ["SLA达成率", "2026-08", 95.1], ["SLA达成率", "2026-09", 96.2], ["变更成功率", "2026-08", 99.0],
        ["变更成功率", "2026-09", 98.0]]
    data = workbooks.xlsx(lambda book: _what_the_package_says(book, formula=True))
    with pytest.raises(InputRefused) as refused_here:
        parse_file(data, file_name="包.xlsx", limits=LIMITS)
    with pytest.raises(InputRefused) as refused_there:
        run_isolated("包.xlsx", 60, parse_file, data, file_name="包.xlsx", limits=LIMITS)
    assert refused_there.value.problems == refused_here.value.problems
    assert [(p.row, p.column) for p in refused_there.value.problems] == [(4, "C (2026-09)")]
    assert "=B4+1" in refused_there.value.problems[0].message


def _lying_about_its_size(data: bytes, part: str) -> bytes:
    """The workbook with `part` declared in the zip directory as a tenth of its size: read
    through a reader bounded by that size it fails its CRC, as a bomb hiding its size does."""
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46:entry + 46 + len(part)] != part.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    size = int.from_bytes(data[entry + 24:entry + 28], "little")
    return data[:entry + 24] + (size // 10).to_bytes(4, "little") + data[entry + 28:]


def _broken_at_its_start(data: bytes, part: str) -> bytes:
    """The workbook with bytes near the start of `part`'s compressed stream flipped: it cannot be
    inflated, not even the first bytes the dimension check reads."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    return data[:start + 5] + bytes(b ^ 0x5A for b in data[start + 5:start + 40]) + data[start + 40:]


def _read_with_a_reader_that_never_ends(data: bytes, file_name: str):
    """parse_file in a reading process whose calamine read never ends (as on a bomb it inflates)."""
    from analytics import readers

    readers._read_grids = lambda *args: time.sleep(600)
    return parse_file(data, file_name=file_name, limits=LIMITS)


@pytest.mark.parametrize("damage, why", [(_lying_about_its_size, "Bad CRC-32"),
                                         (_broken_at_its_start, "Error -3 while decompressing data")])
def test_a_damaged_part_is_refused_while_the_cells_are_still_being_read(damage, why):
    """The reading process answers with the check's refusal and ends, whatever calamine is doing;
    a stream broken at its start is refused as damaged too, not with the zip module's own error."""
    def build(book):
        sheet = book.add_worksheet("数据")
        sheet.write_row(0, 0, ["指标", "月份", "数值"])
        for r in range(1, 2001):
            sheet.write_row(r, 0, [f"指标{r}", "2026-09", r])
    data = damage(workbooks.xlsx(build), "xl/worksheets/sheet1.xml")
    with pytest.raises(InputRefused) as here:
        parse_file(data, file_name="坏.xlsx", limits=LIMITS)
    started = time.perf_counter()
    with pytest.raises(InputRefused) as there:
        run_isolated("坏.xlsx", 60, _read_with_a_reader_that_never_ends, data, "坏.xlsx")
    assert time.perf_counter() - started < 10
    assert there.value.problems == here.value.problems
    assert f"坏.xlsx: the workbook is damaged (part 'xl/worksheets/sheet1.xml': {why}" in str(there.value)


def test_a_refusal_comes_back_with_every_place_in_it():
    data = "指标,月份,数值\nSLA达成率,2026-13,95\nSLA达成率,2026-10,九十\n".encode()
    with pytest.raises(InputRefused) as here:
        parse_file(data, file_name="坏.csv", limits=LIMITS)
    with pytest.raises(InputRefused) as there:
        run_isolated("坏.csv", 60, parse_file, data, file_name="坏.csv", limits=LIMITS)
    assert there.value.problems == here.value.problems
    assert [(p.row, p.column[0]) for p in there.value.problems] == [(2, "B"), (3, "C")]


def test_sheets_come_back_for_the_catalogue_import():
    data = workbooks.xlsb({"目录": [["名称", "单位"], ["SLA达成率", "%"]]})
    sheets = run_isolated("目录.xlsb", 60, read_sheets, data, "目录.xlsb", LIMITS)
    assert [(s.name, s.rows) for s in sheets] == [("目录", [["名称", "单位"], ["SLA达成率", "%"]])]


@pytest.mark.parametrize("crash, how", [
    ((os.abort,), "it ended with signal SIGABRT"),        # what Rust does when an allocation fails
    ((os._exit, 3), "it ended with exit status 3"),
])
def test_a_reader_that_crashes_refuses_the_file_and_this_process_goes_on(crash, how):
    with pytest.raises(InputRefused) as refused:
        run_isolated("far.xlsx", 60, *crash)
    assert str(refused.value) == (
        f"far.xlsx: reading the file crashed the reader ({how}); nothing was written. The file is damaged, or the "
        "program that wrote it wrote it wrongly (for example a cell far outside the table). Open it in Excel or WPS, "
        "save it again as .xlsx, and upload the new copy")
    assert run_isolated("next.csv", 60, int, "42") == 42          # the next file is read as usual


def test_a_workbook_that_aborts_the_reader_is_refused_and_the_next_one_is_read():
    """The file itself: calamine reserves 512 GB for a cell at XFD1048576 and Rust aborts."""
    with pytest.raises(InputRefused) as refused:
        run_isolated("far.xlsx", 60, parse_file, workbooks.xlsx_with_a_far_off_cell(), file_name="far.xlsx",
                     limits=LIMITS)
    assert "crashed the reader (it ended with signal SIGABRT)" in str(refused.value)
    good = "指标,月份,数值\nSLA达成率,2026-09,95.1\n".encode()
    assert run_isolated("a.csv", 60, parse_file, good, file_name="a.csv", limits=LIMITS).records["value"].tolist() == [95.1]


@pytest.mark.skipif(not Path("/proc/self/oom_score_adj").exists(), reason="Linux only")
def test_the_reading_child_is_the_first_the_kernel_ends_when_memory_runs_out():
    score = Path("/proc/self/oom_score_adj")
    assert run_isolated("a.xlsx", 60, score.read_text).strip() == "1000"
    assert score.read_text().strip() != "1000"                        # this process keeps its own


def test_a_read_that_runs_too_long_is_stopped_at_the_limit():
    started = time.perf_counter()
    with pytest.raises(InputRefused) as refused:
        run_isolated("huge.xlsx", 0.5, time.sleep, 60)
    waited = time.perf_counter() - started
    assert str(refused.value) == (
        "huge.xlsx: reading the file took more than 0.5 s and was stopped; nothing was written. Check that it is the "
        "monthly metric file (not a whole data export), or split it into smaller files")
    assert 0.5 <= waited < 10        # stopped, not waited out (60 s)


def _answer_and_then_take_long_to_end() -> int:
    """What a reading child does when its end is slow (a big heap for the kernel to take back):
    it answers at once, and its process ends three seconds later (a thread it must wait for)."""
    threading.Thread(target=time.sleep, args=(3,)).start()
    return os.getpid()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_answer_does_not_wait_for_the_child_to_end_and_the_child_still_ends():
    started = time.perf_counter()
    pid = run_isolated("a.xlsx", 60, _answer_and_then_take_long_to_end)
    assert time.perf_counter() - started < 2                 # not the 3 s its end takes
    assert not _gone(pid)
    deadline = time.monotonic() + 30
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)


def test_a_big_answer_crosses_a_pipe_widened_to_a_megabyte():
    """Eight turns between the processes for a 200,000-row workbook's 8 MB, not 130."""
    from multiprocessing import Pipe

    from analytics.isolation import _widen

    receive, send = Pipe(duplex=False)
    _widen(send)
    try:
        if Path("/proc/sys/fs/pipe-max-size").exists() and int(Path("/proc/sys/fs/pipe-max-size").read_text()) >= 1 << 20:
            assert fcntl.fcntl(send.fileno(), fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        receive.close()
        send.close()
    assert len(run_isolated("big.xlsx", 60, bytes, 8 << 20)) == 8 << 20


def test_when_no_process_can_be_started_the_file_is_read_here(monkeypatch):
    from analytics import isolation

    assert run_isolated("a.csv", 60, os.getpid) != os.getpid()               # usually: in a child

    def no_process():
        raise BlockingIOError(11, "Resource temporarily unavailable")      # fork's EAGAIN at a process limit
    monkeypatch.setattr(isolation, "_ensure_server", no_process)
    assert run_isolated("a.csv", 60, os.getpid) == os.getpid()
    data = "指标,月份,数值\nSLA达成率,2026-09,95.1\n".encode()
    assert run_isolated("a.csv", 60, parse_file, data, file_name="a.csv", limits=LIMITS).records["value"].tolist() == [
        95.1]


def test_a_bug_in_the_reader_is_raised_here_with_the_child_s_traceback():
    with pytest.raises(ValueError, match="invalid literal") as raised:
        run_isolated("a.csv", 60, int, "not a number")
    assert "in the reading process" in raised.value.__notes__[0] and "Traceback" in raised.value.__notes__[0]


def test_the_read_time_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CSI_MAX_READ_SECONDS", "7.5")
    assert Limits.from_env().max_read_seconds == 7.5
    monkeypatch.setenv("CSI_MAX_READ_SECONDS", "soon")
    assert Limits.from_env().max_read_seconds == Limits.max_read_seconds == 120


def test_workbooks_are_read_in_a_child_and_csv_here(store, monkeypatch):
    """calamine reads workbooks; a CSV is parsed by Arrow or the csv module, and sending two
    million parsed rows back from a child would cost as much as reading them."""
    from analytics import ingest, isolation

    children = []

    def recording(name, seconds, func, *args, **kwargs):
        children.append(name)
        return run_isolated(name, seconds, func, *args, **kwargs)
    monkeypatch.setattr(isolation, "run_isolated", recording)
    workbook = workbooks.ods({"数据": [["指标", "2026-09"], ["SLA达成率", 95.1]]})
    csv = "指标,月份,数值\nSLA达成率,2026-09,95.1\n".encode()
    plan = ingest.plan_ingest(store, [(workbook, "a.ods"), (csv, "a.csv")], create_metrics=True, isolated=True)
    assert [f.parsed.records["value"].tolist() for f in plan.files] == [[95.1], [95.1]]
    assert children == ["a.ods"]


def test_a_reading_child_never_runs_the_page_that_asked_even_from_another_directory(tmp_path):
    """Under Streamlit __main__ is the page being shown, and multiprocessing runs __main__ in
    each child before its work: the fork server's import of analytics.reading_child prevents
    that. A dashboard started from another directory (streamlit run /opt/csi/dashboard.py) must
    still find that module: the page below leaves a mark if a child runs it."""
    page, mark = tmp_path / "page.py", tmp_path / "page-ran"
    page.write_text(f"open({str(mark)!r}, 'w').close()\n", encoding="utf-8")
    code = (
        "import sys, types\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from analytics.isolation import run_isolated\n"
        "page = types.ModuleType('__main__')\n"
        f"page.__file__ = {str(page)!r}\n"
        "sys.modules['__main__'] = page        # as Streamlit's script runner sets it\n"
        "print(run_isolated('a.xlsx', 60, int, '42'))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "42"), done.stderr[-2000:]
    assert not mark.exists()
