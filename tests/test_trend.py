"""Mann–Kendall with ties, Sen's slope, verdicts and the forecast to target: by hand and against pymannkendall."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pymannkendall
import pytest

from analytics import trend
from analytics.trend import MK_COLUMNS, mann_kendall, periods_to_target, trend_verdict


def _frame(values, metric="m", start="2024-01-01"):
    periods = pd.date_range(start, periods=len(values), freq="MS")
    return pd.DataFrame({"metric": metric, "period": periods, "value": values})


def test_mann_kendall_worked_by_hand():
    x = [1, 2, 3, 2, 5, 4, 6]
    # S = sum over pairs i < j of sign(x_j - x_i), row by row:
    #   from x1=1: 2,3,2,5,4,6 all higher                      -> +6
    #   from x2=2: 3(+) 2(0) 5(+) 4(+) 6(+)                     -> +4
    #   from x3=3: 2(-) 5(+) 4(+) 6(+)                          -> +2
    #   from x4=2: 5(+) 4(+) 6(+)                               -> +3
    #   from x5=5: 4(-) 6(+)                                    ->  0
    #   from x6=4: 6(+)                                         -> +1
    s = 6 + 4 + 2 + 3 + 0 + 1                                   # 16
    # ties: the value 2 appears twice -> one group t = 2 contributes 2*1*(2*2+5) = 18
    var_s = (7 * 6 * (2 * 7 + 5) - 2 * 1 * (2 * 2 + 5)) / 18    # (798 - 18) / 18 = 43.333
    z = (s - 1) / math.sqrt(var_s)                               # 15 / 6.5828 = 2.2787
    p = 2 * (1 - 0.5 * (1 + math.erf(z / math.sqrt(2))))         # two-sided normal: 0.0227
    tau = s / (7 * 6 / 2)                                        # 16 / 21
    # Sen: the 21 pairwise slopes (x_j - x_i)/(j - i); their median (the 11th) is 5/6
    slopes = [(x[j] - x[i]) / (j - i) for i in range(7) for j in range(i + 1, 7)]
    sen = statistics.median(slopes)
    # intercept = median(x) - sen * median(t) = 3 - 5/6 * 3 = 0.5; fitted at t = 6: 0.5 + 5/6 * 6 = 5.5
    result = mann_kendall(_frame(x)).iloc[0]
    assert list(mann_kendall(_frame(x)).columns) == MK_COLUMNS
    assert (result["metric"], result["n"], result["S"]) == ("m", 7, 16)
    assert result["var_S"] == pytest.approx(var_s) and var_s == pytest.approx(43.3333, abs=1e-4)
    assert result["z"] == pytest.approx(z) and result["z"] == pytest.approx(2.2787, abs=1e-4)
    assert result["p"] == pytest.approx(p) and result["p"] == pytest.approx(0.0227, abs=1e-4)
    assert result["tau"] == pytest.approx(tau)
    assert result["sen_slope"] == pytest.approx(sen) and sen == pytest.approx(5 / 6)
    assert result["intercept"] == pytest.approx(0.5) and result["fitted_last"] == pytest.approx(5.5)
    assert bool(result["significant"])                           # 0.0227 < 0.05
    assert not bool(mann_kendall(_frame(x), alpha=0.01).iloc[0]["significant"])


def test_a_falling_series_by_hand():
    x = [5, 3, 4, 1]
    # S: from 5: -3; from 3: +1 -1 = 0; from 4: -1 -> -4; no ties: var_S = 4*3*13/18 = 8.6667
    # z = (S + 1)/sqrt(var_S) = -3 / 2.9439 = -1.0190; p = 0.3082
    result = mann_kendall(_frame(x)).iloc[0]
    assert result["S"] == -4 and result["var_S"] == pytest.approx(4 * 3 * 13 / 18)
    assert result["z"] == pytest.approx(-3 / math.sqrt(4 * 3 * 13 / 18))
    assert result["p"] == pytest.approx(0.3082, abs=1e-4) and not result["significant"]
    # slopes: -2, -1/2, -4/3, +1, -1, -3 -> sorted -3 -2 -4/3 -1 -1/2 1: median (-4/3 - 1)/2 = -7/6
    assert result["sen_slope"] == pytest.approx(-7 / 6)


def test_a_flat_series_has_no_trend():
    result = mann_kendall(_frame([4.0] * 6)).iloc[0]
    # all tied: var_S = (6*5*17 - 6*5*17)/18 = 0 -> z = 0, p = 1
    assert (result["S"], result["var_S"], result["z"], result["p"]) == (0, 0, 0, 1)
    assert result["sen_slope"] == 0 and not result["significant"]


@pytest.mark.parametrize("seed", range(8))
def test_matches_pymannkendall_on_series_with_ties(seed):
    rng = np.random.default_rng(seed)
    frames, expected = [], {}
    for k in range(5):
        x = np.round(rng.normal(0.1 * (k - 2), 1, 8 + 9 * k).cumsum(), 0)     # rounding makes ties
        frames.append(_frame(x, metric=f"m{k}"))
        expected[f"m{k}"] = (pymannkendall.original_test(x), pymannkendall.sens_slope(x))
    result = mann_kendall(pd.concat(frames).sample(frac=1, random_state=seed)).set_index("metric")
    for metric, (ref, sen) in expected.items():
        row = result.loc[metric]
        assert row["S"] == ref.s and row["var_S"] == pytest.approx(ref.var_s)
        assert row["z"] == pytest.approx(ref.z) and row["p"] == pytest.approx(ref.p)
        assert row["tau"] == pytest.approx(ref.Tau) and bool(row["significant"]) == ref.h
        assert row["sen_slope"] == pytest.approx(ref.slope) and row["intercept"] == pytest.approx(ref.intercept)
        assert row["sen_slope"] == pytest.approx(sen.slope) and row["intercept"] == pytest.approx(sen.intercept)


def test_chunks_give_the_same_answer_as_one_metric_at_a_time(monkeypatch):
    rng = np.random.default_rng(5)
    frame = pd.concat([_frame(np.round(rng.normal(0, 1, int(rng.integers(1, 30))).cumsum()), metric=k)
                       for k in range(40)])
    whole = mann_kendall(frame)
    monkeypatch.setattr(trend, "PAIR_BUDGET", 500)          # a handful of metrics per chunk
    chunked = mann_kendall(frame)
    pd.testing.assert_frame_equal(whole, chunked)
    for k in (0, 17, 39):
        alone = mann_kendall(frame[frame["metric"] == k]).iloc[0]
        row = whole.iloc[k]
        assert row["metric"] == k and row["S"] == alone["S"]
        assert row["sen_slope"] == pytest.approx(alone["sen_slope"], nan_ok=True)


def test_row_median_is_numpys_nanmedian_exactly():
    import warnings

    rng = np.random.default_rng(11)
    for width in (1, 2, 7, 120, 700):                     # short rows and the long (pairwise) ones
        a = np.round(rng.normal(0, 3, (40, width)), 1)   # ties
        a[rng.random(a.shape) < 0.3] = np.nan
        a[0] = np.nan                                     # a row with no value
        a[1, :] = 5.0                                     # a constant row
        a[2, ::3] = np.inf                                # infinities sort among the padding, same middle
        a[3, ::4] = -np.inf
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")                # "All-NaN slice"
            expected = np.nanmedian(a, axis=1)
        np.testing.assert_array_equal(trend._row_median(a), expected)
    full = np.round(rng.normal(0, 3, (30, 121)), 1)            # no missing cell at all: partitioned as it is
    np.testing.assert_array_equal(trend._row_median(full), np.median(full, axis=1))
    np.testing.assert_array_equal(trend._row_median(full[:, :120]), np.median(full[:, :120], axis=1))


def test_metrics_of_very_different_lengths_in_one_call(monkeypatch):
    # chunks group metrics by length: a long series must not change the answer for short ones
    rng = np.random.default_rng(8)
    lengths = [3, 120, 2, 60, 0, 119, 7, 1, 60]
    frame = pd.concat([_frame(np.round(rng.normal(0, 1, n).cumsum(), 1) if n else [np.nan], metric=k)
                       for k, n in enumerate(lengths)])
    monkeypatch.setattr(trend, "PAIR_BUDGET", 5000)
    together = mann_kendall(frame)
    assert together["metric"].tolist() == list(range(len(lengths)))
    for k in range(len(lengths)):
        alone = mann_kendall(frame[frame["metric"] == k])
        pd.testing.assert_frame_equal(together.iloc[[k]].reset_index(drop=True), alone, check_exact=True)


def test_a_missing_month_keeps_its_place_on_the_time_axis():
    frame = _frame([1.0, 2.0, np.nan, 4.0])
    # months 0, 1, 3 with values 1, 2, 4: slopes (2-1)/1 = 1, (4-1)/3 = 1, (4-2)/2 = 1
    result = mann_kendall(frame).iloc[0]
    assert result["n"] == 3 and result["sen_slope"] == pytest.approx(1.0)
    # intercept = median(1, 2, 4) - 1 * median(0, 1, 3) = 2 - 1 = 1; fitted at month 3: 1 + 3 = 4
    assert result["intercept"] == pytest.approx(1.0) and result["fitted_last"] == pytest.approx(4.0)
    # an unreported month (no row at all) is the same gap
    gap = _frame([1.0, 2.0, 4.0]).assign(period=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"]))
    assert mann_kendall(gap).iloc[0]["sen_slope"] == pytest.approx(1.0)


def test_text_periods_in_any_order_and_several_metrics():
    frame = pd.DataFrame({"metric": ["b", "a", "b", "a", "b", "a"],
                          "period": ["2024-03", "2024-03-31", "2024-01", "2024-01", "2024-02", "2024-02"],
                          "value": [3.0, 1.0, 1.0, 3.0, 2.0, 2.0]})
    result = mann_kendall(frame)
    assert result["metric"].tolist() == ["a", "b"] and result.index.tolist() == [0, 1]
    # a: 3, 2, 1 in time order -> S = -3, slope -1; b: 1, 2, 3 -> S = 3, slope +1
    assert result["S"].tolist() == [-3, 3] and result["sen_slope"].tolist() == [-1.0, 1.0]


def test_too_few_points():
    frame = pd.concat([_frame([5.0], "one"), _frame([1.0, 3.0], "two"), _frame([np.nan, np.nan], "none")])
    result = mann_kendall(frame).set_index("metric")
    assert result.loc["one", "n"] == 1 and result.loc["one", "p"] == 1 and not result.loc["one", "significant"]
    assert np.isnan(result.loc["one", "sen_slope"]) and result.loc["one", "S"] == 0
    # two points: no test (S 0, p 1), but the one pair's slope (3 - 1)/1 = 2 stands
    two = result.loc["two"]
    assert (two["n"], two["S"], two["z"], two["p"], two["significant"]) == (2, 0, 0, 1, False)
    assert two["sen_slope"] == 2.0 and two["intercept"] == pytest.approx(2 - 2 * 0.5)   # median 2, median t 0.5
    # a metric without any value is still reported
    assert result.loc["none", "n"] == 0 and result.loc["none", "p"] == 1 and np.isnan(result.loc["none", "sen_slope"])


def test_an_empty_frame():
    result = mann_kendall(pd.DataFrame({"metric": [], "period": pd.to_datetime([]), "value": []}))
    assert result.empty and list(result.columns) == MK_COLUMNS


@pytest.mark.parametrize("slope, significant, direction, verdict", [
    (0.5, True, "increase", "improving"), (-0.5, True, "increase", "worsening"),
    (-0.5, True, "decrease", "improving"), (0.5, True, "decrease", "worsening"),
    (0.5, False, "increase", "no_trend"), (0.0, True, "increase", "no_trend"),
    (float("nan"), True, "increase", "no_trend"), (0.5, True, "neutral", None), (0.5, True, None, None),
])
def test_trend_verdict(slope, significant, direction, verdict):
    table = pd.DataFrame({"sen_slope": [slope], "significant": [significant]}, index=[42])
    out = trend_verdict(table, pd.Series([direction], index=[42]))
    assert out.index.tolist() == [42] and out.iloc[0] == verdict


@pytest.mark.parametrize("last, slope, target, direction, expected", [
    (80, 2, 90, "increase", 5),          # (90 - 80) / 2 = 5 months exactly
    (80, 3, 90, "increase", 4),          # 10 / 3 = 3.33 -> reached in the 4th month
    (80.7, 0.1, 81.4, "increase", 7),    # 0.7 / 0.1 = 7 (6.999999... in floating point)
    (95, 2, 90, "increase", 0),          # already met
    (90, -2, 90, "increase", 0),         # met exactly, even though moving away
    (80, -1, 90, "increase", "never"),   # moving away
    (80, 0, 90, "increase", "never"),    # flat
    (10, -0.5, 8, "decrease", 4),        # (10 - 8) / 0.5 = 4
    (7, 0.5, 8, "decrease", 0),          # already below the target
    (10, 0.5, 8, "decrease", "never"),
    (10, 0.5, float("nan"), "decrease", None),
    (float("nan"), 0.5, 8, "decrease", None),
    (10, float("nan"), 8, "decrease", None),
    (10, 0.5, 8, "neutral", None),
])
def test_periods_to_target(last, slope, target, direction, expected):
    out = periods_to_target(pd.Series([last]), pd.Series([slope]), pd.Series([target]), pd.Series([direction]))
    assert out.dtype == object and out.iloc[0] == expected
    assert type(out.iloc[0]) is type(expected)                   # a plain int, not a float or numpy scalar


def test_periods_to_target_keeps_the_index():
    out = periods_to_target(pd.Series([1.0, 5.0], index=["x", "y"]), pd.Series([1.0, 1.0], index=["x", "y"]),
                            pd.Series([3.0, 3.0], index=["x", "y"]), pd.Series(["increase"] * 2, index=["x", "y"]))
    assert out.to_dict() == {"x": 2, "y": 0}
