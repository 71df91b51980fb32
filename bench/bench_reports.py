"""Time to produce each gap report format for 2,000 metrics (xlsx under 5 s, pdf under 60 s)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.bench_spc import METRICS, MONTHS, _store_with, synthetic
from bench.harness import Figure, plain, timed, under

LIMITS = {"xlsx": 5.0, "pdf": 60.0}


def figures(scale: float = 1.0) -> list[Figure]:
    from analytics.report_content import build_report
    from analytics.report_html import chromium_path
    from analytics.reports import render_report

    metrics = max(10, int(METRICS * scale))
    result: list[Figure] = []
    with tempfile.TemporaryDirectory() as directory:
        store = _store_with(synthetic(metrics, MONTHS), Path(directory))
        content = None

        def build():
            nonlocal content
            content = build_report(store, None, "zh")

        result.append(plain("report content (analysis, records)", timed(build), metrics))
        formats = ["xlsx", "csv", "html"] + (["pdf"] if chromium_path() else [])
        for fmt in formats:
            name = f"{fmt} report" + (f" ({len(content.charts)} charts)" if fmt in ("html", "pdf") else "")
            seconds = timed(lambda: render_report(content, fmt))
            limit = LIMITS.get(fmt)
            result.append(under(name.split(" (")[0], seconds, metrics, limit) if limit
                          else plain(name.split(" (")[0], seconds, metrics))
    return result
