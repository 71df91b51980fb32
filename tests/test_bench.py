"""The benchmarks run (at a small scale): this checks the benchmark code works, not its times."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_bench_runs_at_small_scale():
    result = subprocess.run([sys.executable, "-m", "bench", "--scale", "0.01"], cwd=ROOT, capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    for figure in ("groupby mean (reference)", "spc", "mann_kendall + sen", "analyse (full store)",
                   "cold (computes analysis)", "warm (filter change)", "content (analysis, records)", "xlsx",
                   "our xlsx ingest", "our csv ingest"):
        assert figure in result.stdout
