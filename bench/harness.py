"""What every benchmark returns, and the one table `make bench` prints.

Each bench module has `figures(scale) -> list[Figure]`. The runner calls it at 1/10, 1/2 and
full scale, prints the full-scale figures with their reference, ratio, target and verdict, and
the growth exponent of each timed figure (slope of log time over log size): 1 is linear.
Absolute times on shared machines are noisy, so targets are ratios measured in the same run
wherever the issue gives one.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

GROWTH_LIMIT = 1.15  # "no worse than linear", with room for timer noise at the small scale


@dataclass(frozen=True)
class Figure:
    name: str
    value: float                      # seconds; megabytes when unit == "MB"; a count when unit == "ops"
    size: int                         # units of work (rows, points, metrics): x axis of the growth exponent
    reference: str = ""               # what the figure is compared with
    reference_value: float | None = None
    target: str = ""                  # as the issue words it, e.g. "≤1.5× ref"
    passed: bool | None = None        # None: a figure without a target
    unit: str = "s"
    remark: str = ""                  # shown where a figure without a target has no pass/fail

    @property
    def ratio(self) -> float | None:
        if not self.reference_value:
            return None
        return self.value / self.reference_value


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def best_of(fn, repeat: int = 3) -> float:
    """The fastest of a few runs: the least disturbed by the other tenants of the machine."""
    return min(timed(fn) for _ in range(repeat))


def at_most_times(name: str, seconds: float, size: int, reference: str, reference_seconds: float,
                  limit: float) -> Figure:
    """A figure whose target is 'at most `limit` times the reference'."""
    return Figure(name, seconds, size, reference, reference_seconds, f"≤{limit:g}× ref",
                  seconds <= limit * reference_seconds)


def at_least_faster(name: str, seconds: float, size: int, reference: str, reference_seconds: float,
                    factor: float) -> Figure:
    """A figure whose target is 'at least `factor` times faster than the reference'."""
    return Figure(name, seconds, size, reference, reference_seconds, f"≤{1 / factor:.3g}× (≥{factor:g}× faster)",
                  seconds * factor <= reference_seconds)


def under(name: str, value: float, size: int, limit: float, unit: str = "s") -> Figure:
    """A figure with an absolute ceiling (seconds or MB)."""
    return Figure(name, value, size, target=f"<{limit:g} {unit}", passed=value < limit, unit=unit)


def floor_of(name: str, seconds: float, size: int, reference: str, reference_seconds: float,
             limit: float) -> Figure:
    """The least any ingest of the file could take (reading its cells and inserting its rows, no
    checks), set against the target of the ingest it bounds. Not a target itself: it says, in the
    same run, whether the target leaves any room for the checks at all."""
    room = "room left" if seconds <= limit * reference_seconds else "no room"
    return Figure(name, seconds, size, reference, reference_seconds, f"(floor of ≤{limit:g}× ref)", remark=room)


def plain(name: str, value: float, size: int, unit: str = "s") -> Figure:
    return Figure(name, value, size, unit=unit)


def growth_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(value) over log(size); None when the sizes do not differ."""
    points = [(s, v) for s, v in points if s > 0 and v > 0]
    if len({s for s, _ in points}) < 2:
        return None
    xs = [math.log(s) for s, _ in points]
    ys = [math.log(v) for _, v in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _number(value: float | None, unit: str = "s") -> str:
    """Seconds with milliseconds; megabytes and counts as whole numbers."""
    if value is None:
        return ""
    return f"{value:.3f}" if unit == "s" else f"{value:,.0f}"


def steep(full: list[Figure], runs: dict[str, list[tuple[int, float]]]) -> list[str]:
    """Names of timed figures whose cost grows worse than linearly."""
    exponents = {f.name: growth_exponent(runs.get(f.name, [])) for f in full if f.unit == "s"}
    return [name for name, g in exponents.items() if g is not None and g > GROWTH_LIMIT]


def growth_summary(steeper: list[str]) -> str:
    """The line naming figures that grow worse than linearly: ours first; a reference (the library
    we compare with, e.g. calamine) is named apart, since the target is about our code."""
    ours = [name for name in steeper if not name.endswith("(reference)")]
    references = [name for name in steeper if name.endswith("(reference)")]
    return (f"Growth worse than linear (exponent above {GROWTH_LIMIT}): {', '.join(ours) or 'none'}"
            + (f"; among the references (not our code): {', '.join(references)}" if references else ""))


def table(title: str, full: list[Figure], runs: dict[str, list[tuple[int, float]]]) -> str:
    """The printed table: figure, size, time, reference, reference time, ratio, target, result, growth."""
    header = (f"{'figure':<34}{'size':>11}{'value':>10}  {'reference':<26}{'ref':>9}{'ratio':>8}"
              f"  {'target':<22}{'result':<10}{'growth':>7}")
    lines = [f"\n{title}", header, "-" * len(header)]
    for figure in full:
        growth = growth_exponent(runs.get(figure.name, [])) if figure.unit == "s" else None
        growth_text = "" if growth is None else f"{growth:.2f}" + ("" if growth <= GROWTH_LIMIT else "!")
        result = figure.remark if figure.passed is None else ("pass" if figure.passed else "FAIL")
        value = _number(figure.value, figure.unit) + (" MB" if figure.unit == "MB" else "")
        ratio = "" if figure.ratio is None else f"{figure.ratio:.2f}"
        lines.append(f"{figure.name:<34}{figure.size:>11,}{value:>10}  {figure.reference:<26}"
                     f"{_number(figure.reference_value):>9}{ratio:>8}  {figure.target:<22}{result:<10}{growth_text:>7}")
    return "\n".join(lines)


def run(title: str, figures, scale: float, growth: bool = True) -> tuple[str, list[Figure], list[str]]:
    """Run `figures` at 1/10, 1/2 and full `scale` (or only full).

    Returns the table, the full-scale figures and the names of those growing worse than linearly.
    """
    scales = (scale / 10, scale / 2, scale) if growth else (scale,)
    runs: dict[str, list[tuple[int, float]]] = {}
    full: list[Figure] = []
    for each in scales:
        full = figures(each)
        for figure in full:
            runs.setdefault(figure.name, []).append((figure.size, figure.value))
    return table(title, full, runs), full, steep(full, runs)
