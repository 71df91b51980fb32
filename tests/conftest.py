"""Shared fixtures: a real DuckDB file per test, and the command line run in-process or as a child."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store.duckdb", lock_timeout=2)
    store.ensure_schema()
    return store


@pytest.fixture
def cli(store: Store, capsys):
    """Run `python -m analytics --db <test store> ...` in-process; returns (exit, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(store.path), *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def run_cli_process(*args: str, env: dict | None = None, timeout: float = 60, stdin: str | None = None):
    """The command line as a separate process, exactly as a batch job runs it."""
    return subprocess.run([sys.executable, "-m", "analytics", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, input=stdin)
