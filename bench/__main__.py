"""`python -m bench [--scale 0.1] [--only ingest,spc] [--no-growth]`: every benchmark, one table each.

Each figure runs at 1/10, 1/2 and full scale for its growth exponent (unless --no-growth);
the tables show the full-scale run. Exit status is 0 whatever the figures: this is not a test.
"""

from __future__ import annotations

import argparse
import os
import sys

from bench import (
    bench_ingest,
    bench_reliability,
    bench_reports,
    bench_scorecard,
    bench_spc,
)
from bench.harness import growth_summary, run

BENCHES = {
    "ingest": ("Ingest (targets 1 and 2)", bench_ingest),
    "spc": ("SPC, trend and analyse (targets 3 and 4)", bench_spc),
    "scorecard": ("Scorecard rerun, server side (target 4)", bench_scorecard),
    "reports": ("Gap reports (target 5)", bench_reports),
    "reliability": ("Reliability: concurrent writers and readers, killed ingests (counts)", bench_reliability),
}
# Counts of things that must not go wrong: measured once, at full scale; a growth exponent means nothing there.
WITHOUT_GROWTH = {"reliability"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (quick check: 0.1)")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated: " + ", ".join(BENCHES))
    parser.add_argument("--no-growth", action="store_true", help="full scale only, no growth exponents")
    args = parser.parse_args()
    failed, steeper, total = [], [], 0
    for key in [k.strip() for k in args.only.split(",") if k.strip()]:
        title, module = BENCHES[key]
        text, figures, steep = run(title, module.figures, args.scale,
                                    growth=not args.no_growth and key not in WITHOUT_GROWTH)
        print(text, flush=True)
        steeper += steep
        for figure in figures:
            total += figure.passed is not None
            if figure.passed is False:
                failed.append(figure.name)
    print(f"\nTargets met: {total - len(failed)} of {total}" + (f"; missed: {', '.join(failed)}" if failed else ""))
    if not args.no_growth:
        print(growth_summary(steeper))
        print("Growth exponent: slope of log time over log size across 1/10, 1/2 and full scale (1 = linear).")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)     # as python -m analytics ends: no native thread pool (Arrow, DuckDB) torn down at exit
