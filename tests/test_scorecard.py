"""The scorecard's view model: number formatting, ordering and headline counts."""

from __future__ import annotations

import datetime

import pytest

from analytics.analysis import analyse
from analytics.scorecard import Filters, headline, scorecard_rows
from analytics.store import Store
from analytics.units import (
    format_difference,
    format_number,
    format_rate,
    pct_shown,
    places_for_status,
)
from tests.conftest import demo_loaded


@pytest.mark.parametrize("value, unit, decimals, signed, text", [
    (6.54, "h", 1, False, "6.5 h"), (95.25, "%", 2, False, "95.25%"), (1200, "¥", 0, False, "¥1,200"),
    (-22.0, "¥", 0, True, "-¥22"), (0.6, "h", 1, True, "+0.6 h"), (173, "count", 0, False, "173"),
    (4.472, "score", 2, False, "4.47"), (float("nan"), "h", 1, False, "–"), (None, "%", 1, False, "–"),
    # half away from zero, as Excel shows the same cell: (2.2 + 2.3) / 2 is exactly 2.25 in binary, which
    # Python's format sends to even (2.2); 2.675 is 2.67499999… in binary but is shown as typed, 2.68
    ((2.2 + 2.3) / 2, "h", 1, False, "2.3 h"), (2.675, "%", 2, False, "2.68%"), (-0.125, "h", 2, True, "-0.13 h"),
    (0.5, "count", 0, False, "1"), (2.5, "count", 0, False, "3"), (1234.5, "¥", 0, False, "¥1,235"),
])
def test_format_number(value, unit, decimals, signed, text):
    assert format_number(value, unit, decimals, signed) == text


@pytest.mark.parametrize("value, unit, decimals, signed, text", [
    (97.5 - 90.0, "%", 1, True, "+7.5 pp"),        # 97.5% against a 90% target: 7.5 points, not 7.5%
    (-7.5, "%", 1, True, "-7.5 pp"), (7.5, "%", 1, False, "7.5 pp"),
    (0.6, "h", 1, True, "+0.6 h"), (-22.0, "¥", 0, True, "-¥22"),    # other units as format_number
    (float("nan"), "%", 1, True, "–"),
    (-0.04, "%", 1, True, "+0.0 pp"), (-0.004, "h", 2, True, "+0.00 h"),   # rounds to zero: no minus sign
])
def test_a_difference_of_percentages_is_in_percentage_points(value, unit, decimals, signed, text):
    assert format_difference(value, unit, decimals, signed) == text


@pytest.mark.parametrize("value, unit, text", [
    (-7.5, "%", "-7.5 百分点"),        # a Chinese meeting reads 百分点: 'pp' is English shorthand
    (0.6, "小时", "+0.6 小时"),        # another unit is as shown (unit_shown has made h 小时)
    (float("nan"), "%", "–"),
])
def test_a_chinese_reader_is_told_percentage_points_as_百分点(value, unit, text):
    assert format_difference(value, unit, 1, lang="zh") == text
    assert format_rate(-0.00037, "%", 1, "zh") == "-0.00037 百分点"


@pytest.mark.parametrize("slope, unit, decimals, text", [
    (0.002, "score", 2, "+0.0020"),     # found by exploratory testing: '+0.00' a month beside a 15-month forecast
    (-0.00037, "%", 1, "-0.00037 pp"),  # two significant digits: 1 - floor(log10(0.00037)) = 1 - (-4) = 5 places
    (1.234, "h", 1, "+1.23 h"),         # never fewer than 2 places (the metric page's finer figures)
    (0.0, "¥", 2, "¥0"), (-0.0, "%", 1, "0 pp"),     # no slope: no sign, which would read as a change
    (float("nan"), "h", 1, "–"),
])
def test_a_slope_is_shown_with_two_significant_digits(slope, unit, decimals, text):
    assert format_rate(slope, unit, decimals) == text


@pytest.mark.parametrize("gap, tolerance, status, decimals, neutral, places", [
    (0.04, 0, "missed", 1, False, 2),      # 99 - 98.96: round(0.04, 1) = 0.0 is no gap; round(0.04, 2) = 0.04 > 0
    (2.01, 2, "missed", 1, False, 2),      # 17.01 - 15 with tolerance 2: 2.0 reads as within it; 2.01 > 2
    (2.004, 2, "missed", 0, False, 3),     # 2, 2.0, 2.00 are all 2; 2.004 > 2 at three places
    (0.03, 0.5, "near", 1, False, 2),      # near: 0.0 reads as met; 0.03 > 0
    (0.6, 0.5, "missed", 1, False, 1),     # 0.6 > 0.5 already: the metric's own decimals
    (-1150.0 + 1000, 100, "near", 0, True, 0),   # neutral, 150 off beyond 100 either side: shown as it is
    (1e-9, 0, "missed", 1, False, 5),      # never more than four places more
    (0.3, 0, "met", 1, False, 1), (float("nan"), 0, "no_target", None, False, 1),
])
def test_numbers_are_shown_with_the_places_their_status_needs(gap, tolerance, status, decimals, neutral, places):
    assert places_for_status(gap, tolerance, status, decimals, neutral) == places


@pytest.mark.parametrize("pct, gap, places, shown", [
    (-0.04 / 99.9 * 100, -0.04, 2, "-0.0%"),    # found by exploratory testing: '+0.0%' beside '-0.04 pp'
    (0.03, 0.03, 2, "+0.0%"), (-12.345, -1.2, 1, "-12.3%"),
    (-0.001, -0.001, 1, "+0.0%"),                # the gap is shown as '+0.0' too: no minus sign on either
    (float("nan"), -1.0, 1, "+nan%"),            # no gap %: the table's placeholder
])
def test_a_gap_percent_has_the_sign_of_the_gap_shown_beside_it(pct, gap, places, shown):
    assert f"{pct_shown(pct, gap, places):+.1f}%" == shown


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("sc") / "demo.duckdb")
    demo_loaded(store, datetime.date(2026, 11, 25))
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


def test_scorecard_gaps_of_percentage_metrics_are_in_points(analysis):
    rows = scorecard_rows(analysis, "en").set_index("name")
    sla = rows.loc["SLA attainment"]
    expected = f"{sla['gap']:+,.{int(sla['decimals'])}f} pp"       # actual − target, in points
    assert sla["unit"] == "%" and sla["gap_text"] == expected
    mttr = rows.loc["Incident MTTR"]
    assert mttr["gap_text"].endswith(" h")


def test_units_are_shown_in_the_reader_s_language_and_stored_as_written(analysis):
    """Found by exploratory testing: '6.5 h' and '12 min' on the Chinese scorecard."""
    zh = scorecard_rows(analysis, "zh").set_index("name")
    en = scorecard_rows(analysis, "en").set_index("name")
    mttr = zh.loc["Incident MTTR"]
    assert mttr["unit"] == "h" and mttr["actual_text"].endswith(" 小时") and mttr["gap_text"].endswith(" 小时")
    assert mttr["reason"].startswith("未达标,差距") and " h" not in mttr["reason"]
    assert en.loc["Incident MTTR", "actual_text"].endswith(" h")
    minutes = zh[zh["unit"] == "min"]
    assert len(minutes) and minutes["actual_text"].str.endswith(" 分钟").all()
