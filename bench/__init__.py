"""Benchmarks: `make bench` prints figures and ratios; they are not timed tests."""
