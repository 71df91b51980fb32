"""`python -m analytics`: see analytics/cli.py.

The process ends with os._exit once the command has finished and its output is flushed. A normal
interpreter exit tears down the native thread pools (Arrow's, DuckDB's) while their threads may
still be alive, and once in a few hundred runs that aborts the process (SIGABRT, "terminate called
without an active exception") after the work is done: a batch job would see exit 134 instead of
the command's 0 or 1. Every store connection is closed by then, and the reading children joined.
"""

import os
import sys
import traceback

from .errors import INTERRUPTED


def _exit_code() -> int:
    try:
        # imported here: Ctrl-C while the libraries load is answered as any other Ctrl-C
        from .cli import main

        return main()
    except KeyboardInterrupt:                  # main() answers it itself once it runs
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except SystemExit as exc:                  # argparse: --help, or a usage error it has printed
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:  # noqa: BLE001 - a bug: its traceback, as Python would print it, then exit 1
        traceback.print_exc()
        return 1


code = _exit_code()
for stream in (sys.stdout, sys.stderr):
    try:
        stream.flush()
    except (BrokenPipeError, ValueError):      # a reader that went away (| head), or a closed stream
        pass
os._exit(code)
