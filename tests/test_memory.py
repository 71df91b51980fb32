"""Freed memory kept for reuse during an ingest (glibc), and handed back after it."""

from __future__ import annotations

import ctypes
import gc
import threading

import numpy as np
import pytest

from analytics import memory
from analytics.memory import freed_memory_reused, gc_paused, reuses_freed_memory

needs_glibc = pytest.mark.skipif(memory._LIBC is None or not hasattr(memory._LIBC, "mallinfo2"),
                                reason="needs glibc 2.33 or later")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                      "fsmblks", "uordblks", "fordblks", "keepcost")]


def _heap() -> _MallInfo2:
    memory._LIBC.mallinfo2.restype = _MallInfo2
    return memory._LIBC.mallinfo2()


def _mapped_while_holding(megabytes: int) -> int:
    """Bytes glibc has mapped outside its heap while an array of that size is alive."""
    array = np.ones(megabytes << 17)            # 2**17 float64 = 1 MB
    mapped = _heap().hblkhd
    del array
    return mapped


def _big_arrays_come_from_the_heap_inside_and_are_mapped_and_trimmed_after() -> None:
    assert _mapped_while_holding(64) >= 64 << 20                  # glibc's default: its own mapping
    with freed_memory_reused():
        assert _mapped_while_holding(64) < 64 << 20                # from the heap, kept when freed
        assert _heap().fordblks >= 64 << 20                        # ... and still there to reuse
    assert _heap().fordblks < 64 << 20                             # trimmed on leaving
    assert _mapped_while_holding(64) >= 64 << 20


@needs_glibc
def test_big_arrays_come_from_the_heap_inside_and_are_mapped_and_trimmed_after():
    """In a process of its own: the heap's free bytes are the whole process's, and blocks another
    test left above the array in a shared worker kept the heap from shrinking (a CI run failed)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    body = "_big_arrays_come_from_the_heap_inside_and_are_mapped_and_trimmed_after"
    check = subprocess.run([sys.executable, "-c", f"from tests.test_memory import {body}; {body}()"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert check.returncode == 0, check.stderr


@needs_glibc
def test_the_last_of_overlapping_blocks_restores_the_thresholds():
    inner_done, outer_may_leave = threading.Event(), threading.Event()

    def other_upload():
        with freed_memory_reused():
            inner_done.set()
            outer_may_leave.wait(10)

    thread = threading.Thread(target=other_upload)
    with freed_memory_reused():
        thread.start()
        inner_done.wait(10)
    assert _mapped_while_holding(64) < 64 << 20                    # the other upload is still running
    outer_may_leave.set()
    thread.join(10)
    assert _mapped_while_holding(64) >= 64 << 20


@needs_glibc
def test_the_decorator_keeps_the_function_and_its_result():
    @reuses_freed_memory
    def biggest(values):
        """Doc."""
        return max(values)

    assert biggest([3, 9, 4]) == 9 and biggest.__doc__ == "Doc." and biggest.__name__ == "biggest"


def _numpy_asks_for_hugepages() -> bool:
    from numpy._core.multiarray import _set_madvise_hugepage

    before = _set_madvise_hugepage(True)
    _set_madvise_hugepage(before)
    return bool(before)


@pytest.fixture
def numpy_hugepages_on():
    from numpy._core.multiarray import _set_madvise_hugepage

    before = _set_madvise_hugepage(True)
    yield
    _set_madvise_hugepage(before)


@needs_glibc
def test_numpy_uses_ordinary_pages_inside_and_its_own_setting_after(numpy_hugepages_on):
    with freed_memory_reused():
        assert not _numpy_asks_for_hugepages()
        with freed_memory_reused():                                # nested: still off
            assert not _numpy_asks_for_hugepages()
        assert not _numpy_asks_for_hugepages()
    assert _numpy_asks_for_hugepages()                             # the setting it had before


@needs_glibc
def test_a_decorated_function_runs_with_ordinary_pages(numpy_hugepages_on):
    seen = []

    @reuses_freed_memory
    def plan():
        seen.append(_numpy_asks_for_hugepages())

    plan()
    assert seen == [False] and _numpy_asks_for_hugepages()


def test_gc_is_paused_inside_and_left_as_found():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():                                          # nested: the inner one does not turn it on
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()                                  # it was off before: stays off
    finally:
        gc.enable()


def test_the_xlsx_report_is_written_without_cyclic_gc(monkeypatch):
    from analytics import report_xlsx

    seen = []
    monkeypatch.setattr(report_xlsx, "_write_xlsx", lambda content, target: seen.append(gc.isenabled()))
    report_xlsx.write_xlsx(None)
    assert seen == [False] and gc.isenabled()


def _frozen_by_a_paused_block() -> int:
    """How many objects a gc_paused block that makes 10,000 row lists leaves frozen."""
    before = gc.get_freeze_count()
    with gc_paused():
        rows = [[i, "metric", 95.0] for i in range(10_000)]
    frozen = gc.get_freeze_count() - before
    del rows
    return frozen


def test_rows_are_frozen_only_in_a_process_that_answers_once():
    """A reading child (run_isolated) exits after its answer: the collector need never walk the
    rows calamine made. A long-lived process (the dashboard, here) must not freeze anything."""
    from analytics.isolation import run_isolated

    assert _frozen_by_a_paused_block() == 0
    assert run_isolated("rows", 60, _frozen_by_a_paused_block) >= 10_000



def _a_process_that_answers_once_leaves_its_heap_untrimmed() -> None:
    memory.mark_as_answering_once()
    with freed_memory_reused():
        array = np.ones(64 << 17)
        del array
    assert _heap().fordblks >= 64 << 20


@needs_glibc
def test_a_reading_child_leaves_its_heap_for_its_exit_to_take_back():
    """A trim there (5-10 ms for a big workbook) would only delay its answer: the process ends next.
    In a process of its own, as the first test (whose last lines are the dashboard's trim)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    body = "_a_process_that_answers_once_leaves_its_heap_untrimmed"
    check = subprocess.run([sys.executable, "-c", f"from tests.test_memory import {body}; {body}()"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert check.returncode == 0, check.stderr
