"""Time to produce each gap report format for 2,000 metrics (xlsx under 5 s, pdf under 60 s).

The report charts every metric that missed or nearly missed its target or shows a special
cause, so the synthetic data decides how many charts the html and pdf carry. bench_spc's random
walks (shared with the other benches) would put most metrics on the report; here about 15% of the
metrics keep their random walk and a target they miss, the others are stable series comfortably
meeting their target: a realistic few hundred metrics that need attention.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from bench.bench_spc import METRICS, MONTHS, _store_with, synthetic
from bench.harness import Figure, plain, timed, under

LIMITS = {"xlsx": 5.0, "pdf": 60.0}
ATTENTION = 0.15


def report_data(metrics: int, months: int = MONTHS, seed: int = 11):
    """bench_spc.synthetic with the report's mix: ~15% of metrics off target, the rest stable and on it
    (a neutral metric has no target: it is watched, not chased)."""
    frame = synthetic(metrics, months)
    rng = np.random.default_rng(seed)
    attention = np.zeros(metrics, dtype=bool)         # the same share at every scale (growth exponents)
    attention[rng.choice(metrics, max(1, round(metrics * ATTENTION)), replace=False)] = True
    stable = ~attention[frame["metric"].to_numpy()]
    noise = rng.normal(0, 1, len(frame))
    values = frame["value"].to_numpy().copy()
    missing = np.isnan(values)
    values[stable] = 50 + noise[stable]
    values[missing] = np.nan
    frame["value"] = values
    direction = frame["improvement_direction"]
    comfortable = np.where(direction == "increase", 40.0, np.where(direction == "decrease", 60.0, np.nan))
    frame["target"] = np.where(stable, comfortable, frame["target"])
    return frame


def figures(scale: float = 1.0) -> list[Figure]:
    from analytics.report_content import build_report
    from analytics.report_html import chromium_path
    from analytics.reports import render_report

    metrics = max(10, int(METRICS * scale))
    result: list[Figure] = []
    with tempfile.TemporaryDirectory() as directory:
        store = _store_with(report_data(metrics), Path(directory))
        content = None

        def build():
            nonlocal content
            content = build_report(store, None, "zh")

        result.append(plain("report content (analysis, records)", timed(build), metrics))
        print(f"  {metrics:,} metrics: {len(content.charts):,} need attention and are charted", flush=True)
        formats = ["xlsx", "csv", "html"] + (["pdf"] if chromium_path() else [])
        for fmt in formats:
            seconds = timed(lambda fmt=fmt: render_report(content, fmt))
            limit = LIMITS.get(fmt)
            name = f"{fmt} report"
            result.append(under(name, seconds, metrics, limit) if limit else plain(name, seconds, metrics))
    return result
