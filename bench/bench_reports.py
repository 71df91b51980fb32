"""Time to produce each gap report format for 2,000 metrics (the xlsx target is 5 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.bench_spc import METRICS, MONTHS, _store_with, synthetic


def main(scale: float = 1.0) -> None:
    from analytics.report_content import build_report
    from analytics.report_html import chromium_path
    from analytics.reports import render_report

    metrics = max(10, int(METRICS * scale))
    with tempfile.TemporaryDirectory() as directory:
        store = _store_with(synthetic(metrics, MONTHS), Path(directory))
        started = time.perf_counter()
        content = build_report(store, None, "zh")
        built = time.perf_counter() - started
        print(f"\nGap reports: {metrics:,} metrics, {len(content.charts):,} charts")
        print(f"{'figure':<28}{'seconds':>10}{'bytes':>14}")
        print(f"{'content (analysis, records)':<28}{built:>10.3f}")
        formats = ["xlsx", "csv", "html"] + (["pdf"] if chromium_path() else [])
        for fmt in formats:
            started = time.perf_counter()
            data = render_report(content, fmt)
            print(f"{fmt:<28}{time.perf_counter() - started:>10.3f}{len(data):>14,}")
