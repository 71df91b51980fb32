"""Shared fixtures: a real DuckDB file per test, and the command line run in-process or as a child."""

from __future__ import annotations

import atexit
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.demo import load_demo
from analytics.store import Store, connect

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


def load_through_cli(cli, directory: Path, catalogue: str, values: str) -> None:
    """A catalogue imported and a values file ingested by the command line, as a user loads them."""
    (directory / "catalogue.csv").write_text(catalogue, encoding="utf-8")
    assert cli("metrics", "import", directory / "catalogue.csv")[0] == 0
    (directory / "values.csv").write_text(values, encoding="utf-8")
    assert cli("ingest", directory / "values.csv")[0] == 0


_DEMO_TEMPLATES: dict[datetime.date, Path] = {}


def demo_loaded(store: Store, day: datetime.date) -> None:
    """`store` (new, empty) as load_demo(store, day) leaves it: the demo is loaded once per test process
    and day, then its file copied (load_demo takes 2-3 s, and some 40 tests start from the demo)."""
    template = _DEMO_TEMPLATES.get(day)
    if template is None:
        folder = tempfile.mkdtemp(prefix="demo-template-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "demo.duckdb"
        load_demo(Store(template), day)
        with connect(template) as con:          # everything in the one file that is copied, none in a WAL
            con.execute("CHECKPOINT")
        _DEMO_TEMPLATES[day] = template
    Path(f"{store.path}.wal").unlink(missing_ok=True)
    shutil.copyfile(template, store.path)


def run_cli_process(*args: str, env: dict | None = None, timeout: float = 60, stdin: str | None = None):
    """The command line as a separate process, exactly as a batch job runs it."""
    return subprocess.run([sys.executable, "-m", "analytics", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, input=stdin, check=False)


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """Start every AppTest run in st.navigation mode, as the real server is after its first run.

    AppTest resets Streamlit to its legacy multipage mode before each run (a pages/ folder
    exists), so every run would first go through pages.common.through_dashboard's extra rerun,
    which drops a button click. The deep-link path itself is covered by the browser tests.
    """
    from streamlit.runtime import pages_manager

    original = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


@pytest.fixture(scope="module")
def browser():
    """Headless system Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.e2e_server import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
