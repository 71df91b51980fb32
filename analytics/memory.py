"""Keeping freed memory for reuse while one big ingest runs, and handing it back afterwards.

Checking a two-million-row file makes many short-lived arrays of tens of megabytes. glibc maps
each of them fresh from the system and unmaps it on free, so every one is page-faulted in again;
on the virtual machines this product runs on a fresh megabyte costs about a millisecond, which
was a fifth of a large CSV ingest. Inside `freed_memory_reused` big blocks come from the heap
and freed ones are reused; on leaving, the usual thresholds are set and the heap is trimmed, so
a long-running dashboard does not keep the peak. Elsewhere than glibc it does nothing.

Inside the block numpy also stops asking the kernel for transparent huge pages for its big
arrays. A huge page is fast when one is at hand, but on these machines it is often filled in by
the host 4 KB at a time: 48 MB of fresh arrays took 14 ms or 130 ms by luck, 33 ms every time
with ordinary pages. The median 2-million-row CSV ingest went from 1.24 s to 0.83 s.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3          # mallopt parameters (malloc.h)
_HOLD = 1 << 30                                         # blocks up to 1 GB from the heap, kept when freed
_MMAP_AFTER, _TRIM_AFTER = 32 << 20, 64 << 20           # what glibc's own adaptive thresholds top out at

_lock = threading.Lock()
_active = 0
_numpy_hugepages_before: bool | None = None


def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt.argtypes, libc.malloc_trim.argtypes = [ctypes.c_int, ctypes.c_int], [ctypes.c_size_t]
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _glibc()


def _numpy_hugepages(enabled: bool) -> bool | None:
    """Turn numpy's madvise(MADV_HUGEPAGE) for big arrays on or off; the setting before, or None
    when this numpy has no such switch."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        return None
    return bool(_set_madvise_hugepage(enabled))


@contextmanager
def freed_memory_reused() -> Iterator[None]:
    """Within the block, freed big arrays are reused instead of returned and faulted in again.

    Nested or concurrent blocks (two uploads in the dashboard) share the setting; the last one
    out restores the thresholds and trims, unless this process is about to end (a reading child,
    whose answer would wait 5-10 ms for a trim its exit does anyway).
    """
    global _active, _numpy_hugepages_before
    if _LIBC is None:
        yield
        return
    with _lock:
        if _active == 0:
            _LIBC.mallopt(_M_MMAP_THRESHOLD, _HOLD)
            _LIBC.mallopt(_M_TRIM_THRESHOLD, _HOLD)
            _numpy_hugepages_before = _numpy_hugepages(False)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                if _numpy_hugepages_before is not None:
                    _numpy_hugepages(_numpy_hugepages_before)
                _LIBC.mallopt(_M_MMAP_THRESHOLD, _MMAP_AFTER)
                _LIBC.mallopt(_M_TRIM_THRESHOLD, _TRIM_AFTER)
                if not _answers_once:
                    _LIBC.malloc_trim(0)


_answers_once = False          # this process exits after one piece of work (a reading child)


def mark_as_answering_once() -> None:
    """Mark this process as one that does one piece of work and exits (see gc_paused)."""
    global _answers_once
    _answers_once = True


def answers_once() -> bool:
    """Whether this process exits after its one piece of work: it may leave work behind
    (readers._Alongside) and garbage (gc_paused) that its end disposes of."""
    return _answers_once


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection within the block, for work that makes hundreds of thousands
    of small containers without cycles (calamine's rows, xlsxwriter's cells): the collector would
    walk all of them again and again while they are being built, for nothing.

    In a process that answers once and exits, what the block made is frozen as well: the
    collector would still walk it at its next collection (30 ms for a 200,000-row workbook), and
    again at the older ones, and it holds no cycles. A long-lived process must not freeze: it
    would keep every cycle it holds at that moment for good.

    Only the block that turned it off turns it back on, so overlapping blocks leave it as found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _answers_once:
            gc.freeze()
        if enabled:
            gc.enable()


def reuses_freed_memory(function):
    """Decorator: the whole call runs inside freed_memory_reused."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        with freed_memory_reused():
            return function(*args, **kwargs)
    return run
