"""The dashboard's XmR chart (charts.xmr_figure) drawn as a static inline SVG, for the reports.

Same traces, colours, line styles and order as the plotly figure: the process limits and the
centre line per segment (broken between segments), the target as a step line, the values joined
by a grey line, each point coloured by its SPC variation (icons.POINT_COLOURS), a dotted line
and "new cycle" where a new baseline starts, the legend below, on the plotly_white look.

Drawn from the analysis points in Python, so a report needs no JavaScript to show its charts:
the HTML opens instantly anywhere (offline, mail clients, printing), and headless Chromium prints
it the moment the page has loaded, with nothing left to wait for. Text is SVG <text> in the
dashboard's font stack (Noto Sans CJK first), so Chinese names render and stay searchable.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd

from .charts import FONT, axis_floor, label_rows, lower_limit_drawn, text_width
from .i18n import t
from .icons import PALETTE, POINT_COLOURS
from .units import unit_shown

TEXT = "#2a3f5f"          # plotly_white's font colour
GRID = "#EBF0F8"          # plotly_white's grid colour
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120, 240)


def _dash(style: str, width: float) -> str:
    """Plotly's dash patterns (drawing.dashStyle): scaled by the line width, at least 3 px."""
    unit = max(width, 3)
    return {"dash": f"{3 * unit:g},{3 * unit:g}", "dot": f"{unit:g},{unit:g}",
            "dashdot": f"{3 * unit:g},{unit:g},{unit:g},{unit:g}"}.get(style, "")


def _stroke(colour: str, width: float, dash: str = "solid") -> str:
    pattern = _dash(dash, width)
    return (f'fill="none" stroke="{colour}" stroke-width="{width:g}"'
            + (f' stroke-dasharray="{pattern}"' if pattern else ""))


CYCLE_LABEL_ROW = 14           # px between stacked rows of "new cycle" labels
TITLE_BASELINE = 25            # px: the title stays put, stacked labels go between it and the plot


def _cycle_labels(points: pd.DataFrame, xs: np.ndarray, x1: float, text: str, size: float) -> list[tuple]:
    """(x, to the right of its line?, row) of each rebase's "new cycle" label: to the right of the
    line, or to its left near the right edge ('new cycle' was cut to 'new'), and a row up where
    it would overprint the label of a cycle begun a month or two before."""
    if "rebase" not in points or not len(xs):
        return []
    width = text_width(text, size) + 4
    lines = [float(xs[i]) for i in np.flatnonzero(points["rebase"].fillna(False).astype(bool).to_numpy())]
    rooms = [x1 - x > width for x in lines]
    rows = label_rows([(x, x + width) if room else (x - width, x) for x, room in zip(lines, rooms, strict=True)])
    return list(zip(lines, rooms, rows, strict=True))


def nice_ticks(low: float, high: float, decimals: int, count: int = 6) -> tuple[float, float, list[float]]:
    """Axis range padded around [low, high] and round tick values inside it (1, 2, 2.5, 5 × 10^n)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high - low < 1e-12:
        spread = abs(high) * 0.1 or 1.0
        low, high = low - spread, high + spread
    pad = (high - low) * 0.06
    low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    places = 10 ** max(decimals, 0)
    # 2.5 only where its labels need no more decimals than the metric shows (else 0.9525 reads 0.953)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10)
                if m * magnitude >= 0.75 * raw and (m != 2.5 or abs(round(m * magnitude * places) - m * magnitude * places) < 1e-6))
    if step < 1 / places:                              # no two ticks with the same label: widen a flat range
        step = 1 / places
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    first = math.ceil(low / step - 1e-9) * step
    ticks = [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]
    return low, high, [tick for tick in ticks if low - 1e-9 <= tick <= high + 1e-9]


def _month_index(periods: pd.Series) -> np.ndarray:
    return (periods.dt.year * 12 + periods.dt.month - 1).to_numpy(dtype=float)


def _path(xs: np.ndarray, ys: np.ndarray, step: bool = False, groups: np.ndarray | None = None,
          lone: float = 0.0) -> str:
    """An SVG path through the finite points, broken at missing ones (plotly: connectgaps=False)
    and where `groups` changes (a new segment); step=True draws plotly's 'hv' shape (across, then
    up or down). A point alone in its piece (a cycle of one month) is drawn as a level stub `lone`
    either side, where a bare move would draw nothing."""
    parts: list[str] = []
    drawing = False
    alone: tuple[int, float, float] | None = None    # the piece's first part while it has one point
    previous_y = 0.0
    group_list = groups.tolist() if groups is not None else [0] * len(xs)
    previous_group = group_list[0] if group_list else 0

    def stub() -> None:
        if alone is not None and lone > 0:
            index, x, y = alone
            parts[index] = f"M{x - lone:.1f},{y:.1f}H{x + lone:.1f}"

    for x, y, group in zip(xs.tolist(), ys.tolist(), group_list):
        if group != previous_group:
            drawing = False
            previous_group = group
        if not math.isfinite(y):
            drawing = False
            continue
        if not drawing:
            stub()
            parts.append(f"M{x:.1f},{y:.1f}")
            alone = (len(parts) - 1, x, y)
            drawing = True
        else:
            alone = None
            parts.append((f"H{x:.1f}V{y:.1f}" if y != previous_y else f"H{x:.1f}") if step else f"L{x:.1f},{y:.1f}")
        previous_y = y
    stub()
    return "".join(parts)


def xmr_svg(points: pd.DataFrame, *, title: str, unit: str | None, decimals: int, lang: str,
            width: int = 700, height: int = 300) -> str:
    """The XmR chart of one metric as an <svg> element (see charts.xmr_figure for what it shows)."""
    floor = axis_floor(points, unit)
    unit = unit_shown(unit, lang)
    points = points.sort_values("period")
    label = {k: t(f"point.{k}", lang) for k in POINT_COLOURS}
    months = _month_index(points["period"]) if len(points) else np.array([])
    values = points["value"].to_numpy(dtype=float, na_value=np.nan)
    columns = {c: points[c].to_numpy(dtype=float, na_value=np.nan) for c in ("mean", "lpl", "upl", "target")}
    segments = points["segment"].to_numpy() if "segment" in points else np.zeros(len(points))
    kinds = points["point_type"].tolist()
    has_target = bool(np.isfinite(columns["target"]).any())

    # legend entries, in the figure's trace order
    legend = [(t("chart.upl", lang), "line", PALETTE["common_cause"], 1.3, "dash"),
              *[(t("chart.lpl", lang), "line", PALETTE["common_cause"], 1.3, "dash")] * lower_limit_drawn(points, floor),
              (t("chart.mean", lang), "line", PALETTE["mean_line"], 1.6, "solid")]
    if has_target:
        legend.append((t("chart.target", lang), "line", PALETTE["target"], 1.6, "dashdot"))
    present = [k for k in POINT_COLOURS if k in set(kinds)]
    legend += [(label[k], "marker", POINT_COLOURS[k], 0, "") for k in present]

    legend_size, tick_size, title_size = 10, 11, 14
    if floor is not None:                           # a lower limit below the axis is not drawn (axis_floor)
        columns["lpl"] = np.where(columns["lpl"] >= floor, columns["lpl"], np.nan)
    finite = np.concatenate([values] + [columns[c] for c in columns])
    finite = finite[np.isfinite(finite)]
    low, high, ticks = nice_ticks(float(finite.min()) if finite.size else 0.0,
                                   float(finite.max()) if finite.size else 1.0, decimals)
    if floor is not None and low < floor:
        low, ticks = floor, [tick for tick in ticks if tick >= floor]
    tick_labels = [f"{v:,.{max(decimals, 0)}f}" for v in ticks]
    # the unit is written level above the value axis, right-aligned with its tick labels (个 turned on
    # its side read as an arrow, ←): the margin is as wide as the wider of the two
    left = 14 + max([text_width(s, tick_size) for s in tick_labels] + [text_width(unit or "", tick_size + 1), 20])
    right = 14

    # legend rows below the plot: place items left to right, wrapping at the chart's width
    rows: list[list[tuple[float, tuple]]] = [[]]
    x = left
    for entry in legend:
        item = 40 + text_width(entry[0], legend_size) + 14
        if rows[-1] and x + item > width - right:
            rows.append([])
            x = left
        rows[-1].append((x, entry))
        x += item
    x0, x1 = left, width - right
    if months.size:
        first, last = float(np.nanmin(months)), float(np.nanmax(months))
    else:
        first, last = 0.0, 1.0
    span = max(last - first, 1.0)
    inset = 10.0                                    # plotly pads the x range for the markers
    scale_x = (x1 - x0 - 2 * inset) / span

    def px(month: np.ndarray | float):
        return x0 + inset + (month - first) * scale_x

    xs = px(months) if months.size else months
    cycle_labels = _cycle_labels(points, xs, x1, t("chart.new_cycle", lang), tick_size)
    top = (40 + (8 if unit else 0)                        # room for the unit between the title and the plot
           + CYCLE_LABEL_ROW * max((row for _, _, row in cycle_labels), default=0))   # and for stacked labels
    bottom = 30 + 18 * len(rows)
    plot_height = max(height - top - bottom, 80)
    height = top + plot_height + bottom
    y0, y1 = top, top + plot_height

    def py(value: np.ndarray | float):
        return y1 - (value - low) / (high - low) * (y1 - y0)

    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{escape(FONT)}" fill="{TEXT}" role="img" '
            f'aria-label="{escape(title)}">'),
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width * 0.05:.1f}" y="{TITLE_BASELINE}" font-size="{title_size}">{escape(title)}</text>']

    # grid and y axis
    grid = []
    for value, text in zip(ticks, tick_labels):
        y = py(value)
        grid.append(f"M{x0},{y:.1f}H{x1}")
        out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" font-size="{tick_size}" text-anchor="end">{text}</text>')
    # x axis: month ticks at a round interval (January-aligned from a year up), labelled %Y-%m
    room = max(int((x1 - x0) / 75), 2)
    step = next((s for s in MONTH_STEPS if span / s <= room), MONTH_STEPS[-1])
    tick = math.ceil(first / step) * step
    while tick <= last + 1e-9:
        x = px(tick)
        grid.append(f"M{x:.1f},{y0}V{y1}")
        year, month = divmod(int(tick), 12)
        out.append(f'<text x="{x:.1f}" y="{y1 + 16}" font-size="{tick_size}" text-anchor="middle">'
                   f"{year:04d}-{month + 1:02d}</text>")
        tick += step
    out.insert(2, f'<path d="{"".join(grid)}" {_stroke(GRID, 1)}/>')
    if unit:
        out.append(f'<text class="unit" x="{x0 - 6}" y="{y0 - 5}" font-size="{tick_size + 1}" '
                   f'text-anchor="end">{escape(unit)}</text>')

    # limits and centre line, constant within a segment, broken between segments
    for column, colour, width_, dash in (("upl", PALETTE["common_cause"], 1.3, "dash"),
                                         ("lpl", PALETTE["common_cause"], 1.3, "dash"),
                                         ("mean", PALETTE["mean_line"], 1.6, "solid")):
        path = _path(xs, py(columns[column]), groups=segments, lone=min(scale_x / 2, 12.0))
        if path:
            out.append(f'<path d="{path}" {_stroke(colour, width_, dash)}/>')
    if has_target:
        out.append(f'<path d="{_path(xs, py(columns["target"]), step=True)}" '
                   f'{_stroke(PALETTE["target"], 1.6, "dashdot")}/>')
    out.append(f'<path d="{_path(xs, py(values))}" {_stroke(PALETTE["value_line"], 1.6)}/>')
    # the points, coloured by their variation: common cause first, signals drawn over them, larger
    # (a dot is a zero-length stroke with round caps, white under coloured: in the PDF that is one
    # line per dot, where a <circle> becomes 32 curves, which made the PDF seven times larger)
    for kind in present:
        size = 9 if kind == "common_cause" else 12
        white = f'" stroke="white" stroke-width="{size + 2}"/><path d="'
        colour = f'" stroke="{POINT_COLOURS[kind]}" stroke-width="{size}"/>'
        dots = [f'<path d="M{xs[i]:.1f},{py(values[i]):.1f}h0{white}M{xs[i]:.1f},{py(values[i]):.1f}h0{colour}'
                for i, k in enumerate(kinds) if k == kind and math.isfinite(values[i])]
        out.append(f'<g stroke-linecap="round">{"".join(dots)}</g>')
    # a new baseline: dotted line and "new cycle" above the plot
    label = escape(t("chart.new_cycle", lang))
    for x, room, row in cycle_labels:
        out.append(f'<path d="M{x:.1f},{y0}V{y1}" {_stroke("#555555", 1, "dot")}/>')
        anchor = "" if room else ' text-anchor="end"'
        out.append(f'<text x="{x + 2 if room else x - 2:.1f}" y="{y0 - 3 - CYCLE_LABEL_ROW * row}" '
                   f'font-size="{tick_size}" fill="#555555"{anchor}>{label}</text>')

    # legend
    for r, row in enumerate(rows):
        y = y1 + 38 + 18 * r
        for x, (name, kind, colour, width_, dash) in row:
            if kind == "line":
                out.append(f'<path d="M{x:.1f},{y - 4}h34" {_stroke(colour, width_, dash)}/>')
            else:
                size = 9 if colour == POINT_COLOURS["common_cause"] else 11
                out.append(f'<path d="M{x + 17:.1f},{y - 4}h0" stroke="{colour}" stroke-width="{size}" '
                           'stroke-linecap="round"/>')
            out.append(f'<text x="{x + 40:.1f}" y="{y}" font-size="{legend_size}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
