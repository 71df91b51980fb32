"""The scorecard's server-side rerun time with 2,000 metrics × 120 months, cold and warm (AppTest).

Cold: the first run, which computes the analysis. Warm: the slowest of four reruns after a filter
change, which reuse the analysis cached per (store version, period).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.bench_spc import METRICS, MONTHS, _store_with, synthetic
from bench.harness import Figure, plain, timed, under

ROOT = Path(__file__).resolve().parent.parent


def figures(scale: float = 1.0) -> list[Figure]:
    """The scorecard's first run (computes the analysis) and its slowest warm rerun after a filter
    change (two of the four show all the metrics, as the meeting usually sees them)."""
    import logging

    from streamlit.runtime import pages_manager
    from streamlit.testing.v1 import AppTest

    # AppTest runs the pages "bare": streamlit warns about it for every cached call, which is noise here
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)

    original = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):  # run as the server does after its first request (st.navigation mode)
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    pages_manager.PagesManager.__init__ = init
    metrics = max(10, int(METRICS * scale))
    try:
        with tempfile.TemporaryDirectory() as directory:
            store = _store_with(synthetic(metrics, MONTHS), Path(directory))
            os.environ["CSI_DB"] = str(store.path)
            os.environ["CSI_AUTH"] = "off"
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
            at.query_params["lang"] = "en"
            at.run()
            at.switch_page("pages/scorecard.py")
            cold = timed(at.run)
            warm_times = []
            for status in (["Missed"], [], ["Met"], []):
                at.multiselect(key="sc_status").set_value(status)
                warm_times.append(timed(at.run))
            assert not at.exception, at.exception
    finally:
        pages_manager.PagesManager.__init__ = original
    return [plain("scorecard cold run", cold, metrics),
            under("scorecard warm rerun (slowest)", max(warm_times), metrics, 0.3)]
