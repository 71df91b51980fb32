"""Gaps, status and change since baseline, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics.gaps import change_since_baseline, gaps, months_missed_in_a_row


def _one(actual, target, direction, tolerance=0.0):
    out = gaps(pd.Series([actual]), pd.Series([target]), pd.Series([direction]), pd.Series([tolerance]))
    return out.iloc[0]


@pytest.mark.parametrize(
    "actual, target, direction, tolerance, gap, gap_pct, status",
    [
        # SLA attainment, higher is better: gap = target - actual = 95 - 92 = 3 (worse), 3/95*100
        (92.0, 95.0, "increase", 1.0, 3.0, 3 / 95 * 100, "missed"),
        # within tolerance: 95 - 94.5 = 0.5 <= 1
        (94.5, 95.0, "increase", 1.0, 0.5, 0.5 / 95 * 100, "near"),
        # beats target: 95 - 97 = -2
        (97.0, 95.0, "increase", 1.0, -2.0, -2 / 95 * 100, "met"),
        # MTTR hours, lower is better: gap = actual - target = 6 - 4 = 2 > tolerance 0.5
        (6.0, 4.0, "decrease", 0.5, 2.0, 2 / 4 * 100, "missed"),
        (4.25, 4.0, "decrease", 0.5, 0.25, 0.25 / 4 * 100, "near"),
        (3.0, 4.0, "decrease", 0.5, -1.0, -1 / 4 * 100, "met"),
        # exactly on target is met: gap 0
        (4.0, 4.0, "decrease", 0.0, 0.0, 0.0, "met"),
        # exactly at tolerance is near: 4.5 - 4 = 0.5 <= 0.5
        (4.5, 4.0, "decrease", 0.5, 0.5, 12.5, "near"),
        # at the tolerance as typed, though the float subtraction lands past it: 90 - 89.8 = 0.20000000000000284
        (89.8, 90.0, "increase", 0.2, 0.2, 0.2 / 90 * 100, "near"),
        (4.2, 4.0, "decrease", 0.2, 0.2, 0.2 / 4 * 100, "near"),
        # on target as typed: 0.1 + 0.2 is 0.30000000000000004, no gap at all
        (0.1 + 0.2, 0.3, "decrease", 0.0, 0.0, 0.0, "met"),
        (70.0 + 0.1 + 0.2, 70.3, "neutral", 0.0, 0.0, 0.0, "met"),
        # a real miss just past the tolerance stays a miss: 90 - 89.79 = 0.21 > 0.2
        (89.79, 90.0, "increase", 0.2, 0.21, 0.21 / 90 * 100, "missed"),
        # negative target: gap % uses |target|: actual -2 vs target -4, decrease: -2 - -4 = 2; 2/4*100
        (-2.0, -4.0, "decrease", 0.0, 2.0, 50.0, "missed"),
        # zero target: no gap %
        (3.0, 0.0, "decrease", 0.0, 3.0, math.nan, "missed"),
        # neutral: never missed; |gap| within tolerance is met
        (80.0, 70.0, "neutral", 5.0, 10.0, 10 / 70 * 100, "near"),
        (72.0, 70.0, "neutral", 5.0, 2.0, 2 / 70 * 100, "met"),
        (np.nan, 70.0, "increase", 5.0, math.nan, math.nan, "no_data"),
        (72.0, np.nan, "increase", 5.0, math.nan, math.nan, "no_target"),
    ],
)
def test_gap_and_status(actual, target, direction, tolerance, gap, gap_pct, status):
    row = _one(actual, target, direction, tolerance)
    assert row["status"] == status
    assert (math.isnan(row["gap"]) and math.isnan(gap)) or row["gap"] == pytest.approx(gap)
    assert (math.isnan(row["gap_pct"]) and math.isnan(gap_pct)) or row["gap_pct"] == pytest.approx(gap_pct)


@pytest.mark.parametrize(
    "actual, baseline, direction, expected",
    [(96, 94, "increase", "improved"), (92, 94, "increase", "worsened"), (94, 94, "increase", "unchanged"),
     (5, 6, "decrease", "improved"), (7, 6, "decrease", "worsened"), (7, 6, "neutral", None),
     (7, np.nan, "decrease", None)],
)
def test_change_since_baseline(actual, baseline, direction, expected):
    out = change_since_baseline(pd.Series([float(actual)]), pd.Series([float(baseline)]), pd.Series([direction]))
    assert out.iloc[0] == expected


def test_months_missed_in_a_row_counts_runs_per_metric():
    frame = pd.DataFrame({
        "metric_id": [1, 1, 1, 1, 1, 2, 2, 2],
        "status": ["missed", "missed", "met", "missed", "missed", "missed", "no_data", "missed"],
    })
    # metric 1: 1, 2, then met resets to 0, then 1, 2; metric 2 starts afresh: 1, no_data breaks: 0, 1
    assert months_missed_in_a_row(frame).tolist() == [1, 2, 0, 1, 2, 1, 0, 1]
