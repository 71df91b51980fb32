"""SPC exactly the Making Data Count way, checked against limits and rules worked out by hand,
two published XmR examples, a plain loop-by-loop reference of the rules, and the `spc` command's
file reading and writing."""

from __future__ import annotations

import itertools
import json
import math
import statistics

import numpy as np
import pandas as pd
import pytest

from analytics.errors import InputRefused
from analytics.spc import POINT_COLUMNS, spc
from analytics.spc_io import SPC_COLUMNS, read_spc_input, spc_json, spc_table

RULES = ["outside_limits", "shift", "trend", "two_of_three"]


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


def _points(values, fix_after=None, **kw):
    return spc(_frame(values, **kw), fix_after=fix_after).points


# a baseline for rules tests: 10, 11 alternating, limits fixed from these 8 points with fix_after=8
# mean = (4*10 + 4*11)/8 = 10.5; every moving range is 1, so amr = 7/7 = 1
# upl = 10.5 + 2.66*1 = 13.16, lpl = 10.5 - 2.66 = 7.84
# upper_2sigma = 10.5 + 1.77333 = 12.27333, lower_2sigma = 10.5 - 1.77333 = 8.72667
BASE = [10, 11] * 4


# --------------------------------------------------------------------------- limits

def test_limits_worked_by_hand():
    values = [10, 12, 11, 14, 13]
    mean = (10 + 12 + 11 + 14 + 13) / 5                  # 12.0
    amr = (2 + 1 + 3 + 1) / 4                            # |12-10|, |11-12|, |14-11|, |13-14| -> 1.75
    # screening: 3.267 * 1.75 = 5.717; no range reaches it, so the mean moving range stays 1.75
    points = _points(values)
    assert points["mean"].tolist() == pytest.approx([mean] * 5)
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * amr)                     # 16.655
    assert points["lpl"].iloc[0] == pytest.approx(mean - 2.66 * amr)                     # 7.345
    assert points["upper_2sigma"].iloc[0] == pytest.approx(mean + 2.66 * 2 / 3 * amr)    # 15.10333
    assert points["lower_2sigma"].iloc[0] == pytest.approx(mean - 1.7733333333 * amr)    # 8.89667
    assert (points["point_type"] == "common_cause").all()
    assert list(points.columns) == POINT_COLUMNS


def test_published_example_montgomery_individuals_chart():
    # Montgomery, Introduction to Statistical Quality Control, Example 6.5 (Table 6.6): the cost of
    # processing mortgage loan applications, 20 weeks. Published: x-bar = 300.5, MR-bar = 7.79,
    # UCL = 321.22, LCL = 279.78 (with 3/d2 = 3/1.128 = 2.66), all points in control.
    x = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304]
    mean = 6010 / 20                                      # 300.5
    # moving ranges: 22 9 1 9 4 9 3 11 2 12 5 2 2 15 19 2 13 5 3 -> sum 148
    amr = (22 + 9 + 1 + 9 + 4 + 9 + 3 + 11 + 2 + 12 + 5 + 2 + 2 + 15 + 19 + 2 + 13 + 5 + 3) / 19   # 7.789
    assert sum(x) == 6010 and amr == pytest.approx(7.79, abs=0.005)
    # screening: 3.267 * 7.789 = 25.45 > the largest range 22, so nothing is screened out
    points = _points(x)
    assert points["mean"].iloc[0] == pytest.approx(mean)
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * amr)     # 321.22
    assert points["lpl"].iloc[0] == pytest.approx(mean - 2.66 * amr)     # 279.78
    assert round(points["upl"].iloc[0], 2) == 321.22 and round(points["lpl"].iloc[0], 2) == 279.78
    assert not points["outside_limits"].any()


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
    ranges = [abs(b - a) for a, b in itertools.pairwise(y)]
    amr = sum(ranges) / 19                                # 1.19745...; none reaches 3.267 times that
    assert max(ranges) < 3.267 * amr
    assert points["upl"].iloc[0] == pytest.approx(sum(y) / 20 + 2.66 * amr)


def test_moving_ranges_are_screened_once():
    values = [10, 10, 11, 10, 30, 10, 11, 10]
    # ranges: 0, 1, 1, 20, 20, 1, 1 -> 44/7 = 6.2857; screen at 3.267 * 6.2857 = 20.535: nothing screened
    mean = sum(values) / 8                                # 102/8 = 12.75
    assert _points(values)["upl"].iloc[0] == pytest.approx(mean + 2.66 * 44 / 7)
    values = [10, 10, 11, 10, 10, 11, 10, 10, 11, 10, 60]
    # ranges: 0,1,1,0,1,1,0,1,1,50 -> 56/10 = 5.6; 3.267 * 5.6 = 18.295 screens the 50 out
    # recomputed from the 9 kept ranges: 6/9 = 0.6667 (and only once: 3.267 * 0.667 = 2.18 would keep all)
    mean = sum(values) / 11                               # 163/11 = 14.818
    points = _points(values)
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * 6 / 9)
    assert points["outside_limits"].iloc[-1]


def test_screening_is_strict():
    # ranges 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, r: amr = (10 + r)/11; r is screened out only if r >= 3.267*amr.
    # r = 3.267*10/(11-3.267) = 4.2247 exactly on the line: 'mr < 3.267*amr' keeps values strictly below
    r_line = 3.267 * 10 / (11 - 3.267)
    values = [0, 1] * 5 + [0]                             # 10 ranges of 1
    values_kept = values + [r_line - 0.01]                # just below the line: kept
    values_screened = values + [r_line + 0.01]            # just above: screened
    kept = _points(values_kept)["upl"].iloc[0] - _points(values_kept)["mean"].iloc[0]
    screened = _points(values_screened)["upl"].iloc[0] - _points(values_screened)["mean"].iloc[0]
    assert kept == pytest.approx(2.66 * (10 + r_line - 0.01) / 11)
    assert screened == pytest.approx(2.66 * 10 / 10)


def test_moving_ranges_do_not_cross_a_missing_value():
    values = [10, 12, None, 20, 21]
    # ranges: |12-10| = 2, (none across the gap), |21-20| = 1 -> 1.5; mean of the 4 values = 63/4
    points = _points(values)
    assert points["mean"].iloc[0] == pytest.approx(63 / 4)
    assert points["upl"].iloc[0] == pytest.approx(63 / 4 + 2.66 * 1.5)
    assert points["point_type"].iloc[2] is None and np.isnan(points["value"].iloc[2])
    assert not points.loc[2, RULES].any()


# --------------------------------------------------------------------------- shift

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


def test_a_segment_boundary_breaks_a_shift():
    # one segment: mean (7*1 + 7*9)/14 = 5 and 7 points on each side -> all flagged
    values = [1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9]
    assert _points(values)["shift"].all()
    # rebased so segment 1 is [1, 1, 1, 9, 9, 9, 9, 9, 9, 9] with mean (3 + 63)/10 = 6.6: the seven 9s
    # are above it; segment 0 = [1, 1, 1, 1] has mean 1 and every point on the mean
    points = _points(values, rebase=[4])
    assert points["shift"].tolist() == [False] * 7 + [True] * 7
    # and the run of 1s does not continue from segment 0 into segment 1
    values = [5, 5, 1, 1, 1, 1, 1, 1, 1, 5, 5]
    assert _points(values)["shift"].tolist()[2:9] == [True] * 7
    assert not _points(values, rebase=[5])["shift"].any()


# --------------------------------------------------------------------------- trend

@pytest.mark.parametrize("values, flagged", [
    ([1, 2, 3, 4, 5, 6, 7], [True] * 7),                         # 7 rising points
    ([1, 2, 3, 4, 5, 6, 5], [False] * 7),                        # only 6 rising
    ([1, 2, 3, 3, 4, 5, 6, 7, 8], [False] * 9),                  # a tie breaks it: 3..8 is only 6 points
    ([1, 2, 3, 3, 4, 5, 6, 7, 8, 9], [False] * 3 + [True] * 7),  # 3..9 after the tie: 7 points
    ([9, 8, 7, 6, 5, 4, 3, 10], [True] * 7 + [False]),           # 7 falling points
    ([5, 1, 2, 3, 4, 5, 6, 7, 0], [False] + [True] * 7 + [False]),
])
def test_trend_is_seven_points_each_strictly_beyond_the_last(values, flagged):
    assert _points(values)["trend"].tolist() == flagged


def test_a_missing_value_breaks_a_trend():
    assert _points([1, 2, 3, 4, 5, 6, 7])["trend"].all()
    assert not _points([1, 2, 3, None, 4, 5, 6, 7])["trend"].any()


def test_a_segment_boundary_breaks_a_trend():
    assert not _points([1, 2, 3, 4, 5, 6, 7, 8], rebase=[4])["trend"].any()     # 4 + 4 points


def test_a_falling_trend_is_a_concern_for_an_increase_metric():
    # limits fixed from BASE: mean 10.5, 7.84 .. 13.16; the 7 falling points are all above the mean
    # (with the 11 before them, 8 in a row: a shift, side +1) but the falling trend (-1) decides
    points = _points(BASE + [13, 12.5, 12, 11.5, 11, 10.8, 10.6], fix_after=8, direction="increase")
    tail = points.iloc[8:]
    assert tail["trend"].all() and tail["shift"].all() and not tail["outside_limits"].any()
    assert (tail["point_type"] == "special_cause_concern").all()
    assert points["point_type"].iloc[7] == "special_cause_improvement"      # the 11: shift only


# --------------------------------------------------------------------------- two of three

def test_two_of_three_beyond_two_sigma_on_the_same_side():
    values = [10, 10.5, 9.5, 10, 10.5, 9.5, 10, 10.5, 9.5, 10, 12, 12.1, 10.5]
    points = _points(values)
    # mean = 134.6 / 13 = 10.3538
    # moving ranges .5, 1, .5, .5, 1, .5, .5, 1, .5, 2, .1, 1.6 sum to 9.7: amr = 9.7 / 12 = 0.80833
    mean, amr = 134.6 / 13, 9.7 / 12
    assert points["mean"].iloc[0] == pytest.approx(mean)
    assert points["upper_2sigma"].iloc[0] == pytest.approx(mean + 1.7733333 * amr, abs=1e-6)   # 11.787
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * amr)                           # 12.504
    # 12 and 12.1 lie between 11.787 and 12.504; the window 12, 12.1, 10.5 is all above the mean:
    # only the two points beyond the 2-sigma line are flagged (not 10.5). (10, 12, 12.1) is not a
    # trigger: 10 is below the mean.
    assert points["two_of_three"].tolist() == [False] * 10 + [True, True, False]
    assert points["point_type"].tolist()[10:] == ["special_cause_neutral_high"] * 2 + ["common_cause"]
    # the same two points with the third below the mean are not a signal (NHSRplotthedots' rule)
    values[-1] = 10.2
    assert not _points(values)["two_of_three"].any()


@pytest.mark.parametrize("tail, flags", [
    # with BASE's fixed limits: close = between 12.27333 and 13.16 (or 7.84 and 8.72667)
    ([12.5, 12.6, 10.6], [True, True, False]),    # 2 close + one above the mean: the 2 close ones
    ([12.5, 10.6, 12.6], [True, False, True]),    # not adjacent: still 2 of 3
    ([12.5, 12.6, 12.7], [True, True, True]),     # 3 of 3
    ([8.5, 8.6, 10.4], [True, True, False]),      # low side
    ([12.5, 10.6, 10.6], [False, False, False]),  # only 1 of 3
    ([14.0, 12.6, 10.6], [False, False, False]),  # 14 is outside the limits, so not 'close': 1 of 3
    ([12.5, 8.6, 12.6], [False, False, False]),   # close on opposite sides
    ([12.5, 10.4, 12.6], [False, False, False]),  # 10.4 is below the mean 10.5: not all on one side
    ([12.5, None, 12.6], [False, False, False]),  # a missing value in the window: no trigger
    ([12.5, 10.5, 12.6], [False, False, False]),  # a point on the mean: not all on one side
])
def test_two_of_three_flags_only_the_close_points_of_a_triggering_window(tail, flags):
    # BASE ends ... 10, 11 (11 is above the mean but not close); 10.6 and 10.4 are not close
    points = _points(BASE + [10.0] + tail + [10.0], fix_after=8)
    assert points["two_of_three"].tolist() == [False] * 9 + flags + [False]


def test_two_of_three_does_not_span_a_segment_boundary():
    values = [10, 11, 10, 11, 12.4, 12.4, 10.5, 11]
    # one segment: mean 88.2/8 = 11.025; ranges 1,1,1,1.4,0,1.9,.5 = 6.8/7 = 0.9714;
    # upper_2sigma = 11.025 + 1.77333*0.9714 = 12.7477 -> the 12.4s are not close; so use fix_after:
    # limits from the first 4 points: mean 10.5, amr 1 -> close above 12.27333; (12.4, 12.4, x) triggers
    points = _points(values, fix_after=4)
    assert points["two_of_three"].tolist()[4:6] == [True, True]
    # a rebase between the two 12.4s: each segment has only one of them
    points = _points([10, 11, 10, 11, 12.4, 12.5, 10.5, 11, 10.4, 11], fix_after=4, rebase=[5])
    assert not points["two_of_three"].any()


# --------------------------------------------------------------------------- point types and priority

@pytest.mark.parametrize("direction, high, low", [
    ("increase", "special_cause_improvement", "special_cause_concern"),
    ("decrease", "special_cause_concern", "special_cause_improvement"),
    ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
])
def test_point_classes_follow_the_direction(direction, high, low):
    values = [10, 11, 10, 11, 10, 11, 10, 11, 30, 10, 11, 10, -10, 11]
    points = _points(values, direction=direction)
    assert points["outside_limits"].tolist() == [False] * 8 + [True] + [False] * 3 + [True, False]
    assert points["point_type"].iloc[8] == high and points["point_type"].iloc[12] == low
    assert (points["point_type"].drop([8, 12]) == "common_cause").all()


@pytest.mark.parametrize("direction, outside_type, trend_type", [
    ("increase", "special_cause_improvement", "special_cause_concern"),
    ("decrease", "special_cause_concern", "special_cause_improvement"),
    ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
])
def test_priority_outside_then_trend_then_two_of_three_then_shift(direction, outside_type, trend_type):
    # limits fixed from BASE: mean 10.5, upl 13.16, upper_2sigma 12.27333
    # then 14 (outside, high), and a falling trend 14 > 12.9 > ... > 12.4 (7 points);
    # 12.9 .. 12.4 are all close above the mean (two of three, side +1) and the 11 and those 7
    # points are 8 in a row above the mean (shift, side +1)
    points = _points(BASE + [14, 12.9, 12.8, 12.7, 12.6, 12.5, 12.4], fix_after=8, direction=direction)
    tail = points.iloc[8:]
    assert tail["outside_limits"].tolist() == [True] + [False] * 6
    assert tail["trend"].all() and tail["shift"].all() and points["shift"].iloc[7]
    assert tail["two_of_three"].tolist() == [False] + [True] * 6
    # 14: outside beats the falling trend -> its side, +1
    assert tail["point_type"].iloc[0] == outside_type
    # 12.9 .. 12.4: the falling trend (-1) beats two-of-three and the shift (+1)
    assert (tail["point_type"].iloc[1:] == trend_type).all()
    # the 11 before them is only in the shift: +1
    assert points["point_type"].iloc[7] == outside_type


RISING_BELOW = BASE + [8.0, 8.3, 8.6, 8.9, 9.2, 9.5, 9.8]


def test_a_rising_trend_below_the_mean_is_an_improvement_for_an_increase_metric():
    # limits fixed from BASE: mean 10.5, lpl 7.84, lower_2sigma 8.72667. The 7 rising points are all
    # below the mean (a shift, side -1) and 8.0, 8.3, 8.6 are close to the lower limit (two of three,
    # side -1), but the rising trend (+1) decides: improvement for an increase metric
    points = _points(RISING_BELOW, fix_after=8, direction="increase")
    rising = points.iloc[8:]
    assert rising["trend"].all() and rising["shift"].all() and not rising["outside_limits"].any()
    assert rising["two_of_three"].tolist() == [True] * 3 + [False] * 4
    assert (rising["point_type"] == "special_cause_improvement").all()
    points = _points(RISING_BELOW, fix_after=8, direction="decrease")
    assert (points["point_type"].iloc[8:] == "special_cause_concern").all()


# --------------------------------------------------------------------------- summary

@pytest.mark.parametrize("values, direction, target, variation, assurance", [
    # 10/11 alternating: mean 10.5, every moving range 1, limits 10.5 -+ 2.66 = 7.84 .. 13.16
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", 5, "common_cause", "consistent_pass"),    # 5 < 7.84
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", 20, "common_cause", "consistent_fail"),   # 20 > 13.16
    ([10, 11, 10, 11, 10, 11, 10, 11], "decrease", 5, "common_cause", "consistent_fail"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "decrease", 20, "common_cause", "consistent_pass"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", 10.5, "common_cause", "hit_and_miss"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "decrease", 13.16, "common_cause", "hit_and_miss"),   # on the limit
    ([10, 11, 10, 11, 10, 11, 10, 11], "neutral", 10.5, "common_cause", "none"),
    ([10, 11, 10, 11, 10, 11, 10, 11], "increase", None, "common_cause", "none"),
    # a last point of 30: mean (4*10 + 3*11 + 30)/8 = 12.875; ranges 1,1,1,1,1,1,19 -> 25/7 = 3.571;
    # 3.267*3.571 = 11.67 screens the 19 -> amr 1; upl 15.535 < 30
    ([10, 11, 10, 11, 10, 11, 10, 30], "increase", None, "improvement_high", "none"),
    ([10, 11, 10, 11, 10, 11, 10, 30], "decrease", None, "concern_high", "none"),
    ([10, 11, 10, 11, 10, 11, 10, 30], "neutral", None, "neutral_high", "none"),
    # a last point of -9: mean (73 - 9)/8 = 8; the 20 range is screened -> amr 1; lpl 5.34 > -9
    ([10, 11, 10, 11, 10, 11, 10, -9], "increase", None, "concern_low", "none"),
    ([10, 11, 10, 11, 10, 11, 10, -9], "decrease", None, "improvement_low", "none"),
    ([10, 11, 10, 11, 10, 11, 10, -9], "neutral", None, "neutral_low", "none"),
])
def test_variation_and_assurance(values, direction, target, variation, assurance):
    summary = spc(_frame(values, direction=direction, target=target)).summary.iloc[0]
    assert (summary["variation"], summary["assurance"]) == (variation, assurance)


def test_variation_comes_from_the_last_point_with_a_value():
    # 30 is outside (improvement_high); the month after it is missing
    summary = spc(_frame([10, 11, 10, 11, 10, 11, 10, 30, None], direction="increase")).summary
    assert summary["variation"].iloc[0] == "improvement_high"


def test_variation_of_a_trend_takes_the_trend_direction():
    # a rising trend that ends below the mean: improvement_high (the trend rises), not _low
    summary = spc(_frame(RISING_BELOW, direction="increase"), fix_after=8).summary
    assert summary["variation"].iloc[0] == "improvement_high"
    summary = spc(_frame(RISING_BELOW, direction="neutral"), fix_after=8).summary
    assert summary["variation"].iloc[0] == "neutral_high"


def test_assurance_uses_the_last_segment_and_the_last_target():
    values = [10, 11, 10, 11, 20, 21, 20, 21]
    frame = _frame(values, direction="increase", rebase=[4])
    # segment 1: mean 20.5, amr 1 -> 17.84 .. 23.16; segment 0 would be 7.84 .. 13.16
    frame["target"] = [15.0] * 4 + [15.0, 15.0, np.nan, np.nan]
    # no target at the last point: the metric's last target 15 is used; 15 < 17.84 -> consistent_pass
    assert spc(frame).summary["assurance"].iloc[0] == "consistent_pass"
    frame["target"] = [15.0] * 7 + [25.0]                                     # 25 > 23.16
    assert spc(frame).summary["assurance"].iloc[0] == "consistent_fail"
    # a rebase on the last row: the last segment has one point and no limits -> 'none'
    one = _frame(values, direction="increase", rebase=[7], target=15)
    assert spc(one).summary["assurance"].iloc[0] == "none"


def test_summary_has_one_row_per_metric_in_metric_order():
    frame = pd.concat([_frame([1, 2, 3], metric=3), _frame([4, 5, 6], metric=1), _frame([None], metric=2)])
    summary = spc(frame).summary
    assert summary.columns.tolist() == ["metric", "variation", "assurance"]
    assert summary["metric"].tolist() == [1, 2, 3]
    assert summary["variation"].tolist() == ["common_cause", None, "common_cause"]


# --------------------------------------------------------------------------- edge cases

def test_edge_one_point():
    result = spc(_frame([7], direction="increase", target=5))
    points = result.points
    assert points["mean"].iloc[0] == 7 and points["segment"].iloc[0] == 0
    assert points[["lpl", "upl", "lower_2sigma", "upper_2sigma"]].isna().all(axis=None)
    assert not points[RULES].any(axis=None) and points["point_type"].iloc[0] == "common_cause"
    assert result.summary[["variation", "assurance"]].iloc[0].tolist() == ["common_cause", "none"]


def test_edge_constant_series():
    points = _points([5] * 10, direction="increase")
    # every moving range is 0 -> amr 0 -> the limits collapse onto the mean
    assert (points[["mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"]] == 5).all(axis=None)
    assert not points[RULES].any(axis=None)
    assert (points["point_type"] == "common_cause").all()


def test_edge_all_missing():
    result = spc(_frame([None, None, None], direction="increase", target=3))
    points = result.points
    assert points[["mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"]].isna().all(axis=None)
    assert not points[RULES].any(axis=None) and points["point_type"].isna().all()
    assert result.summary.iloc[0][["variation", "assurance"]].tolist() == [None, "none"]


def test_edge_segment_of_two_points():
    points = _points([1, 2, 3, 10, 14], rebase=[3])
    assert points["segment"].tolist() == [0, 0, 0, 1, 1]
    # segment 0: mean 2, ranges 1, 1 -> 2 -+ 2.66; segment 1: mean (10+14)/2 = 12, one range 4
    assert points["mean"].tolist() == [2, 2, 2, 12, 12]
    assert points["upl"].tolist() == pytest.approx([4.66] * 3 + [12 + 2.66 * 4] * 2)
    assert not points[RULES].any(axis=None)


def test_rebase_on_the_first_and_the_last_point():
    first = _points([1, 2, 3, 4], rebase=[0])
    assert (first["segment"] == 0).all() and first["mean"].iloc[0] == 2.5
    last = _points([1, 2, 3, 4], rebase=[3])
    assert last["segment"].tolist() == [0, 0, 0, 1]
    assert last["mean"].iloc[3] == 4 and np.isnan(last["upl"].iloc[3])
    assert last["point_type"].iloc[3] == "common_cause"
    assert last["mean"].iloc[0] == 2 and last["upl"].iloc[0] == pytest.approx(2 + 2.66)


@pytest.mark.parametrize("flags", [[0, 0, 1, 0], [False, False, True, False], ["", "0", "1", ""],
                                   [None, None, 1.0, None], ["false", "false", "true", "false"]])
def test_rebase_accepts_bools_numbers_and_words(flags):
    frame = _frame([1, 2, 3, 4])
    frame["rebase"] = pd.Series(flags, dtype=object)
    assert spc(frame).points["segment"].tolist() == [0, 0, 1, 1]


def test_an_empty_frame():
    result = spc(pd.DataFrame({"metric": [], "period": pd.to_datetime([]), "value": []}))
    assert result.points.empty and list(result.points.columns) == POINT_COLUMNS
    assert result.summary.empty and list(result.summary.columns) == ["metric", "variation", "assurance"]


def test_missing_columns_and_bad_fix_after_are_refused():
    with pytest.raises(KeyError, match="value"):
        spc(pd.DataFrame({"metric": ["m"], "period": ["2024-01"]}))
    with pytest.raises(ValueError):
        spc(_frame([1, 2, 3]), fix_after=0)


# --------------------------------------------------------------------------- fix_after

def test_fix_after_takes_the_limits_from_the_first_points():
    values = [10, 12, 11, 13, 30, 31, 32]
    points = spc(_frame(values), fix_after=4).points
    # first 4 points: mean 46/4 = 11.5, ranges 2, 1, 2 -> 5/3 (the range 13 -> 30 is not used)
    assert points["mean"].tolist() == pytest.approx([11.5] * 7)
    assert points["upl"].iloc[-1] == pytest.approx(11.5 + 2.66 * 5 / 3)
    assert points["outside_limits"].tolist() == [False] * 4 + [True] * 3


def test_fix_after_counts_points_not_missing_rows():
    values = [10, None, 12, 11, 13, 30]
    points = spc(_frame(values), fix_after=3).points
    # the first 3 points are 10, 12, 11 (the missing month is not one): mean 33/3 = 11;
    # the only moving range among them is |11 - 12| = 1 (none across the gap)
    assert points["mean"].iloc[0] == pytest.approx(11)
    assert points["upl"].iloc[0] == pytest.approx(11 + 2.66 * 1)


def test_fix_after_applies_per_segment():
    values = [10, 12, 11, 50, 20, 22, 21, 90]
    points = spc(_frame(values, rebase=[4]), fix_after=3).points
    # segment 0: (10+12+11)/3 = 11, ranges 2, 1 -> 1.5; segment 1: (20+22+21)/3 = 21, ranges 2, 1 -> 1.5
    assert points["mean"].tolist() == pytest.approx([11] * 4 + [21] * 4)
    assert points["upl"].tolist() == pytest.approx([11 + 2.66 * 1.5] * 4 + [21 + 2.66 * 1.5] * 4)
    # more points than the segment has: the same as no fix_after
    assert spc(_frame(values), fix_after=100).points["upl"].tolist() == pytest.approx(
        _points(values)["upl"].tolist())


# --------------------------------------------------------------------------- order, keys, periods

def test_several_metrics_in_any_order_keep_the_input_order_and_index():
    a = _frame([10, 11, 10, 11, 10, 30], metric="a", direction="increase")
    b = _frame([5, 5, 6, 5], metric="b", direction="decrease")
    frame = pd.concat([a, b]).sample(frac=1, random_state=3)
    frame.index = [f"r{i}" for i in range(len(frame))]
    result = spc(frame)
    assert result.points.index.tolist() == frame.index.tolist()
    assert result.points["value"].tolist() == frame["value"].tolist()
    assert result.points["period"].tolist() == frame["period"].tolist()
    alone = spc(a).points
    merged = result.points[result.points["metric"] == "a"].sort_values("period")
    for column in ("mean", "upl", "lpl", "point_type", "segment"):
        assert merged[column].tolist() == pytest.approx(alone[column].tolist()) if column != "point_type" \
            else merged[column].tolist() == alone[column].tolist()
    assert result.summary["metric"].tolist() == ["a", "b"]


def test_integer_metric_ids_and_text_periods_in_any_order():
    frame = pd.DataFrame({
        "metric": [7, 3, 7, 3, 7, 3],
        "period": ["2024-03", "2024-02", "2024-01", "2024-01", "2024-02", "2024-03-15"],
        "value": [3.0, 20.0, 1.0, 10.0, 2.0, 30.0],
        "rebase": [0, 1, 0, 0, 0, 0],
    }, index=[50, 40, 30, 20, 10, 0])
    points = spc(frame).points
    assert points.index.tolist() == [50, 40, 30, 20, 10, 0]
    # metric 3 in period order: 10 (Jan), 20 (Feb, rebase), 30 (Mar): segments 0, 1, 1
    assert points["segment"].tolist() == [0, 1, 0, 0, 0, 1]
    # metric 7: 1, 2, 3 -> mean 2, ranges 1, 1
    assert points.loc[50, "mean"] == 2 and points.loc[50, "upl"] == pytest.approx(4.66)
    assert points.loc[0, "mean"] == 25 and points.loc[20, "mean"] == 10
    assert spc(frame).summary["metric"].tolist() == [3, 7]


def test_a_target_column_is_passed_through():
    frame = _frame([1, 2, 3], target=2.5)
    points = spc(frame).points
    assert list(points.columns) == POINT_COLUMNS + ["target"] and (points["target"] == 2.5).all()


# --------------------------------------------------------------------------- against a plain reference

def _reference(values, rebase, direction, target, fix_after=None):
    """The rules written out point by point, as the NHS guidance states them (slow, obvious)."""
    n = len(values)
    miss = [v is None or math.isnan(v) for v in values]
    seg, s = [], 0
    for i in range(n):
        s += 1 if (i > 0 and rebase[i]) else 0
        seg.append(s)
    out = [{} for _ in range(n)]
    for s in sorted(set(seg)):
        rows = [i for i in range(n) if seg[i] == s]
        pts = [i for i in rows if not miss[i]]
        used = set(pts[:fix_after] if fix_after else pts)
        mean = statistics.fmean(values[i] for i in used) if used else math.nan
        mrs = [abs(values[b] - values[a]) for a, b in itertools.pairwise(rows) if a in used and b in used]
        amr = statistics.fmean(mrs) if mrs else math.nan
        if mrs and amr > 0:
            amr = statistics.fmean([r for r in mrs if r < 3.267 * amr])
        lpl, upl = mean - 2.66 * amr, mean + 2.66 * amr
        lo2, hi2 = mean - 2.66 * 2 / 3 * amr, mean + 2.66 * 2 / 3 * amr
        side, outside, close = {}, {}, {}
        for i in rows:
            side[i] = 0 if miss[i] else int(values[i] > mean) - int(values[i] < mean)
            outside[i] = not miss[i] and (values[i] > upl or values[i] < lpl)
            close[i] = not miss[i] and not outside[i] and (values[i] < lo2 or values[i] > hi2)
        shift, trend, tside, two = set(), set(), {}, set()
        for k in range(len(rows) - 6):
            w = rows[k:k + 7]
            if side[w[0]] != 0 and all(side[i] == side[w[0]] for i in w):
                shift.update(w)
            if not any(miss[i] for i in w):
                for sign in (1, -1):
                    if all((values[b] - values[a]) * sign > 0 for a, b in itertools.pairwise(w)):
                        trend.update(w)
                        for i in w[1:]:
                            tside[i] = sign                     # the trend a point ends decides
                        tside.setdefault(w[0], sign)
        for k in range(len(rows) - 2):
            w = rows[k:k + 3]
            if sum(close[i] for i in w) >= 2 and abs(sum(side[i] for i in w)) == 3:
                two.update(i for i in w if close[i])
        for i in rows:
            if outside[i]:
                decided = side[i]
            elif i in trend:
                decided = tside[i]
            elif i in two or i in shift:
                decided = side[i]
            else:
                decided = 0
            if miss[i]:
                kind = None
            elif not decided:
                kind = "common_cause"
            elif direction == 0:
                kind = "special_cause_neutral_" + ("high" if decided > 0 else "low")
            else:
                kind = "special_cause_improvement" if decided == direction else "special_cause_concern"
            out[i] = {"segment": s, "mean": mean, "lpl": lpl, "upl": upl, "lower_2sigma": lo2,
                      "upper_2sigma": hi2, "outside_limits": outside[i], "shift": i in shift, "trend": i in trend,
                      "two_of_three": i in two, "point_type": kind, "decided": decided}
    present = [i for i in range(n) if not miss[i]]
    variation = None
    if present:
        last = out[present[-1]]
        kind = last["point_type"]
        high = "high" if last["decided"] > 0 else "low"
        variation = {"common_cause": "common_cause", "special_cause_improvement": f"improvement_{high}",
                     "special_cause_concern": f"concern_{high}"}.get(kind, kind.replace("special_cause_", ""))
    goal = target[present[-1]] if present else math.nan
    if math.isnan(goal):
        goal = next((t for t in reversed(target) if not math.isnan(t)), math.nan)
    lpl, upl = out[-1]["lpl"], out[-1]["upl"]
    if math.isnan(goal) or direction == 0 or math.isnan(lpl):
        assurance = "none"
    elif goal > upl:
        assurance = "consistent_fail" if direction > 0 else "consistent_pass"
    elif goal < lpl:
        assurance = "consistent_pass" if direction > 0 else "consistent_fail"
    else:
        assurance = "hit_and_miss"
    return out, variation, assurance


@pytest.mark.parametrize("seed", range(12))
def test_matches_a_point_by_point_reference_on_random_metrics(seed):
    rng = np.random.default_rng(seed)
    frames, expected = [], {}
    fix_after = [None, 5][seed % 2]
    for k in range(12):
        n = int(rng.integers(1, 40))
        # small integers make ties, runs and trends common; steps make shifts and outliers
        values = (rng.integers(0, 4, n) + np.where(np.arange(n) > n // 2, rng.integers(0, 6), 0)).astype(float)
        if k % 3 == 0:
            values = np.cumsum(rng.choice([-1.0, 1.0, 1.0], n))           # drifting: trends
        values[rng.random(n) < 0.08] = np.nan
        rebase = (rng.random(n) < 0.08).astype(int)
        direction = ["increase", "decrease", "neutral"][k % 3]
        target = np.where(rng.random(n) < 0.7, rng.normal(np.nanmean(values) if not np.isnan(values).all() else 0,
                                                          3), np.nan)
        frame = pd.DataFrame({"metric": f"m{k}", "period": pd.date_range("2020-01-01", periods=n, freq="MS"),
                              "value": values, "improvement_direction": direction, "rebase": rebase,
                              "target": target})
        frames.append(frame)
        expected[f"m{k}"] = _reference(list(values), list(rebase), {"increase": 1, "decrease": -1}.get(
            direction, 0), list(target), fix_after)
    frame = pd.concat(frames, ignore_index=True).sample(frac=1, random_state=seed)
    result = spc(frame, fix_after=fix_after)
    for metric, (rows, variation, assurance) in expected.items():
        got = result.points[result.points["metric"] == metric].sort_values("period")
        for column in ["segment", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"]:
            assert got[column].tolist() == pytest.approx([r[column] for r in rows], nan_ok=True), (metric, column)
        for column in RULES + ["point_type"]:
            assert got[column].tolist() == [r[column] for r in rows], (metric, column)
        summary = result.summary.set_index("metric").loc[metric]
        assert (summary["variation"], summary["assurance"]) == (variation, assurance), metric


def test_many_metrics_at_once_are_quick_enough_to_be_vectorised():
    # 2,000 metrics x 120 months; a loop over metrics in Python would take tens of seconds
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "metric": np.repeat(np.arange(2000), 120),
        "period": np.tile(pd.date_range("2015-01-01", periods=120, freq="MS"), 2000),
        "value": rng.normal(50, 5, 240_000),
        "improvement_direction": "increase",
    })
    import time

    started = time.perf_counter()
    result = spc(frame)
    assert time.perf_counter() - started < 20           # generous: typically ~0.2 s
    assert len(result.points) == 240_000 and len(result.summary) == 2000


def _random_frame(seed: int, metrics: int = 30) -> pd.DataFrame:
    """Several metrics of random lengths with ties, runs, missing values, infinities and rebases."""
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(metrics):
        n = int(rng.integers(1, 50))
        values = rng.integers(0, 5, n).astype(float) if k % 2 else np.cumsum(rng.choice([-1.0, 1.0, 1.0], n))
        values[rng.random(n) < 0.05] = rng.choice([np.nan, np.inf, -np.inf])
        parts.append(pd.DataFrame({
            "metric": k, "period": pd.date_range("2020-01-01", periods=n, freq="MS"), "value": values,
            "improvement_direction": ["increase", "decrease", "neutral", " Increase ", None][k % 5],
            "rebase": rng.random(n) < 0.06, "target": rng.normal(2, 2)}))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("seed", range(6))
def test_sorted_integer_ids_shuffled_rows_and_text_ids_agree(seed):
    # the sorted-integer-ids shortcut, the general path (shuffled rows) and text ids give one answer
    frame = _random_frame(seed)
    fast = spc(frame, fix_after=[None, 4][seed % 2])
    shuffled = frame.sample(frac=1, random_state=seed)
    general = spc(shuffled, fix_after=[None, 4][seed % 2])
    pd.testing.assert_frame_equal(general.points.loc[frame.index], fast.points, check_exact=True)
    pd.testing.assert_frame_equal(general.summary, fast.summary, check_exact=True)
    named = spc(shuffled.assign(metric="m" + shuffled["metric"].astype(str).str.zfill(3)),
                fix_after=[None, 4][seed % 2])
    pd.testing.assert_frame_equal(named.points.loc[frame.index].drop(columns="metric"),
                                  fast.points.drop(columns="metric"), check_exact=True)


def test_a_repeated_index_is_kept_and_rows_stay_in_place():
    frame = _random_frame(7, metrics=5)
    frame.index = np.arange(len(frame)) // 2                  # every label twice
    points = spc(frame).points
    assert points.index.equals(frame.index)
    assert points["value"].equals(frame["value"]) and points["period"].equals(frame["period"])


def test_writing_to_the_result_leaves_the_input_alone():
    frame = _random_frame(3, metrics=4)
    before = frame.copy()
    points = spc(frame).points
    points.loc[points.index[0], "metric"] = -1
    points.loc[points.index[1], "value"] = -1.0
    points.loc[points.index[2], "target"] = -1.0
    pd.testing.assert_frame_equal(frame, before)


# --------------------------------------------------------------------------- the spc command's files

GOOD_CSV = """metric,period,value,target,improvement_direction,rebase
a,2025-01,10,12,increase,
a,2025-02,11,12,,
a,2025-03,10,12,increase,0
a,2025-04,11,12,increase,
a,2025-05,30,12,increase,
b,2025-01-15,5,,decrease,0
b,2025-02-15,,,decrease,0
b,2025-03-15,6,,decrease,1
"""


def _write(tmp_path, text, name="in.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_read_spc_input_reads_a_good_file_with_a_bom(tmp_path):
    frame = read_spc_input(_write(tmp_path, GOOD_CSV, encoding="utf-8-sig"))
    assert frame.columns.tolist() == ["metric", "period", "value", "target", "improvement_direction", "rebase"]
    assert frame["period"].tolist()[5:] == ["2025-01", "2025-02", "2025-03"]
    assert np.isnan(frame["value"].iloc[6]) and frame["value"].iloc[4] == 30.0
    # the blank direction on row 3 takes the metric's stated one
    assert frame["improvement_direction"].tolist() == ["increase"] * 5 + ["decrease"] * 3
    assert frame["rebase"].tolist() == [False] * 7 + [True]


def test_spc_table_rows_in_input_order_with_words_for_flags(tmp_path):
    rows, summary = spc_table(read_spc_input(_write(tmp_path, GOOD_CSV)))
    assert rows.columns.tolist() == SPC_COLUMNS and len(rows) == 8
    assert rows["metric"].tolist() == ["a"] * 5 + ["b"] * 3
    assert rows["period"].tolist()[:2] == ["2025-01", "2025-02"]
    # a: mean (10+11+10+11+30)/5 = 14.4; ranges 1,1,1,19 -> 5.5; 3.267*5.5 = 17.97 screens the 19 -> 1.0
    assert rows["mean"].iloc[0] == pytest.approx(14.4) and rows["upl"].iloc[0] == pytest.approx(14.4 + 2.66)
    # lpl 14.4 - 2.66 = 11.74: the 10s and 11s are below it, 30 is above 17.06 -> all five outside
    assert rows["outside_limits"].tolist() == ["true"] * 5 + ["false"] * 3
    assert rows["point_type"].tolist()[:4] == ["special_cause_concern"] * 4
    assert set(rows[RULES].to_numpy().ravel()) == {"true", "false"}
    assert rows["point_type"].iloc[4] == "special_cause_improvement" and rows["point_type"].iloc[6] is None
    # the CSV the command writes: missing as empty
    text = rows.to_csv(index=False, lineterminator="\n").splitlines()
    assert text[7] == "b,2025-02,,5.0,,,,,false,false,false,false,"
    # a's target 12 lies inside 11.74 .. 17.06: hit and miss; b has no target
    assert summary.to_dict("records") == [
        {"metric": "a", "variation": "improvement_high", "assurance": "hit_and_miss"},
        {"metric": "b", "variation": "common_cause", "assurance": "none"}]


def test_spc_json_nests_the_points_under_each_metric(tmp_path):
    rows, summary = spc_table(read_spc_input(_write(tmp_path, GOOD_CSV)), fix_after=4)
    data = json.loads(spc_json(rows, summary))
    assert [m["metric"] for m in data["metrics"]] == ["a", "b"]
    a, b = data["metrics"]
    assert (a["variation"], a["assurance"], len(a["points"]), len(b["points"])) == (
        "improvement_high", "hit_and_miss", 5, 3)
    assert list(a["points"][0]) == SPC_COLUMNS
    # fixed from the first 4 points: mean 10.5, ranges 1,1,1 -> upl 10.5 + 2.66 = 13.16
    assert a["points"][4]["upl"] == pytest.approx(13.16) and a["points"][4]["outside_limits"] is True
    assert b["points"][1]["value"] is None and b["points"][1]["point_type"] is None
    assert b["points"][2]["upl"] is None and b["points"][1]["shift"] is False


@pytest.mark.parametrize("text, row, column, message", [
    ("metric,period\na,2025-01\n", 1, None, "missing column(s) value"),
    ("metric,period,value\na,2025-13,1\n", 2, "B (period)", "'2025-13' is not a period"),
    ("metric,period,value\na,2025-02-30,1\n", 2, "B (period)", "'2025-02-30' is not a period"),
    ("metric,period,value\na,Jan 2025,1\n", 2, "B (period)", "'Jan 2025' is not a period"),
    ("metric,period,value\na,2025-01,1\na,2025-02,lots\n", 3, "C (value)", "'lots' is not a number"),
    ("value,metric,period\ninf,a,2025-01\n", 2, "A (value)", "'inf' is not a number"),
    ("metric,period,value,target\na,2025-01,1,high\n", 2, "D (target)", "'high' is not a number"),
    ("metric,period,value,improvement_direction\na,2025-01,1,up\n", 2, "D (improvement_direction)",
     "improvement_direction 'up' is not increase, decrease or neutral"),
    ("metric,period,value,improvement_direction\na,2025-01,1,increase\nb,2025-01,1,decrease\na,2025-02,1,decrease\n",
     4, "D (improvement_direction)", "metric 'a' is 'increase' on an earlier row but 'decrease' here"),
    ("metric,period,value,rebase\na,2025-01,1,yes\n", 2, "D (rebase)", "rebase 'yes' must be 1"),
    ("metric,period,value\na,2025-01,1\n\na,2025-01-20,2\n", 4, "B (period)",
     "'a' 2025-01 appears twice (first on row 2)"),
    ("metric,period,value\n,2025-01,1\n", 2, "A (metric)", "the metric is blank"),
    ("metric,period,value\na,2025-01,1\na,2025-02,1,5\n", 3, "D", "the row has 4 cells but the header only 3"),
])
def test_read_spc_input_refuses_with_row_and_column(tmp_path, text, row, column, message):
    with pytest.raises(InputRefused) as caught:
        read_spc_input(_write(tmp_path, text, name="bad.csv"))
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("bad.csv", row, column)
    assert message in problem.message
    where = f"bad.csv, row {row}" + (f", column {column}" if column else "")
    assert str(problem).startswith(where)


def test_read_spc_input_allows_empty_trailing_cells_and_semicolons(tmp_path):
    frame = read_spc_input(_write(tmp_path, "metric;period;value\na;2025-01;1\nb;2025-01;2;\n"))
    assert frame["metric"].tolist() == ["a", "b"] and frame["value"].tolist() == [1.0, 2.0]


def test_read_spc_input_reports_every_problem_at_once(tmp_path):
    text = "metric,period,value\na,2025-1,1\na,2025-02,x\na,2025-03,\n"
    with pytest.raises(InputRefused) as caught:
        read_spc_input(_write(tmp_path, text))
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "B (period)"), (3, "C (value)")]
