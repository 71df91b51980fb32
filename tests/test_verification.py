"""Verification of effect on constructed before/after series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.verification import verify_effect


def _series(before, after):
    values = list(before) + list(after)
    return pd.DataFrame({"period": pd.date_range("2025-01-01", periods=len(values), freq="MS"), "value": values})


BEFORE = [9.0, 9.4, 8.8, 9.2, 9.1, 8.9, 9.3, 9.0, 8.7, 9.1, 9.2, 8.8]


def test_a_clear_step_improvement_is_effective():
    after = [6.1, 5.9, 6.2, 6.0, 5.8, 6.1, 6.0, 5.9]
    result = verify_effect(_series(BEFORE, after), "2026-01", "decrease", target=7.0)
    assert result.verdict == "effective"
    # means by hand: before 108.5 / 12 = 9.041667, after 48.0 / 8 = 6.0
    assert result.pre_mean == pytest.approx(108.5 / 12) and result.post_mean == pytest.approx(6.0)
    assert result.difference == pytest.approx(6.0 - 108.5 / 12)
    assert result.ci_high < 0 and result.sustained_shift and result.improvement_signals >= 7
    assert result.assurance_after == "consistent_pass"
    assert "effective" in result.explain("en") and "有效" in result.explain("zh")


def test_no_change_is_not_yet():
    rng = np.random.default_rng(4)
    after = list(np.round(9.0 + rng.normal(0, 0.2, 8), 1))
    result = verify_effect(_series(BEFORE, after), "2026-01", "decrease")
    assert result.verdict == "not_yet"
    assert result.ci_low < 0 < result.ci_high


def test_worse_is_worse():
    after = [10.5, 10.8, 10.4, 10.9, 10.6, 10.7]
    result = verify_effect(_series(BEFORE, after), "2026-01", "decrease")
    assert result.verdict == "worse" and result.ci_low > 0 and result.concern_signals > 0


def test_too_few_months_is_no_evidence():
    result = verify_effect(_series(BEFORE, [6.0, 6.1]), "2026-01", "decrease")
    assert result.verdict == "no_evidence" and (result.pre_n, result.post_n) == (12, 2)
    assert "at least 6 and 3" in result.explain("en")


def test_an_increase_metric_improves_upwards():
    before = [70, 71, 69, 70, 72, 70, 71, 69]
    after = [78, 79, 77, 78, 80, 79, 78]
    assert verify_effect(_series(before, after), "2025-09", "increase").verdict == "effective"
    assert verify_effect(_series(after, before), "2025-08", "increase").verdict == "worse"
