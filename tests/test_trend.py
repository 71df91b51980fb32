"""Mann–Kendall with ties, Sen's slope, verdicts and the forecast to target."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pymannkendall
import pytest

from analytics.trend import mann_kendall, periods_to_target, trend_verdict


def _frame(values, metric="m", start="2024-01-01"):
    periods = pd.date_range(start, periods=len(values), freq="MS")
    return pd.DataFrame({"metric": metric, "period": periods, "value": values})


def test_mann_kendall_worked_by_hand():
    x = [1, 2, 3, 2, 5, 4, 6]
    # S: from 1: +6; from 2: +1 +0 +1 +1 +1 = +4; from 3: -1 +1 +1 +1 = +2; from 2: +3; from 5: -1 +1 = 0; from 4: +1
    s = 6 + 4 + 2 + 3 + 0 + 1                                   # 16
    # ties: the value 2 twice -> t = 2 contributes 2*1*(2*2+5) = 18
    var_s = (7 * 6 * (2 * 7 + 5) - 18) / 18                      # (798 - 18) / 18 = 43.333
    z = (s - 1) / math.sqrt(var_s)                               # 15 / 6.5828 = 2.2787
    p = 2 * (1 - 0.5 * (1 + math.erf(z / math.sqrt(2))))         # 0.0227
    slopes = [(x[j] - x[i]) / (j - i) for i in range(7) for j in range(i + 1, 7)]
    sen = statistics.median(slopes)                              # 21 pairwise slopes: the 11th is 5/6
    result = mann_kendall(_frame(x)).iloc[0]
    assert (result["n"], result["S"]) == (7, 16)
    assert result["var_S"] == pytest.approx(var_s)
    assert result["z"] == pytest.approx(z) and result["z"] == pytest.approx(2.2787, abs=1e-4)
    assert result["p"] == pytest.approx(p) and result["p"] == pytest.approx(0.0227, abs=1e-4)
    assert result["tau"] == pytest.approx(16 / 21)
    assert result["sen_slope"] == pytest.approx(sen) and sen == pytest.approx(5 / 6)
    assert bool(result["significant"])


@pytest.mark.parametrize("seed", range(6))
def test_matches_pymannkendall_on_series_with_ties(seed):
    rng = np.random.default_rng(seed)
    frames, expected = [], {}
    for k in range(4):
        x = np.round(rng.normal(0, 1, 10 + 7 * k).cumsum(), 0)         # rounding makes ties
        frames.append(_frame(x, metric=f"m{k}"))
        expected[f"m{k}"] = pymannkendall.original_test(x)
    result = mann_kendall(pd.concat(frames)).set_index("metric")
    for metric, ref in expected.items():
        row = result.loc[metric]
        assert row["S"] == ref.s and row["var_S"] == pytest.approx(ref.var_s)
        assert row["z"] == pytest.approx(ref.z) and row["p"] == pytest.approx(ref.p)
        assert row["sen_slope"] == pytest.approx(ref.slope) and row["intercept"] == pytest.approx(ref.intercept)


def test_a_missing_month_keeps_its_place_on_the_time_axis():
    frame = _frame([1.0, 2.0, np.nan, 4.0])
    # months 0, 1, 3 with values 1, 2, 4: slopes (2-1)/1 = 1, (4-1)/3 = 1, (4-2)/2 = 1
    result = mann_kendall(frame).iloc[0]
    assert result["n"] == 3 and result["sen_slope"] == pytest.approx(1.0)
    assert result["fitted_last"] == pytest.approx(4.0)


def test_too_few_points():
    result = mann_kendall(pd.concat([_frame([5.0], "one"), _frame([1.0, 3.0], "two")])).set_index("metric")
    assert result.loc["one", "p"] == 1 and not result.loc["one", "significant"]
    assert result.loc["two", "sen_slope"] == 2.0 and result.loc["two", "p"] == 1


@pytest.mark.parametrize("slope, significant, direction, verdict", [
    (0.5, True, "increase", "improving"), (-0.5, True, "increase", "worsening"),
    (-0.5, True, "decrease", "improving"), (0.5, True, "decrease", "worsening"),
    (0.5, False, "increase", "no_trend"), (0.0, True, "increase", "no_trend"),
    (0.5, True, "neutral", None),
])
def test_trend_verdict(slope, significant, direction, verdict):
    table = pd.DataFrame({"sen_slope": [slope], "significant": [significant]})
    assert trend_verdict(table, pd.Series([direction])).iloc[0] == verdict


@pytest.mark.parametrize("last, slope, target, direction, expected", [
    (80, 2, 90, "increase", 5),          # (90 - 80) / 2 = 5 months
    (80, 3, 90, "increase", 4),          # 10 / 3 = 3.33 -> the 4th month
    (95, 2, 90, "increase", 0),          # already met
    (80, -1, 90, "increase", "never"),   # moving away
    (80, 0, 90, "increase", "never"),
    (10, -0.5, 8, "decrease", 4),        # (10 - 8) / 0.5 = 4
    (10, 0.5, 8, "decrease", "never"),
    (10, 0.5, float("nan"), "decrease", None),
    (10, 0.5, 8, "neutral", None),
])
def test_periods_to_target(last, slope, target, direction, expected):
    out = periods_to_target(pd.Series([last]), pd.Series([slope]), pd.Series([target]), pd.Series([direction]))
    assert out.iloc[0] == expected
