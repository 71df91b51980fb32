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
    """Wait until the script run finished, and fail on any exception box."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        raise AssertionError(f"Streamlit exception on the page: {exceptions.first.inner_text()}")


SIGN_IN_WORDS = {"en": ("Name", "Password", "Sign in"), "zh": ("用户名", "密码", "登录")}


def sign_in_on_the_page(page, name: str, password: str, lang: str = "en") -> None:
    """Fill in the sign-in page and press its button (not 'Sign out', whose Chinese 退出登录 holds 登录)."""
    name_box, password_box, button = SIGN_IN_WORDS[lang]
    page.get_by_role("textbox", name=name_box).fill(name)
    page.get_by_role("textbox", name=password_box).fill(password)
    page.get_by_role("button", name=button, exact=True).click()
