"""The benchmarks run (at a small scale): this checks the benchmark code works, not its times."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.harness import (
    Figure,
    at_least_faster,
    at_most_times,
    floor_of,
    growth_exponent,
    growth_summary,
    table,
    under,
)
from tests.conftest import ROOT


@pytest.mark.slow
def test_bench_runs_at_a_tenth_of_the_scale_and_prints_every_figure():
    result = subprocess.run([sys.executable, "-m", "bench", "--scale", "0.1", "--no-growth"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    for figure in ("pandas groupby().mean() (reference)", "spc", "mann_kendall + sen", "analyse (full store)",
                   "analyse (cached)", "scorecard cold run", "scorecard warm rerun", "xlsx report",
                   "calamine read (reference)", "xlsx ingest, long", "xlsx ingest, wide", "xlsx ingest vs openpyxl",
                   "xlsx ingest peak RSS", "csv ingest", "catalogue import, then update",
                   "floor: read + insert", "floor: Arrow parse + insert", "ingests completed", "reads that saw half an upload",
                   "SIGKILL trials: store whole", "Targets met:"):
        assert figure in result.stdout, figure


@pytest.mark.parametrize("points, expected", [
    ([(10, 1.0), (100, 10.0), (1000, 100.0)], 1.0),       # time ×10 per size ×10: linear
    ([(10, 1.0), (100, 100.0), (1000, 10_000.0)], 2.0),   # time ×100 per size ×10: quadratic
    ([(10, 2.0), (100, 2.0)], 0.0),                       # constant
])
def test_growth_exponent_is_the_log_log_slope(points, expected):
    assert growth_exponent(points) == pytest.approx(expected)


def test_growth_exponent_needs_two_sizes():
    assert growth_exponent([(10, 1.0), (10, 2.0)]) is None


def test_targets_pass_and_fail_on_their_ratio():
    assert at_most_times("x", 1.5, 1, "r", 1.0, 1.5).passed is True
    assert at_most_times("x", 1.51, 1, "r", 1.0, 1.5).passed is False
    assert at_least_faster("x", 1.0, 1, "r", 6.0, 6).passed is True      # 6 s ÷ 1 s = 6× faster
    assert at_least_faster("x", 1.1, 1, "r", 6.0, 6).passed is False
    assert under("m", 399, 1, 400, unit="MB").passed is True


def test_table_marks_failures_and_steep_growth():
    figures = [at_most_times("slow thing", 3.0, 1000, "ref", 1.0, 2), Figure("plain", 1.0, 1000)]
    runs = {"slow thing": [(10, 0.0003), (1000, 3.0)], "plain": [(10, 0.01), (1000, 1.0)]}
    text = table("T", figures, runs)
    slow_line = next(line for line in text.splitlines() if line.startswith("slow thing"))
    assert "FAIL" in slow_line and "3.00" in slow_line and "2.00!" in slow_line   # ratio 3, exponent log(1e4)/log(100)
    plain_line = next(line for line in text.splitlines() if line.startswith("plain"))
    assert "1.00" in plain_line and "!" not in plain_line


@pytest.mark.parametrize("floor_seconds, remark", [
    (0.14, "room left"),     # 0.14 s ≤ 1.5 × 0.1 s = 0.15 s: the checks have 0.01 s
    (0.16, "no room"),       # 0.16 s > 0.15 s: no ingest that reads and inserts can meet ≤1.5×
])
def test_a_floor_says_whether_its_target_leaves_room_and_is_no_target_itself(floor_seconds, remark):
    figure = floor_of("  floor: read + insert", floor_seconds, 1000, "calamine read", 0.1, 1.5)
    assert figure.passed is None and figure.ratio == pytest.approx(floor_seconds / 0.1)
    line = next(line for line in table("T", [figure], {}).splitlines() if "floor" in line)
    assert remark in line and "(floor of ≤1.5× ref)" in line and "FAIL" not in line and "pass" not in line


@pytest.mark.parametrize("steeper, expected", [
    ([], "Growth worse than linear (exponent above 1.15): none"),
    (["csv ingest"], "Growth worse than linear (exponent above 1.15): csv ingest"),
    (["calamine read (reference)"],
     "Growth worse than linear (exponent above 1.15): none; among the references (not our code): calamine read (reference)"),
])
def test_the_growth_line_names_our_figures_apart_from_the_references(steeper, expected):
    assert growth_summary(steeper) == expected
