"""The dashboard pages driven by streamlit.testing AppTest on a real temporary store."""

from __future__ import annotations

import datetime

import pytest
from streamlit.testing.v1 import AppTest

from analytics.demo import load_demo
from analytics.store import Store
from tests.conftest import ROOT

TIMEOUT = 60


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


@pytest.fixture
def app_store(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("CSI_DB", str(path))
    store = Store(path)
    store.ensure_schema()
    return store


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    load_demo(Store(path), datetime.date(2026, 11, 24))
    return path


def _app(page: str | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption] + [e.value for e in at.error] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_empty_store_shows_the_first_run_guide(app_store):
    at = _app(lang="en")
    assert "Welcome: the store is empty" in _text(at)
    assert "python -m analytics demo" in _text(at)
    assert at.button[0].label == "Load the demo data"


def test_first_run_guide_loads_the_demo(app_store):
    at = _app(lang="en")
    at.button[0].click().run()
    assert not at.exception
    assert not app_store.is_empty()
    assert at.metric[0].label == "Metrics" and int(at.metric[0].value) >= 20


def test_home_shows_the_store_in_chinese_by_default(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app()
    assert at.title[0].value == "服务改进看板"
    labels = [m.label for m in at.metric]
    assert labels == ["指标数", "数据点", "覆盖月份", "最新月份", "上传次数"]
    assert at.metric[3].value == "2026-10"


def test_language_switch_changes_labels_and_url(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app()
    at.radio(key="language_choice").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Service Improvement Dashboard"
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_upload_page_renders_history(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/upload.py", lang="en")
    assert at.title[0].value == "Upload monthly data"
    assert "Upload history" in _text(at)
    assert at.dataframe[0].value["file_name"].tolist() == ["demo-data.csv"]
