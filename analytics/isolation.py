"""Read an uploaded file in a child process, so that a file that crashes the reader costs the
child, not the dashboard everyone in the meeting is using.

python-calamine is Rust. An .xlsx cell far outside its table (XFD1048576 in a sheet whose
<dimension> is missing or lies) makes it reserve hundreds of GB for the sheet's grid, and Rust
aborts the whole process when that allocation fails: no Python handler ever runs. The span
checks catch this cheaply for .xls, .xlsb and .ods, but for an .xlsx a sound check must scan
every cell reference, which costs ~40% of a large ingest. A child forked from a small server
that has already imported the readers starts in ~10 ms; if it dies, or reads for longer than
the limit, the file is refused by name and nothing is written.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing import forkserver
from pathlib import Path
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:                   # not a POSIX system: no fork server either
    fcntl = None

from .errors import InputRefused, Problem
from .limits import Limits
from .memory import freed_memory_reused, mark_as_answering_once
from .readers import is_workbook

T = TypeVar("T")

_SERVER_MODULE = "analytics.reading_child"   # the fork server's only import: the readers, and no __main__
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_context_lock = threading.Lock()
_context: Any = None
_started = False
_PIPE_BYTES = 1 << 20        # by default the most Linux gives a process that asks (fs.pipe-max-size)


def _reading_context():
    """The forkserver: children start from a small process that has only the readers loaded,
    never from a fork of the multi-threaded server. None where there is none (Windows)."""
    global _context
    with _context_lock:
        if _context is None:
            if "forkserver" not in multiprocessing.get_all_start_methods():
                return None
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([_SERVER_MODULE])
            _context = context
        return _context


def start_reading_server() -> None:
    """Start the fork server now, so that it loads the readers (~0.5 s) while the caller does
    other work, and the first file does not wait for it. Once per process: a page calls it on
    every rerun, and each read checks the server anyway (run_isolated restarts a dead one)."""
    global _started
    if not _started and _reading_context() is not None:
        _ensure_server()
        _started = True


def _ensure_server() -> None:
    """Start the fork server if it is not running, able to import analytics from any directory.

    It is `python -c ...` in the current directory, and Python 3.11 does not give it this
    process's sys.path: started beside the repository (make run, the command line) it finds
    analytics, but a dashboard started from elsewhere (streamlit run /opt/csi/dashboard.py) would
    not, its import of reading_child would fail without a word, and each child would run the page.
    So it is started with the package's directory on PYTHONPATH."""
    with _context_lock:
        before = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), before]))
        try:
            forkserver.ensure_running()
        finally:
            if before is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = before


def _first_to_go_when_memory_runs_out() -> None:
    """A file can make a reader take gigabytes (a cell at ZZ300000 reserves 6.6 GB before any
    limit can look at it): should memory run out, the kernel ends this child, not the dashboard."""
    try:
        with open("/proc/self/oom_score_adj", "w") as score:
            score.write("1000")
    except OSError:                       # not Linux: the time limit still applies
        pass


def _run_and_send(send, func: Callable, args: tuple, kwargs: dict) -> None:
    """In the child: run func and send back ('ok', result) or ('raised', exception)."""
    _first_to_go_when_memory_runs_out()
    mark_as_answering_once()
    try:
        with freed_memory_reused():       # as the parent's ingest does: the child's memory is all fresh
            outcome: tuple[str, Any] = ("ok", func(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - every error goes back to the parent, which raises it
        if not isinstance(exc, InputRefused):          # a bug: keep where it happened, in the child
            exc.add_note("in the reading process:\n" + "".join(traceback.format_exception(exc)))
        outcome = ("raised", exc)
    try:
        send.send(outcome)
    except Exception as exc:  # noqa: BLE001 - an error (or result) that cannot be pickled
        send.send(("raised", RuntimeError(f"the reading process could not return its result: {exc!r}")))
    finally:
        send.close()


def _widen(pipe) -> None:
    """A 1 MB pipe instead of 64 KB: a 200,000-row workbook's result (8 MB) then crosses in eight
    turns between the two processes, not 130. Where the system refuses, the pipe stays as it is."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (OSError, AttributeError):          # a smaller fs.pipe-max-size; not Linux (no F_SETPIPE_SZ)
        pass


def _end(child, wait: float = 0) -> None:
    """Let the child end by itself for `wait` seconds, then stop it; return once it is gone."""
    child.join(wait)
    if child.is_alive():
        child.kill()
    child.join()


def _end_in_background(child) -> None:
    """The child has answered and is ending: that is waited for in a thread of its own, for the
    kernel takes 10-15 ms to take back a reading process's memory and the answer does not need it."""
    threading.Thread(target=_end, args=(child, 5), daemon=True, name=f"ending {child.name}").start()


def _stopped(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        try:
            return f"it ended with signal {signal.Signals(-exit_code).name}"
        except ValueError:
            return f"it ended with signal {-exit_code}"
    return f"it ended with exit status {exit_code}"


def run_isolated(file_name: str, seconds: float, func: Callable[..., T], /, *args, **kwargs) -> T:
    """func(*args, **kwargs) in a child process; its result, or the exception it raised.

    A child that dies (a crash in a reader, the kernel's OOM killer) or runs longer than
    `seconds` is refused as InputRefused naming file_name. func, its arguments and its result
    must be picklable (functions defined at module level)."""
    context = _reading_context()
    if context is None:                   # no fork server on this system: read here, as before
        return func(*args, **kwargs)
    receive, send = context.Pipe(duplex=False)
    _widen(send)
    child = context.Process(target=_run_and_send, args=(send, func, args, kwargs), daemon=True,
                            name=f"reading {file_name}")
    try:
        _ensure_server()
        child.start()
    except OSError:                       # no process to be had (a process limit, no memory to fork):
        receive.close()                   # read here, as before there was a reading process
        send.close()
        return func(*args, **kwargs)
    send.close()                          # the child's end: when the child dies, receive sees the end of file
    try:
        if not receive.poll(seconds):
            raise InputRefused(Problem(
                f"reading the file took more than {seconds:g} s and was stopped; nothing was written. "
                "Check that it is the monthly metric file (not a whole data export), or split it into smaller files",
                file=file_name))
        try:
            kind, value = receive.recv()
        except EOFError:
            child.join(5)
            raise InputRefused(Problem(
                f"reading the file crashed the reader ({_stopped(child.exitcode)}); nothing was written. The file is "
                "damaged, or the program that wrote it wrote it wrongly (for example a cell far outside the table). "
                "Open it in Excel or WPS, save it again as .xlsx, and upload the new copy",
                file=file_name)) from None
    except BaseException:
        receive.close()
        _end(child)
        raise
    receive.close()
    _end_in_background(child)
    if kind == "raised":
        raise value
    return value


def read_apart_if_workbook(isolated: bool, data: bytes, file_name: str, limits: Limits,
                           func: Callable[..., T], /, *args, **kwargs) -> T:
    """func(*args, **kwargs) reading `data`: in a reading process when `isolated` and the file is a
    workbook, which calamine reads. A CSV is read here: Arrow and the csv module do not abort on
    bad bytes, and sending two million parsed rows back from a child would cost as much as
    reading them."""
    if isolated and is_workbook(data):
        return run_isolated(file_name, limits.max_read_seconds, func, *args, **kwargs)
    return func(*args, **kwargs)
