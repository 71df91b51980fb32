"""The scorecard's server-side rerun time with 2,000 metrics × 120 months, cold and warm (AppTest).

Cold: the first run, which computes the analysis. Warm: a rerun after a filter change, which
reuses the analysis cached per (store version, period).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.bench_spc import METRICS, MONTHS, _store_with, synthetic

ROOT = Path(__file__).resolve().parent.parent


def main(scale: float = 1.0) -> None:
    from streamlit.runtime import pages_manager
    from streamlit.testing.v1 import AppTest

    original = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):  # run as the server does after its first request (st.navigation mode)
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    pages_manager.PagesManager.__init__ = init
    metrics = max(10, int(METRICS * scale))
    with tempfile.TemporaryDirectory() as directory:
        store = _store_with(synthetic(metrics, MONTHS), Path(directory))
        os.environ["CSI_DB"] = str(store.path)
        os.environ["CSI_AUTH"] = "off"
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        at.query_params["lang"] = "en"
        at.run()
        at.switch_page("pages/scorecard.py")
        started = time.perf_counter()
        at.run()
        cold = time.perf_counter() - started
        warm_times = []
        for status in (["Missed"], [], ["Met"], []):
            at.multiselect(key="sc_status").set_value(status)
            started = time.perf_counter()
            at.run()
            warm_times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    warm = min(warm_times)
    print(f"\nScorecard rerun (AppTest, server side): {metrics:,} metrics × {MONTHS} months")
    print(f"{'figure':<28}{'seconds':>10}{'target':>10}")
    print(f"{'cold (computes analysis)':<28}{cold:>10.3f}")
    print(f"{'warm (filter change)':<28}{warm:>10.3f}{'≤0.3 ' + ('pass' if warm <= 0.3 else 'FAIL'):>10}")
    print(f"{'cold ÷ warm':<28}{cold / warm:>10.1f}")
