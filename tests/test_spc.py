"""SPC exactly the Making Data Count way, checked against limits and rules worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.spc import spc


def _frame(values, direction="neutral", target=None, rebase=None, metric="m"):
    frame = pd.DataFrame({
        "metric": metric,
        "period": pd.date_range("2024-01-01", periods=len(values), freq="MS"),
        "value": [np.nan if v is None else float(v) for v in values],
        "improvement_direction": direction,
    })
    if target is not None:
        frame["target"] = float(target)
    if rebase is not None:
        frame["rebase"] = [1 if i in rebase else 0 for i in range(len(values))]
    return frame


def _points(values, **kw):
    return spc(_frame(values, **kw)).points


def test_limits_worked_by_hand():
    values = [10, 12, 11, 14, 13]
    mean = (10 + 12 + 11 + 14 + 13) / 5                  # 12.0
    amr = (2 + 1 + 3 + 1) / 4                            # moving ranges |12-10|, |11-12|, |14-11|, |13-14| -> 1.75
    # screening: 3.267 * 1.75 = 5.717; no range reaches it, so the mean moving range stays 1.75
    points = _points(values)
    assert points["mean"].iloc[0] == pytest.approx(mean)
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * amr)        # 16.655
    assert points["lpl"].iloc[0] == pytest.approx(mean - 2.66 * amr)        # 7.345
    assert points["upper_2sigma"].iloc[0] == pytest.approx(mean + 2.66 * 2 / 3 * amr)  # 15.1033...
    assert points["lower_2sigma"].iloc[0] == pytest.approx(mean - 1.77333333 * amr)
    assert (points["point_type"] == "common_cause").all()


def test_moving_ranges_are_screened_once():
    values = [10, 10, 11, 10, 30, 10, 11, 10]
    # ranges: 0, 1, 1, 20, 20, 1, 1 -> mean 44/7 = 6.2857; screen at 3.267 * 6.2857 = 20.535: nothing screened
    mean = sum(values) / 8                                # 102/8 = 12.75
    assert _points(values)["upl"].iloc[0] == pytest.approx(mean + 2.66 * 44 / 7)
    values = [10, 10, 11, 10, 10, 11, 10, 10, 11, 10, 60]
    # ranges: 0,1,1,0,1,1,0,1,1,50 -> mean 56/10 = 5.6; 3.267 * 5.6 = 18.295 screens the 50 out
    # recomputed mean moving range: 6/9 = 0.6667
    mean = sum(values) / 11                               # 163/11 = 14.818
    points = _points(values)
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * 6 / 9)
    assert points["outside_limits"].iloc[-1]


def test_moving_ranges_do_not_cross_a_missing_value():
    values = [10, 12, None, 20, 21]
    # ranges: |12-10| = 2, (none across the gap), |21-20| = 1 -> 1.5; mean of the 4 values = 63/4
    points = _points(values)
    assert points["mean"].iloc[0] == pytest.approx(63 / 4)
    assert points["upl"].iloc[0] == pytest.approx(63 / 4 + 2.66 * 1.5)
    assert points["point_type"].iloc[2] is None
    assert not points.loc[2, ["outside_limits", "shift", "trend", "two_of_three"]].any()


@pytest.mark.parametrize("run, flagged", [(6, False), (7, True), (8, True)])
def test_shift_needs_seven_points_on_one_side(run, flagged):
    values = [5] * 6 + [1] * run + [5] * 6      # the mean lies between 1 and 5; the 5s are runs of 6
    points = _points(values)
    assert points["shift"].tolist() == [False] * 6 + [flagged] * run + [False] * 6


def test_a_point_on_the_mean_breaks_a_shift():
    values = [1, 1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 5]        # mean (7 + 35) / 14 = 3.0: 7 below, 7 above
    assert _points(values)["shift"].all()
    values = [1, 1, 1, 3, 1, 1, 1, 5, 5, 5, 3, 5, 5, 5]        # (6 + 6 + 30) / 14 = 3.0: the 3s sit on the mean
    assert sum(values) / len(values) == 3.0
    assert not _points(values)["shift"].any()


def test_a_missing_value_breaks_a_shift():
    values = [1, 1, 1, None, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9]   # mean (7 + 63) / 14 = 5
    # below the mean: 3 points, a gap, 4 points (neither is 7); above: 7 points
    assert _points(values)["shift"].tolist() == [False] * 8 + [True] * 7


@pytest.mark.parametrize("values, flagged", [
    ([1, 2, 3, 4, 5, 6, 7], [True] * 7),                         # 7 rising points
    ([1, 2, 3, 4, 5, 6, 5], [False] * 7),                        # only 6 rising
    ([1, 2, 3, 3, 4, 5, 6, 7, 8], [False] * 9),                  # a tie breaks it: 3..8 is only 6 points
    ([1, 2, 3, 3, 4, 5, 6, 7, 8, 9], [False] * 3 + [True] * 7),  # 3..9 after the tie: 7 points
    ([9, 8, 7, 6, 5, 4, 3, 10], [True] * 7 + [False]),            # 7 falling points
])
def test_trend_is_seven_points_each_strictly_beyond_the_last(values, flagged):
    assert _points(values)["trend"].tolist() == flagged


def test_a_missing_value_breaks_a_trend():
    assert not _points([1, 2, 3, None, 4, 5, 6, 7])["trend"].any()


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    values = [10, 10.5, 9.5, 10, 10.5, 9.5, 10, 10.5, 9.5, 10, 12, 12.1, 10.5]
    points = _points(values)
    # by hand: mean = 134.6 / 13 = 10.3538
    # moving ranges .5, 1, .5, .5, 1, .5, .5, 1, .5, 2, .1, 1.6 sum to 9.7: mean moving range 9.7 / 12 = 0.80833
    mean, amr = 134.6 / 13, 9.7 / 12
    assert points["mean"].iloc[0] == pytest.approx(mean)
    assert points["upper_2sigma"].iloc[0] == pytest.approx(mean + 1.7733333 * amr, abs=1e-6)   # 11.787
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * amr)                           # 12.504
    # 12 and 12.1 lie between 11.787 and 12.504; the window 12, 12.1, 10.5 is all above the mean:
    # only the two points beyond the 2-sigma line are flagged. (10, 12, 12.1) is not: 10 is below the mean.
    assert points["two_of_three"].tolist() == [False] * 10 + [True, True, False]
    assert points["point_type"].tolist()[10:] == ["special_cause_neutral_high"] * 2 + ["common_cause"]
    # the same two points with the third below the mean are not a signal (NHSRplotthedots' rule)
    values[-1] = 10.2
    assert not _points(values)["two_of_three"].any()


def test_two_of_three_on_opposite_sides_is_not_a_signal():
    # NHSRplotthedots' own published case: symmetrical data with two successive points near
    # opposite limits are common cause
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    points = _points(values)
    assert points["point_type"].tail(2).tolist() == ["common_cause", "common_cause"]


def test_an_outside_point_is_not_close_to_the_limits():
    values = [10, 10.5, 9.5, 10, 10.5, 9.5, 10, 10.5, 9.5, 10, 20, 11.9, 10.3]
    points = _points(values)
    assert points["outside_limits"].iloc[10]
    assert not points["two_of_three"].iloc[10]


@pytest.mark.parametrize("direction, high, low", [
    ("increase", "special_cause_improvement", "special_cause_concern"),
    ("decrease", "special_cause_concern", "special_cause_improvement"),
    ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
])
def test_point_classes_follow_the_direction(direction, high, low):
    values = [10, 11, 10, 11, 10, 11, 10, 11, 30, 10, 11, 10, -10, 11]
    points = _points(values, direction=direction)
    assert points["point_type"].iloc[8] == high and points["point_type"].iloc[12] == low


def test_a_rising_trend_below_the_mean_is_an_improvement_for_an_increase_metric():
    # outside > trend > two-of-three > shift: a rising trend decides by its direction, not by the side
    values = [20, 20, 20, 20, 20, 20, 20, 1, 2, 3, 4, 5, 6, 7]
    points = _points(values, direction="increase")
    rising = points.iloc[7:]
    assert rising["trend"].all() and rising["shift"].all()
    assert (rising[~rising["outside_limits"]]["point_type"] == "special_cause_improvement").all()


@pytest.mark.parametrize("values, direction, target, variation, assurance", [
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", 5, "common_cause", "consistent_pass"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", 20, "common_cause", "consistent_fail"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "decrease", 5, "common_cause", "consistent_fail"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "decrease", 20, "common_cause", "consistent_pass"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", 10.5, "common_cause", "hit_and_miss"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "neutral", 10.5, "common_cause", "none"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", None, "common_cause", "none"),
    ([10, 11, 10, 11, 10, 11, 10, 30], "increase", None, "improvement_high", "none"),
    ([10, 11, 10, 11, 10, 11, 10, 30], "decrease", None, "concern_high", "none"),
    ([10, 11, 10, 11, 10, 11, 10, -9], "increase", None, "concern_low", "none"),
    ([10, 11, 10, 11, 10, 11, 10, -9], "decrease", None, "improvement_low", "none"),
    ([10, 11, 10, 11, 10, 11, 10, 30], "neutral", None, "neutral_high", "none"),
    ([10, 11, 10, 11, 10, 11, 10, -9], "neutral", None, "neutral_low", "none"),
])
def test_variation_and_assurance(values, direction, target, variation, assurance):
    # limits of 10/11 alternating: mean 10.5, moving range 1, so 10.5 ± 2.66 = 7.84 .. 13.16
    summary = spc(_frame(values, direction=direction, target=target)).summary.iloc[0]
    assert (summary["variation"], summary["assurance"]) == (variation, assurance)


def test_edge_one_point():
    points = _points([7])
    assert points["mean"].iloc[0] == 7 and np.isnan(points["upl"].iloc[0])
    assert points["point_type"].iloc[0] == "common_cause"


def test_edge_constant_series():
    points = _points([5] * 10, direction="increase")
    assert (points["mean"] == 5).all() and (points["upl"] == 5).all() and (points["lpl"] == 5).all()
    assert (points["point_type"] == "common_cause").all()


def test_edge_all_missing():
    result = spc(_frame([None, None, None], direction="increase", target=3))
    assert result.points["point_type"].isna().all() and result.points["mean"].isna().all()
    assert result.summary.iloc[0][["variation", "assurance"]].tolist() == [None, "none"]


def test_edge_segment_of_two_points():
    points = _points([1, 2, 3, 10, 14], rebase=[3])
    second = points.iloc[3:]
    assert (second["segment"] == 1).all()
    assert second["mean"].iloc[0] == 12 and second["upl"].iloc[0] == pytest.approx(12 + 2.66 * 4)


def test_rebase_on_the_first_and_the_last_point():
    first = _points([1, 2, 3, 4], rebase=[0])
    assert (first["segment"] == 0).all() and first["mean"].iloc[0] == 2.5
    last = _points([1, 2, 3, 4], rebase=[3])
    assert last["segment"].tolist() == [0, 0, 0, 1]
    assert last["mean"].iloc[3] == 4 and np.isnan(last["upl"].iloc[3])
    assert last["mean"].iloc[0] == 2


def test_fix_after_takes_the_limits_from_the_first_points():
    values = [10, 12, 11, 13, 30, 31, 32]
    points = spc(_frame(values), fix_after=4).points
    # first 4 points: mean 46/4 = 11.5, ranges 2, 1, 2 -> 5/3
    assert points["mean"].iloc[-1] == pytest.approx(11.5)
    assert points["upl"].iloc[-1] == pytest.approx(11.5 + 2.66 * 5 / 3)
    assert points["outside_limits"].iloc[4:].all()


def test_several_metrics_in_any_order_keep_the_input_order():
    a = _frame([10, 11, 10, 11, 10, 30], metric="a", direction="increase")
    b = _frame([5, 5, 6, 5], metric="b", direction="decrease")
    frame = pd.concat([a, b]).sample(frac=1, random_state=3)
    frame.index = [f"r{i}" for i in range(len(frame))]
    result = spc(frame)
    assert result.points.index.tolist() == frame.index.tolist()
    assert result.points["value"].tolist() == frame["value"].tolist()
    alone = spc(a).points
    merged = result.points[result.points["metric"] == "a"].sort_values("period")
    assert merged["upl"].tolist() == pytest.approx(alone["upl"].tolist())
    assert result.summary["metric"].tolist() == ["a", "b"]


def test_published_example_nhsrplotthedots_snapshot():
    # NHSRplotthedots' own published test (tests/testthat/_snaps/ptd_spc_standard.md): R's
    # set.seed(123); rnorm(20) gives these values, and ptd reports mean 0.142, lpl -3.01, upl 3.29
    y = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
         -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
         0.49785048, -1.96661716, 0.70135590, -0.47279141]
    points = _points(y)
    assert round(points["mean"].iloc[0], 3) == 0.142
    assert round(points["lpl"].iloc[0], 2) == -3.01 and round(points["upl"].iloc[0], 2) == 3.29
    assert not points["outside_limits"].any()
    # and by hand: the 19 moving ranges average 1.19745..., none reaches 3.267 times that
    ranges = [abs(b - a) for a, b in zip(y, y[1:])]
    amr = sum(ranges) / 19
    assert max(ranges) < 3.267 * amr
    assert points["upl"].iloc[0] == pytest.approx(sum(y) / 20 + 2.66 * amr)
