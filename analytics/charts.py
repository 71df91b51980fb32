"""Plotly figures that draw what the statistics decided; they compute nothing themselves.

Used by the dashboard (interactive) and by the reports (exported to images), so both show the
same chart. Colours are the Making Data Count palette (icons.PALETTE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .i18n import t
from .icons import PALETTE, POINT_COLOURS
from .names import never_negative
from .units import shown_rounded, unit_shown

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, Arial, sans-serif"
RULE_KEYS = ("outside_limits", "trend", "two_of_three", "shift")
TOP_MARGIN = 60
CYCLE_LABEL_SIZE = 12
CYCLE_LABEL_ROW = 18           # px between stacked rows of cycle labels above the plot
UNIT_LABEL = "unit"             # the name of the annotation that writes the unit above the value axis
NARROWEST_PLOT = 600           # px: the plot's width on a narrow screen; wider, the labels only have more room


def text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK and full-width characters are one em, others about 0.58 em."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.58 for ch in text)


HALF_MONTH = pd.Timedelta(days=14)


def _segments(points: pd.DataFrame, column: str) -> tuple[list, list]:
    """x/y for a per-segment constant line, broken (None) between segments. A segment of one month
    (a cycle begun in the last month) is a level stub half a month either side of its point: a
    line through one point draws nothing, and the new cycle's mean went missing."""
    xs: list = []
    ys: list = []
    for _, segment in points.groupby("segment", sort=True):
        if len(segment) == 1:
            period = segment["period"].iloc[0]
            xs += [period - HALF_MONTH, period + HALF_MONTH, None]
            ys += [segment[column].iloc[0]] * 2 + [None]
            continue
        xs += list(segment["period"]) + [None]
        ys += list(segment[column]) + [None]
    return xs, ys


def axis_floor(points: pd.DataFrame, unit: str | None) -> float | None:
    """Where the value axis starts for a metric that cannot go below zero (a count, a duration):
    just under 0, so a point at 0 is drawn whole. A lower limit below zero (2.66 mean moving ranges
    under a small mean: -1.99 major incidents) stays in the statistics, as ptd_spc keeps it, and is
    not drawn (as its maintainers draw it, ylim(0, NA)): an axis down to -2 incidents read as if a
    count could be negative. None for any other unit: the axis takes in everything."""
    if not never_negative(unit):
        return None
    plotted = np.concatenate([_numbers(points[c]) for c in ("value", "mean", "upl", "target") if c in points])
    top = np.nanmax(plotted, initial=0.0)
    return -0.06 * top if top > 0 else -0.5


def lower_limit_drawn(points: pd.DataFrame, floor: float | None) -> bool:
    """Whether any of the lower limit is above the axis's floor (axis_floor): if not, the legend
    does not name a line the chart does not draw."""
    return floor is None or bool((_numbers(points["lpl"]) >= floor).any())


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as floats, NaN for a missing one (a before-and-after chart's target is pd.NA)."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _rules_fired(row: pd.Series, lang: str) -> str:
    fired = [t(f"rule.{rule}", lang) for rule in RULE_KEYS if bool(row.get(rule))]
    return ", ".join(fired)


def xmr_figure(points: pd.DataFrame, *, title: str, unit: str | None, decimals: int, lang: str,
               show_2sigma: bool = False, events: list[tuple[pd.Timestamp, str]] | None = None,
               height: int = 460, next_cycle: dict | None = None) -> go.Figure:
    """The XmR process behaviour chart of one metric.

    points: one metric's rows from analysis.points (period, value, segment, mean, lpl, upl,
    lower_2sigma, upper_2sigma, target, rebase, point_type and the rule flags).
    """
    points = points.sort_values("period")
    floor = axis_floor(points, unit)
    unit = unit_shown(unit, lang)                      # 个, 分 for a count or a score in Chinese
    unit_text = f" {unit}" if unit and unit != "%" else (unit or "")
    fig = go.Figure()
    for column, name, dash, colour in (("upl", t("chart.upl", lang), "dash", PALETTE["common_cause"]),
                                       ("lpl", t("chart.lpl", lang), "dash", PALETTE["common_cause"]),
                                       ("mean", t("chart.mean", lang), "solid", PALETTE["mean_line"])):
        xs, ys = _segments(points, column)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip",
                                 showlegend=column != "lpl" or lower_limit_drawn(points, floor),
                                 line={"color": colour, "width": 1.6 if column == "mean" else 1.3, "dash": dash}))
    if show_2sigma:
        for column in ("upper_2sigma", "lower_2sigma"):
            xs, ys = _segments(points, column)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=t("chart.two_sigma", lang), hoverinfo="skip",
                                     showlegend=column == "upper_2sigma",
                                     line={"color": PALETTE["common_cause"], "width": 1, "dash": "dot"}))
    if points["target"].notna().any():
        fig.add_trace(go.Scatter(x=points["period"], y=points["target"], mode="lines", name=t("chart.target", lang),
                                 line={"color": PALETTE["target"], "width": 1.6, "dash": "dashdot", "shape": "hv"},
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=points["period"], y=points["value"], mode="lines", showlegend=False,
                             hoverinfo="skip", line={"color": PALETTE["value_line"], "width": 1.6}))
    labels = {k: t(f"point.{k}", lang) for k in POINT_COLOURS}
    for point_type, colour in POINT_COLOURS.items():
        subset = points[points["point_type"] == point_type]
        if subset.empty:
            continue
        hover = [f"{p:%Y-%m}: {_number(v, decimals)}{unit_text}<br>{labels[point_type]}"
                 + (f"<br>{_rules_fired(row, lang)}" if point_type != "common_cause" else "")
                 for p, v, (_, row) in zip(subset["period"], subset["value"], subset.iterrows())]
        fig.add_trace(go.Scatter(
            x=subset["period"], y=subset["value"], mode="markers", name=labels[point_type],
            marker={"color": colour, "size": 9 if point_type == "common_cause" else 12,
                        "line": {"color": "white", "width": 1}},
            hovertext=hover, hoverinfo="text"))
    starts = list(points.loc[points["rebase"].astype(bool), "period"])
    for period in starts:
        fig.add_vline(x=period, line={"color": "#555555", "width": 1, "dash": "dot"})
    for period, label in events or []:
        fig.add_vline(x=period, line={"color": PALETTE["improvement"], "width": 1.2, "dash": "dash"})
        fig.add_annotation(x=period, y=0.0, yref="paper", text=label, showarrow=False, textangle=-90,
                           xanchor="right", yanchor="bottom", font={"size": 11, "color": PALETTE["improvement"]})
    if next_cycle:
        # a version that starts after the last month: the next cycle's baseline and target, ahead
        start = pd.Timestamp(next_cycle["from_period"])
        fig.add_vline(x=start, line={"color": "#555555", "width": 1, "dash": "dot"})
        for key, colour, dash in (("baseline", PALETTE["mean_line"], "solid"), ("target", PALETTE["target"], "dashdot")):
            value = next_cycle.get(key)
            if value is not None and not pd.isna(value):
                fig.add_trace(go.Scatter(x=[start, start + pd.offsets.MonthBegin(2)], y=[value, value], mode="lines",
                                         showlegend=False, hoverinfo="skip", line={"color": colour, "width": 2, "dash": dash}))
    rows = _add_cycle_labels(fig, points["period"], starts, next_cycle, lang, decimals)
    _add_unit_label(fig, unit)
    fig.update_layout(
        title={"text": title, "font": {"size": 20}}, height=height, template="plotly_white",
        # the title sits in the middle of the top margin: it grows twice a further row of labels to stay clear
        font={"family": FONT, "size": 14}, margin={"l": 60, "r": 20, "t": TOP_MARGIN + 2 * CYCLE_LABEL_ROW * (rows - 1),
                                                    "b": 40}, hovermode="closest",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        # the axis's own steps (0.5 on a count of 0s and 1s) are written in full: at the metric's decimals
        # they repeated (1, 1, 0, -1, -1); the points' hover keeps the metric's decimals
        yaxis={"tickformat": ","} | ({"autorangeoptions": {"minallowed": floor}} if floor is not None else {}),
        xaxis=_month_axis(points["period"]))
    return fig


def _add_unit_label(fig: go.Figure, unit: str | None) -> None:
    """The unit written level above the value axis, where a reader looks for it: plotly turns an axis
    title on its side, and 个 on its side reads as an arrow (←)."""
    if unit:
        fig.add_annotation(name=UNIT_LABEL, text=unit, x=0, xref="paper", xanchor="right", y=1, yref="paper",
                           yanchor="bottom", yshift=4, showarrow=False, font={"size": 13, "color": "#444444"})


def _cycle_label_texts(starts: list, next_cycle: dict | None, lang: str, decimals: int) -> list[tuple]:
    """(first month, text, to the right of its line?) of each cycle label: 'new cycle' to the right of a rebase's line,
    the next cycle's baseline and target to the left of its line (the plot ends just after it)."""
    labels = [(pd.Timestamp(start), t("chart.new_cycle", lang), True) for start in starts]
    if next_cycle:
        start = pd.Timestamp(next_cycle["from_period"])
        labels.append((start, t("chart.next_cycle", lang, period=start.strftime("%Y-%m"),
                                baseline=_number(next_cycle.get("baseline"), decimals),
                                target=_number(next_cycle.get("target"), decimals)), False))
    return labels


def _add_cycle_labels(fig: go.Figure, periods: pd.Series, starts: list, next_cycle: dict | None, lang: str,
                      decimals: int) -> int:
    """The cycle labels above the plot, none over another: two cycles a month apart, or a new cycle in
    the last months beside the next cycle's label, overprinted each other. A label goes left of its
    line where it has no room on the right (as chart_svg's), and up a row where it would still
    overlap one placed before; widths are judged on a narrow plot. Returns the number of rows."""
    labels = _cycle_label_texts(starts, next_cycle, lang, decimals)
    if not labels:
        return 1
    months = [_month(p) for p in periods] + [_month(start) for start, _, _ in labels]
    first, last = min(months), max(months) + (2 if next_cycle else 0)    # the next cycle's lines run two months
    per_month = NARROWEST_PLOT / max(last - first, 1)
    labels = sorted(labels, key=lambda label: label[0])
    sides, extents = [], []
    for start, text, left in labels:
        month, width = _month(start), (text_width(text, CYCLE_LABEL_SIZE) + 6) / per_month
        left = left and month + width <= last
        sides.append(left)
        extents.append((month, month + width) if left else (month - width, month))
    rows = label_rows(extents)
    for (start, text, _), left, row in zip(labels, sides, rows, strict=True):
        fig.add_annotation(x=start, y=1.0, yref="paper", text=text, showarrow=False, xanchor="left" if left else "right",
                           yanchor="bottom", yshift=row * CYCLE_LABEL_ROW,
                           font={"size": CYCLE_LABEL_SIZE, "color": "#555555"})
    return max(rows) + 1


def label_rows(extents: list[tuple[float, float]]) -> list[int]:
    """The row of each label above a plot (0 nearest it), given its (start, end) along the axis, in
    order: the first row where it overlaps no label placed before. The dashboard's and the
    report's charts stack their cycle labels so."""
    placed: list[list[tuple[float, float]]] = []
    rows = []
    for start, end in extents:
        row = next((r for r, taken in enumerate(placed) if all(end <= a or start >= b for a, b in taken)), len(placed))
        if row == len(placed):
            placed.append([])
        placed[row].append((start, end))
        rows.append(row)
    return rows


def _month(period) -> int:
    period = pd.Timestamp(period)
    return period.year * 12 + period.month - 1


def _month_axis(periods: pd.Series) -> dict:
    """A tick on each month of a short series: left to itself plotly ticks every half month there,
    writing each month twice (2026-07, 2026-07) and a label beside the wrong point."""
    months = periods.dt.to_period("M").nunique() if len(periods) else 0
    return {"tickformat": "%Y-%m", **({"dtick": "M1"} if months <= 12 else {})}


def _number(value, decimals: int) -> str:
    return "–" if value is None or pd.isna(value) else f"{shown_rounded(value, decimals):,.{decimals}f}"


def before_after_figure(points: pd.DataFrame, *, title: str, unit: str | None, decimals: int, lang: str,
                        go_live: pd.Timestamp) -> go.Figure:
    """Verification evidence: the pre-change limits projected over the months after go-live."""
    frame = points.assign(segment=0, rebase=False, target=pd.NA, lower_2sigma=pd.NA, upper_2sigma=pd.NA)
    for rule in RULE_KEYS:
        frame[rule] = False
    fig = xmr_figure(frame, title=title, unit=unit, decimals=decimals, lang=lang,
                     events=[(pd.Timestamp(go_live), t("chart.go_live", lang))], height=380)
    return fig


def sparkline_values(points: pd.DataFrame, months: int = 18) -> pd.Series:
    """The last `months` values of each metric as lists, for the scorecard's sparkline column."""
    recent = points.sort_values("period").groupby("metric_id").tail(months)
    # a month not reported is left out: a sparkline cell cannot draw a gap
    return recent.groupby("metric_id")["value"].agg(lambda v: [float(x) for x in v if not pd.isna(x)])
