"""A real `streamlit run` on a free port with its own store, and a headless Debian chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db_path: Path, log_path: Path, extra_env: dict | None = None):
    port = free_port()
    env = {**os.environ, "CSI_DB": str(db_path), "CSI_AUTH": "off", **(extra_env or {})}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the script run finished, and fail on any exception box.

    After an action this can pass before the rerun it causes has even started (the page says
    notRunning until the server's first message of the run arrives): follow it with a wait for what
    the action shows, or use `rerun_after`."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_timeout(300)
    _app_idle(page, timeout)


def choose(page, box, option: str, exact: bool = True) -> None:
    """Pick `option` in a select box or multiselect `box` and wait for the run it causes. The
    option's text is typed first, so the list holds it at the top: clicked in a long list still
    scrolling open, an option was missed (the list left open, nothing chosen), and a box clicked
    while its expander was still opening did not open at all (so it is opened again)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    target = page.get_by_role("option", name=option, exact=exact).first
    for attempt in range(3):
        box.click()
        page.keyboard.type(option)
        try:
            target.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")             # closes the list and clears what was typed
    with rerun_after(page):
        target.click()


def _app_idle(page, timeout: float) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        raise AssertionError(f"Streamlit exception on the page: {exceptions.first.inner_text()}")


@dataclass
class _Runs:
    """The script runs the server finished for one page, as seen on its websocket."""
    started: int = 0           # runs started (new_session), counted across the page's sockets
    running: int = 0           # the number of the run under way, 0 for none
    finished: int = 0          # the number of the last run that finished (not stopped for a rerun)
    sockets: int = 0           # the page's websockets to the server so far


_RUNS: dict[int, _Runs] = {}


def watch_runs(page):
    """Count the script runs the server finishes for `page` (call before its first goto); returns it.

    Streamlit starts each run with a new_session message and ends it with script_finished on the
    page's websocket: unlike the page's running/notRunning mark, which can still say notRunning
    when an action's rerun has not started yet, or between the runs of an st.rerun, these tell
    that a run asked for after an action has really been drawn."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    runs = _RUNS[id(page)] = _Runs()
    done = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}

    def frame(payload) -> None:
        if not isinstance(payload, bytes):
            return
        try:
            msg = ForwardMsg.FromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg: not a run's start or end
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            runs.started += 1
            runs.running = runs.started
        elif kind == "script_finished" and msg.script_finished in done and runs.running:
            runs.finished, runs.running = runs.running, 0

    def socket(ws) -> None:
        # a goto or a reload opens a new session, which starts with a new_session; a socket opened again
        # by the page (the server busy past its ping) resumes the same session, maybe in the middle of a run
        if "/_stcore/stream" in ws.url:
            runs.sockets += 1
            ws.on("framereceived", frame)

    page.on("websocket", socket)
    return page


@contextmanager
def rerun_after(page, timeout: float = 60_000):
    """`with rerun_after(page): <an action>`: on leaving, a script run that started after the action
    has finished and been drawn, and shows no exception box. The action must cause a run (a widget
    changed, a button pressed, a page opened); the page must have been given to watch_runs."""
    runs = _RUNS[id(page)]
    before = runs.started                      # a run under way now, or one that ends later, does not count
    yield
    deadline = time.monotonic() + timeout / 1000
    while runs.finished <= before:
        if time.monotonic() > deadline:
            raise AssertionError(f"no script run finished within {timeout / 1000:.0f} s of the action: "
                                 f"{runs} (run {before} the last started before it)")
        page.wait_for_timeout(20)              # lets Playwright deliver the socket's frames
    _app_idle(page, timeout)


SIGN_IN_WORDS = {"en": ("Name", "Password", "Sign in"), "zh": ("用户名", "密码", "登录")}


def sign_in_on_the_page(page, name: str, password: str, lang: str = "en") -> None:
    """Fill in the sign-in page and press its button (not 'Sign out', whose Chinese 退出登录 holds 登录)."""
    name_box, password_box, button = SIGN_IN_WORDS[lang]
    page.get_by_role("textbox", name=name_box).fill(name)
    page.get_by_role("textbox", name=password_box).fill(password)
    page.get_by_role("button", name=button, exact=True).click()
