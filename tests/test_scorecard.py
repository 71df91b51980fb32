"""The scorecard's view model: number formatting, ordering and headline counts."""

from __future__ import annotations

import datetime

import pytest

from analytics.analysis import analyse
from analytics.demo import load_demo
from analytics.scorecard import Filters, headline, scorecard_rows
from analytics.store import Store
from analytics.units import format_number


@pytest.mark.parametrize("value, unit, decimals, signed, text", [
    (6.54, "h", 1, False, "6.5 h"), (95.25, "%", 2, False, "95.25%"), (1200, "¥", 0, False, "¥1,200"),
    (-22.0, "¥", 0, True, "-¥22"), (0.6, "h", 1, True, "+0.6 h"), (173, "count", 0, False, "173"),
    (4.472, "score", 2, False, "4.47"), (float("nan"), "h", 1, False, "–"), (None, "%", 1, False, "–"),
])
def test_format_number(value, unit, decimals, signed, text):
    assert format_number(value, unit, decimals, signed) == text


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("sc") / "demo.duckdb")
    load_demo(store, datetime.date(2026, 11, 25))
    return analyse(store)


def test_exceptions_first_then_status_then_name(analysis):
    rows = scorecard_rows(analysis, "en")
    ranked = rows["priority"].dropna().tolist()
    assert ranked == sorted(ranked) and ranked[0] == 1
    tail = rows[rows["priority"].isna()]
    assert tail["status"].tolist() == sorted(tail["status"], key=["missed", "near", "met", "no_target",
                                                                  "no_data"].index)


def test_filters_and_headline(analysis):
    rows = scorecard_rows(analysis, "zh", Filters(categories=("cost",)))
    assert set(rows["category"]) == {"cost"} and rows["display_name"].str.contains("成本|加班|许可").all()
    counts = headline(rows)
    assert counts["met"] + counts["near"] + counts["missed"] == int(rows["status"].isin(["met", "near", "missed"]).sum())
    assert scorecard_rows(analysis, "en", Filters(search="MTTR"))["name"].tolist() == ["Incident MTTR"]
