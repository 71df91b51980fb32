"""The demo data: realistic, deterministic, and the stories a review meeting discusses are really in it."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from analytics import demo_data
from analytics.analysis import analyse
from analytics.catalogue import import_catalogue
from analytics.demo import load_demo
from analytics.users import add_user
from tests.conftest import run_cli_process

LAST = "2026-10"


@pytest.fixture(scope="module")
def values():
    return demo_data.demo_observations(LAST)


def _series(values, metric):
    return values[values["metric"] == metric].sort_values("period")["value"].to_numpy()


@pytest.mark.parametrize("today, last", [(datetime.date(2026, 11, 25), "2026-10"),
                                         (datetime.date(2026, 1, 3), "2025-12"),
                                         (datetime.date(2026, 3, 31), "2026-02")])
def test_last_complete_month(today, last):
    assert demo_data.last_complete_month(today) == last


def test_catalogue_covers_all_categories_in_two_languages():
    catalogue = demo_data.demo_catalogue()
    assert len(catalogue) >= 20
    assert set(catalogue["category"]) == {"quality", "effectiveness", "cost", "efficiency"}
    assert catalogue["name_zh"].str.len().gt(0).all() and catalogue["name_en"].str.len().gt(0).all()
    assert set(catalogue["direction"]) <= {"increase", "decrease", "neutral"}


def test_36_months_ending_at_the_last_month_and_deterministic(values):
    periods = sorted(values["period"].unique())
    assert len(periods) == 36 and periods[0] == "2023-11" and periods[-1] == LAST
    pd.testing.assert_frame_equal(values, demo_data.demo_observations(LAST))


@pytest.mark.parametrize("metric, low, high", [
    ("Incident MTTR", 4, 12), ("SLA attainment", 85, 98), ("First contact resolution", 60, 80),
    ("Customer satisfaction", 4.1, 4.7), ("Core system availability", 99.0, 99.99),
    ("Change success rate", 85, 99),
])
def test_realistic_scales(values, metric, low, high):
    series = _series(values, metric)
    assert np.nanmin(series) >= low and np.nanmax(series) <= high


def test_the_stories(values):
    mttr = _series(values, "Incident MTTR")
    go_live = demo_data.GO_LIVE_SUCCESS
    assert mttr[:go_live].mean() - mttr[go_live:].mean() >= 2.5           # a sustained step change
    assert (mttr[go_live:] < mttr[:go_live].mean()).sum() >= 7               # 7+ points below the old mean
    fcr = _series(values, "First contact resolution")
    failed = demo_data.GO_LIVE_FAILED
    assert abs(fcr[failed:].mean() - fcr[:failed].mean()) < 1.5             # no real change
    backlog = _series(values, "Service desk backlog")
    assert (np.diff(backlog[-7:]) > 0).all()                                  # 7 points each higher
    availability = _series(values, "Core system availability")
    others = np.delete(availability, demo_data.OUTLIER)
    amr = np.abs(np.diff(others)).mean()
    assert availability[demo_data.OUTLIER] < others.mean() - 2.66 * amr     # a single outlier
    assert (_series(values, "Change success rate") > 90).all()               # always passes its target


def test_loaded_demo_tells_the_stories_in_the_analysis(tmp_path):
    from analytics.store import Store

    store = Store(tmp_path / "demo.duckdb")
    summary = load_demo(store, datetime.date(2026, 11, 25))
    assert summary["metrics"] >= 20 and summary["last_period"] == LAST
    table = analyse(store).table.set_index("metric")
    assert table.loc["Change success rate", "assurance"] == "consistent_pass"
    assert table.loc["Backlog over 30 days", "assurance"] == "consistent_fail"
    assert table.loc["SLA attainment", "assurance"] == "hit_and_miss"
    assert table.loc["Service desk backlog", "variation"] == "concern_high"
    assert table.loc["Service desk backlog", "priority"] == 1
    with pytest.raises(Exception, match="already has data"):
        load_demo(store, datetime.date(2026, 11, 25))


@pytest.mark.parametrize("first_step", [
    pytest.param(lambda store: add_user(store, "boss", "admin", password="S3cret-pass-1", by="t"), id="the admin account (README's first step)"),
    pytest.param(lambda store: import_catalogue(store, pd.DataFrame({"name": ["MTTR"]}), by="t"), id="a catalogue"),
])
def test_demo_if_empty_leaves_a_store_that_has_accounts_or_data_alone(tmp_path, first_step):
    """Found by exploratory testing: `make run` (init, demo --if-empty) on a store whose admin had
    just been added loaded the demo into it, with demo-admin's password on the sign-in page."""
    from analytics.store import Store

    store = Store(tmp_path / "real.duckdb")
    store.ensure_schema()
    first_step(store)
    done = run_cli_process("--db", str(store.path), "demo", "--if-empty")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"store {store.path} already has data or accounts; demo not loaded"
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM app_user WHERE name LIKE 'demo%'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM observation").fetchone()[0] == 0
