"""The XmR figure's axes: a tick per month on a short series, the value axis's own steps in full."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.charts import xmr_figure


def _points(months: int, values=None) -> pd.DataFrame:
    values = values if values is not None else [float(i % 3) for i in range(months)]
    return pd.DataFrame({
        "period": pd.date_range("2026-03-01", periods=months, freq="MS"), "value": values,
        "segment": 0, "mean": 1.0, "lpl": -1.9, "upl": 3.9, "target": float("nan"), "rebase": False,
        "point_type": "common_cause", "outside_limits": False, "trend": False, "two_of_three": False,
        "shift": False})


@pytest.mark.parametrize("months, dtick", [(1, "M1"), (5, "M1"), (12, "M1"), (13, None), (60, None)])
def test_a_short_series_has_one_tick_per_month(months, dtick):
    # five months drawn by plotly's own choice of ticks got one every half month: each month written twice
    figure = xmr_figure(_points(months), title="t", unit="count", decimals=0, lang="zh")
    assert figure.layout.xaxis.dtick == dtick and figure.layout.xaxis.tickformat == "%Y-%m"


def test_the_value_axis_is_not_rounded_to_the_metric_decimals():
    # a count (0 decimals) of 0s and 1s: plotly steps by 0.5, which ",.0f" wrote as 1, 1, 0, -1, -1
    figure = xmr_figure(_points(4, [0.0, 1.0, 0.0, 1.0]), title="t", unit="count", decimals=0, lang="en")
    assert figure.layout.yaxis.tickformat == ","
    hovers = [text for trace in figure.data if trace.hovertext for text in trace.hovertext]
    assert [text.split("<br>")[0] for text in hovers] == [                     # the points keep 0 decimals
        "2026-03: 0 count", "2026-04: 1 count", "2026-05: 0 count", "2026-06: 1 count"]


@pytest.mark.parametrize("unit, lang, axis, hover", [
    ("count", "zh", "个", "2026-03: 0 个"), ("score", "zh", "分", "2026-03: 0 分"),   # found by exploratory testing
    ("count", "en", "count", "2026-03: 0 count"), ("h", "zh", "h", "2026-03: 0 h"), ("%", "zh", "%", "2026-03: 0%"),
])
def test_a_count_or_score_is_named_in_the_reader_s_language(unit, lang, axis, hover):
    figure = xmr_figure(_points(2, [0.0, 1.0]), title="t", unit=unit, decimals=0, lang=lang)
    assert figure.layout.yaxis.title.text == axis
    assert next(text for trace in figure.data if trace.hovertext for text in trace.hovertext).split("<br>")[0] == hover
