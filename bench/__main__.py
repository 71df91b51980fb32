"""`python -m bench [--scale 0.1]`: run every benchmark and print its table."""

from __future__ import annotations

import argparse

from bench import bench_ingest, bench_reports, bench_scorecard, bench_spc


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (quick check: 0.1)")
    args = parser.parse_args()
    bench_ingest.main(scale=args.scale)
    bench_spc.main(scale=args.scale)
    bench_scorecard.main(scale=args.scale)
    bench_reports.main(scale=args.scale)


if __name__ == "__main__":
    main()
