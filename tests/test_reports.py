"""Gap reports opened with real readers: openpyxl, csv, an HTML parser, pypdf; formulas stay inert."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest

from analytics.analysis import analyse, analyse_output
from analytics.report_content import build_report
from analytics.reports import render_report
from analytics.store import Store
from tests.conftest import demo_loaded

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def report_store(tmp_path_factory):
    directory = tmp_path_factory.mktemp("reports")
    store = Store(directory / "demo.duckdb")
    demo_loaded(store, datetime.date(2026, 11, 25))
    from analytics.cli import main

    evil = directory / "evil.csv"
    evil.write_text(f'metric,period,value\n"{EVIL.replace(chr(34), chr(34) * 2)}",2026-10,5\n', encoding="utf-8")
    assert main(["--db", str(store.path), "ingest", str(evil), "--create-metrics"]) == 0
    return store


@pytest.fixture(scope="module")
def content(report_store):
    return build_report(report_store, "2026-10", "zh")


def test_xlsx_has_typed_numbers_no_formulas_and_the_analysis_values(report_store, content, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["摘要", "差距", "数据", "控制图", "改进记录", "数据来源"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
    gaps = book["差距"]
    header = [c.value for c in gaps[1]]
    assert header[:3] == ["指标", "单位", "实际值"] and gaps.freeze_panes == "A2" and gaps.auto_filter.ref
    shown = {row[0]: row for row in gaps.iter_rows(min_row=2, values_only=True)}
    expected = analyse_output(analyse(report_store, "2026-10")).set_index("metric")
    names = {r.name: r.name_zh if isinstance(r.name_zh, str) else r.name
             for r in analyse(report_store, "2026-10").table.itertuples()}
    for metric, row in expected.iterrows():
        line = shown[names[metric]]
        assert isinstance(line[2], (int, float)) and line[2] == pytest.approx(row["actual"])
    assert EVIL in shown                                           # the metric name is inert text (quote-prefixed)
    assert len(book["控制图"]._charts) == len(content.charts) > 0
    # value, centre line, limits, target, and one marker-only series per kind of signal the metric shows
    signals = [len({kind.rsplit("_", 1)[0] if kind.startswith("special_cause_neutral") else kind
                    for kind in chart.points["point_type"].dropna()} - {"common_cause"}) for chart in content.charts]
    # a metric with more than one cycle has its mean and limits in two series each (odd and even cycles),
    # and one whose target changes has two target series
    cycles = [3 * (chart.points["segment"].nunique() > 1) + (chart.points["target"].dropna().nunique() > 1)
              for chart in content.charts]
    assert sorted(len(chart.series) for chart in book["控制图"]._charts) == sorted(
        5 + n + c for n, c in zip(signals, cycles))
    assert any(signals) and any(cycles)


def test_months_to_target_say_never_in_the_readers_language(report_store, content):
    table = analyse(report_store, "2026-10").table
    trending = table["trend"].isin(["improving", "worsening"])
    away = table["periods_to_target"].eq("never") & trending          # the slope moves away from the target
    assert away.any()
    shown = dict(zip(content.gaps["metric_id"], content.gaps["periods_to_target"]))
    assert {shown[i] for i in table.loc[away, "metric_id"]} == {"无法达到"}
    assert build_report(report_store, "2026-10", "en").gaps["periods_to_target"].eq("never").sum() == away.sum()


def test_months_to_target_are_shown_only_for_a_real_trend_and_as_whole_numbers(report_store, content, tmp_path):
    """Backlog over 30 days has no significant trend: its slope would put the target 418 months
    away, which the report must not print beside 'No trend'; a target met already is 0 months."""
    table = analyse(report_store, "2026-10").table.set_index("metric_id")
    shown = content.gaps.set_index("metric_id")["periods_to_target"]
    backlog = table.index[table["name"] == "Backlog over 30 days"][0]
    assert table.at[backlog, "trend"] == "no_trend" and table.at[backlog, "periods_to_target"] == 418
    assert shown[backlog] is None
    noise = table.index[(table["trend"] == "no_trend") & table["periods_to_target"].ne(0)]
    assert len(noise) >= 3 and shown[noise].isna().all()
    met = table.index[table["periods_to_target"].eq(0)]
    assert len(met) and (shown[met] == 0).all()
    self_service = table.index[table["name"] == "Self-service share"][0]
    assert table.at[self_service, "trend"] == "improving" and shown[self_service] == 9
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    sheet = openpyxl.load_workbook(path)["差距"]
    column = [c.value for c in sheet[1]].index("距目标月数") + 1
    formats = {sheet.cell(r, column).number_format for r in range(2, sheet.max_row + 1)
               if isinstance(sheet.cell(r, column).value, (int, float))}
    assert formats and not any("." in f for f in formats)          # 10, not 10.00
    rows = list(csv.reader(io.StringIO(render_report(content, "csv").decode("utf-8-sig"))))
    months = {row[rows[0].index("距目标月数")] for row in rows[1:]}
    assert "0" in months and "9" in months and not any("." in m for m in months)


@pytest.mark.parametrize(("lang", "worse_and_rising"), [("en", "↗ Worsening"), ("zh", "↗ 恶化")])
def test_a_trend_arrow_shows_which_way_the_values_move_and_its_word_whether_that_is_better(report_store, lang,
                                                                                          worse_and_rising):
    """Repeat incident rate is lower-is-better and rising: worse, with the arrow pointing up (an arrow
    by the verdict alone pointed down, and read as the line falling)."""
    table = analyse(report_store, "2026-10").table.set_index("metric_id")
    shown = build_report(report_store, "2026-10", lang).gaps.set_index("metric_id")["trend"]
    repeat = table.index[table["name"] == "Repeat incident rate"][0]
    assert table.at[repeat, "direction"] == "decrease" and table.at[repeat, "slope"] > 0
    assert shown[repeat] == worse_and_rising
    moving = table["trend"].isin(["improving", "worsening"])
    assert moving.sum() >= 2
    for metric_id in table.index[moving]:
        assert shown[metric_id][0] == ("↗" if table.at[metric_id, "slope"] > 0 else "↘")
    assert {shown[i][0] for i in table.index[table["trend"] == "no_trend"]} == {"→"}


def test_excel_charts_fit_their_value_axis_to_the_data_like_the_dashboard(content, tmp_path):
    import numpy as np

    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    charts = openpyxl.load_workbook(path)["控制图"]._charts
    for chart, data in zip(charts, content.charts):
        numbers = data.points[["value", "mean", "lpl", "upl", "target"]].to_numpy(dtype=float, na_value=np.nan)
        low, high = np.nanmin(numbers), np.nanmax(numbers)
        scaling = chart.y_axis.scaling
        assert scaling.min <= low and scaling.max >= high, data.name
        assert (scaling.max - scaling.min) < 2 * (high - low) + 1e-9, data.name   # not stretched to zero
        assert chart.y_axis.majorUnit > 0


def test_csv_is_utf8_with_bom_and_neutralised(content):
    data = render_report(content, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["指标", "单位", "实际值"]
    by_name = {r[0]: r for r in rows[1:]}
    assert "'" + EVIL in by_name and EVIL not in by_name
    assert float(by_name["服务台积压工单"][2]) == 173.0
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tables, self.external = [], 0, []

    def handle_starttag(self, tag, attrs):
        self.tables += tag == "table"
        for name, value in attrs:
            if name in ("src", "href") and value and value.startswith(("http:", "https:", "//")):
                self.external.append(value)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escaped(content):
    page = render_report(content, "html").decode("utf-8")
    parser = _Text()
    parser.feed(page)
    text = "".join(parser.text)
    assert "服务改进差距报告(2026-10)" in text and "服务台积压工单" in text
    assert parser.tables >= 3 and parser.external == []
    # the charts are inline SVG drawn from the analysis: no script to load or run, one per charted metric
    assert "<script" not in page and page.count("<svg ") == len(content.charts) > 0
    assert '<td>=HYPERLINK("http://x","y")</td>' not in page and "=HYPERLINK(&quot;http://x&quot;" in page


SVG = "{http://www.w3.org/2000/svg}"


def test_html_charts_show_what_the_dashboard_chart_shows(content):
    """Each inline SVG chart carries the dashboard figure's legend, a dot per value in its
    variation's colour, the target line, and the new-cycle marker where a baseline starts."""
    from analytics.charts import xmr_figure
    from analytics.icons import PALETTE, POINT_COLOURS

    page = render_report(content, "html").decode("utf-8")
    charts = [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", page, re.DOTALL)]   # well-formed XML
    assert len(charts) == len(content.charts)
    rebased = 0
    for chart, svg in zip(content.charts, charts):
        texts = ["".join(element.itertext()) for element in svg.iter(SVG + "text")]
        assert texts[0] == chart.name
        figure = xmr_figure(chart.points, title=chart.name, unit=chart.unit, decimals=chart.decimals, lang="zh")
        legend = [trace.name for trace in figure.data if trace.showlegend is not False]
        assert texts[-len(legend):] == legend
        paths = list(svg.iter(SVG + "path"))
        for kind, colour in POINT_COLOURS.items():
            expected = int(((chart.points["point_type"] == kind) & chart.points["value"].notna()).sum())
            dots = sum(path.get("d").count("h0") for path in paths if path.get("stroke") == colour)
            assert dots == expected + (expected > 0)                         # the points and a legend key
        assert any(path.get("stroke") == PALETTE["target"] for path in paths) == chart.points["target"].notna().any()
        assert ("新周期" in texts) == chart.points["rebase"].any()
        rebased += chart.points["rebase"].any()
    assert rebased > 0


def test_chart_svg_edge_cases():
    """A chart with one point, no target or only missing values still draws, escaped."""
    import pandas as pd

    from analytics.chart_svg import xmr_svg

    one = pd.DataFrame({"period": [pd.Timestamp("2026-01-01")], "value": [3.0], "mean": [3.0], "lpl": [1.0],
                        "upl": [5.0], "target": [float("nan")], "segment": [0], "rebase": [False],
                        "point_type": ["common_cause"]})
    svg = ET.fromstring(xmr_svg(one, title='<b>"x" & y</b>', unit="h", decimals=0, lang="en"))
    assert "".join(next(svg.iter(SVG + "text")).itertext()) == '<b>"x" & y</b>'
    empty = one.assign(value=float("nan"), mean=float("nan"), lpl=float("nan"), upl=float("nan"), point_type=None)
    ET.fromstring(xmr_svg(empty, title="空", unit=None, decimals=1, lang="zh"))
    ET.fromstring(xmr_svg(one.iloc[0:0], title="none", unit=None, decimals=1, lang="en"))


def test_the_report_chart_writes_its_unit_level_above_the_value_axis():
    """Found by exploratory testing: 个 turned on its side beside the axis read as an arrow (←)."""
    from analytics.chart_svg import xmr_svg

    points = pd.DataFrame({"period": pd.date_range("2026-01-01", periods=3, freq="MS"), "value": [3.0, 4.0, 5.0],
                           "mean": 4.0, "lpl": 1.0, "upl": 7.0, "target": float("nan"), "segment": 0, "rebase": False,
                           "point_type": "common_cause"})
    svg = ET.fromstring(xmr_svg(points, title="t", unit="count", decimals=0, lang="zh"))
    texts = list(svg.iter(SVG + "text"))
    unit = next(text for text in texts if text.text == "个")
    assert unit.get("transform") is None and unit.get("text-anchor") == "end"
    ticks = [text for text in texts if text.get("text-anchor") == "end" and text is not unit]
    assert float(unit.get("x")) == float(ticks[0].get("x"))                           # over the tick labels,
    assert float(unit.get("y")) < min(float(text.get("y")) for text in ticks) - 10     # above the highest
    assert float(unit.get("y")) > float(texts[0].get("y")) + 10                        # and below the title


@pytest.mark.parametrize("rebase_at, anchor", [(2, None), (11, "end")])
def test_a_new_cycle_label_stays_inside_the_chart(rebase_at, anchor):
    """Found by exploratory testing: a cycle starting in the last month had its label cut to 'new'
    at the chart's right edge; it is drawn to the left of its line there."""
    import pandas as pd

    from analytics.chart_svg import text_width, xmr_svg

    points = pd.DataFrame({"period": pd.date_range("2026-01-01", periods=12, freq="MS"), "value": [3.0] * 12,
                           "mean": 3.0, "lpl": 1.0, "upl": 5.0, "target": float("nan"), "segment": 0,
                           "rebase": [i == rebase_at for i in range(12)], "point_type": "common_cause"})
    svg = ET.fromstring(xmr_svg(points, title="t", unit="h", decimals=0, lang="en"))
    width = float(svg.get("viewBox").split()[2]) if svg.get("viewBox") else float(svg.get("width"))
    label = next(e for e in svg.iter(SVG + "text") if "".join(e.itertext()) == "new cycle")
    x, size = float(label.get("x")), float(label.get("font-size"))
    assert label.get("text-anchor") == anchor
    right = x if anchor == "end" else x + text_width("new cycle", size)
    assert right <= width


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_new_cycle_labels_a_month_apart_are_stacked_in_the_report_chart(lang):
    """Found by exploratory testing: two cycles begun a month apart had their 'new cycle' labels
    printed over each other in the HTML and PDF chart; the second goes a row up, and the plot moves
    down to make room for it. Far apart, both stay on the first row."""
    from analytics.chart_svg import xmr_svg
    from analytics.charts import text_width
    from analytics.i18n import t

    def labels(rebases):
        points = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=36, freq="MS"), "value": [3.0] * 36,
                               "mean": 3.0, "lpl": 1.0, "upl": 5.0, "target": float("nan"), "segment": 0,
                               "rebase": [i in rebases for i in range(36)], "point_type": "common_cause"})
        svg = ET.fromstring(xmr_svg(points, title="t", unit="h", decimals=0, lang=lang))
        title = next(svg.iter(SVG + "text"))
        found = [e for e in svg.iter(SVG + "text") if "".join(e.itertext()) == t("chart.new_cycle", lang)]
        return float(title.get("y")), [(float(e.get("x")), float(e.get("y")), float(e.get("font-size"))) for e in found]

    title_y, ((x1, y1, size), (x2, y2, _)) = labels({17, 18})
    assert x2 - x1 < text_width(t("chart.new_cycle", lang), size)        # side by side they would overlap
    assert y1 - y2 == 14                                                   # so the second is a row up
    assert y2 - size >= title_y                                            # below the title's baseline
    _, apart = labels({5, 25})
    assert apart[0][1] == apart[1][1] == y1 - 14                           # one row: the plot starts 14 px higher


@pytest.mark.parametrize("low, high, decimals", [(45, 58, 1), (50.001, 50.011, 1), (7, 7, 2), (0.951, 0.962, 3),
                                                 (100, 173, 0), (-5, 5, 1), (1e6, 1.2e6, 0)])
def test_chart_axis_ticks_are_round_distinct_and_inside(low, high, decimals):
    from analytics.chart_svg import nice_ticks

    bottom, top, ticks = nice_ticks(low, high, decimals)
    labels = [f"{v:,.{decimals}f}" for v in ticks]
    assert bottom <= low and top >= high and 2 <= len(ticks) <= 8
    assert len(set(labels)) == len(labels) and all(bottom - 1e-9 <= v <= top + 1e-9 for v in ticks)
    assert all(abs(float(label.replace(",", "")) - v) < 1e-9 for label, v in zip(labels, ticks))   # exact labels


@pytest.mark.slow
def test_pdf_is_a4_paginated_with_cjk_text(content):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_report(content, "pdf")))
    assert len(reader.pages) >= 3
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)                     # A4 in points
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))
    assert "服务改进差距报告(2026-10)" in text and "服务台积压工单" in text
    assert f"第 1 / {len(reader.pages)}" in text


def test_report_command(report_store, tmp_path):
    from analytics.cli import main

    out = tmp_path / "gaps.csv"
    assert main(["--db", str(report_store.path), "report", "--period", "2026-10", "--lang", "en", "--format", "csv",
                 "--output", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Metric", "Unit", "Actual"] and "Service desk backlog" in {r[0] for r in rows}
    assert main(["--db", str(report_store.path), "report", "--period", "soon", "--format", "csv", "--output",
                 str(out)]) == 2
    assert main(["--db", str(report_store.path), "report", "--format", "doc", "--output", str(out)]) == 2


def test_filters_narrow_the_report(report_store):
    content = build_report(report_store, "2026-10", "en", category="cost")
    assert set(content.gaps["metric"]) == {"Cost per ticket", "Overtime hours", "Licence utilisation",
                                           "IT cost per user"}


def test_excel_gap_percent_has_one_decimal_whatever_the_metric(content, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    gaps = openpyxl.load_workbook(path)["差距"]
    header = [c.value for c in gaps[1]]
    column = header.index("差距%") + 1
    formats = {gaps.cell(row, column).number_format for row in range(2, gaps.max_row + 1)
               if isinstance(gaps.cell(row, column).value, float)}
    assert formats == {"#,##0.0"}


def _three_cycles_report(cli, tmp_path, lang: str = "zh", mttr_target_from_2026: float | None = None,
                         ) -> openpyxl.Workbook:
    """First fix (%) with a new baseline every six months of 2025-01..2026-06 (three cycles, each at
    a higher level) and MTTR (h) in one cycle, both missing their targets; the report as `report` writes it.
    With `mttr_target_from_2026`, MTTR's target changes to it from 2026-01 (a new version, same cycle)."""
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text("name,unit,category,direction,process\nFirst fix,%,quality,increase,p1\n"
                         "MTTR,h,efficiency,decrease,p1\n", encoding="utf-8")
    months = [f"{2025 + i // 12}-{i % 12 + 1:02d}" for i in range(18)]
    values = tmp_path / "values.csv"
    values.write_text("metric,period,value\n" + "".join(
        f"First fix,{month},{60 + 10 * (i // 6) + (i % 3) * 0.5}\nMTTR,{month},{9 + (i % 2) * 0.3}\n"
        for i, month in enumerate(months)), encoding="utf-8")
    assert cli("metrics", "import", catalogue)[0] == 0 and cli("ingest", values)[0] == 0
    for start, baseline in (("2025-01", 60), ("2025-07", 70), ("2026-01", 80)):
        assert cli("baselines", "set", "--by", "t", "--metric", "First fix", "--baseline", baseline, "--target", 90, "--from", start,
                   "--reason", "new cycle")[0] == 0
    assert cli("baselines", "set", "--by", "t", "--metric", "MTTR", "--target", 8, "--from", "2025-01",
               "--reason", "target")[0] == 0
    if mttr_target_from_2026 is not None:
        assert cli("baselines", "set", "--by", "t", "--metric", "MTTR", "--target", mttr_target_from_2026,
                   "--from", "2026-01", "--reason", "stricter target")[0] == 0
    path = tmp_path / "r.xlsx"
    assert cli("report", "--period", "2026-06", "--lang", lang, "--format", "xlsx", "--output", path)[0] == 0
    return openpyxl.load_workbook(path)


def _series_cells(book: openpyxl.Workbook, series) -> list[tuple[int, object]]:
    """(row, value) of each Data cell a chart series is drawn from."""
    sheet_name, cells = series.val.numRef.f.rsplit("!", 1)
    first, last = cells.replace("$", "").split(":")
    column = re.match(r"[A-Z]+", first).group()
    rows = range(int(first[len(column):]), int(last[len(column):]) + 1)
    sheet = book[sheet_name.strip("'")]
    return [(row, sheet[f"{column}{row}"].value) for row in rows]


def test_excel_mean_and_limits_step_at_a_new_cycle_instead_of_sloping_into_it(cli, tmp_path):
    """Found by exploratory testing: the mean and limits were one series through every month, so
    the chart drew a slope from the last month's old limits to the new cycle's, reading as a
    trend. Each cycle's line is drawn apart (blank cells drawn as gaps), with one legend entry."""
    book = _three_cycles_report(cli, tmp_path)
    data = book["数据"]
    cycle = {row: 1 + (data[f"B{row}"].value >= "2025-07") + (data[f"B{row}"].value >= "2026-01")
             for row in range(2, data.max_row + 1)}
    charts = {data[f"A{_series_cells(book, chart.series[0])[0][0]}"].value: chart for chart in book["控制图"]._charts}
    assert set(charts) == {"First fix", "MTTR"}
    chart = charts["First fix"]
    assert chart.display_blanks == "gap"
    unlisted = []
    for name, column in (("均值", "D"), ("控制下限", "E"), ("控制上限", "F")):
        indices = [i for i, line in enumerate(chart.series) if line.tx.v == name]
        series = [chart.series[i] for i in indices]
        assert len(series) == 2, name
        unlisted.append(indices[1])                                   # one legend entry per line
        drawn: dict[int, float] = {}
        for line in series:
            cells = _series_cells(book, line)
            for (row, value), (next_row, next_value) in itertools.pairwise(cells):
                if value is not None and next_value is not None:      # a segment of the line: within one cycle
                    assert cycle[row] == cycle[next_row], (name, row)
            drawn.update({row: value for row, value in cells if value is not None})
        assert drawn == {row: data[f"{column}{row}"].value for row in cycle if data[f"A{row}"].value == "First fix"}
    assert sorted(entry.idx for entry in chart.legend.legendEntry if entry.delete) == unlisted
    assert [s.tx.v for s in charts["MTTR"].series] == ["数值", "均值", "控制下限", "控制上限", "目标"]
    assert not charts["MTTR"].legend.legendEntry


def test_excel_target_line_steps_where_a_new_version_changes_the_target(cli, tmp_path):
    """Found by exploratory testing: MTTR's target went from 8 h to 7 h in 2026-01, and the chart's
    one target series drew a slope from 8 in 2025-12 to 7 in 2026-01, as if the target eased down
    over the month. The target is drawn as two series (8 through 2025-12, 7 from 2026-01) with a
    gap between, one legend entry; every month's target is still drawn once. (A new version is a
    new cycle, so the mean and limits step there too, as before.)"""
    book = _three_cycles_report(cli, tmp_path, "en", mttr_target_from_2026=7)
    data = book["Data"]
    header = [cell.value for cell in data[1]]
    assert header[-2:] == ["Target (targets 1, 3, 5…)", "Target (targets 2, 4, 6…)"]
    charts = {data[f"A{_series_cells(book, chart.series[0])[0][0]}"].value: chart for chart in book["Charts"]._charts}
    chart = charts["MTTR"]
    indices = [i for i, line in enumerate(chart.series) if line.tx.v == "Target"]
    assert len(indices) == 2
    first, second = ({row: value for row, value in _series_cells(book, chart.series[i]) if value is not None}
                     for i in indices)
    month = {row: data[f"B{row}"].value for row in {*first, *second}}
    assert set(first.values()) == {8} and set(second.values()) == {7}
    assert max(month[row] for row in first) == "2025-12" and min(month[row] for row in second) == "2026-01"
    assert len(first) + len(second) == 18                           # every month's target, once
    unlisted = {entry.idx for entry in chart.legend.legendEntry if entry.delete}
    assert indices[1] in unlisted and indices[0] not in unlisted         # one legend entry for the target
    # First fix keeps one target series: its target (90) never changed
    assert [line.tx.v for line in charts["First fix"].series].count("Target") == 1


@pytest.mark.parametrize("lang, gap_header", [("zh", "差距"), ("en", "Gap")])
def test_excel_gap_of_a_percent_metric_is_shown_in_percentage_points(cli, tmp_path, lang, gap_header):
    """Found by exploratory testing: the Unit column says % for a first-fix rate, right for its
    actual, baseline and target, but its gap is in percentage points, as the HTML and PDF say
    ('9.0 pp', in a Chinese report '9.0 百分点'); the gap cell stays a number at the row's decimals."""
    book = _three_cycles_report(cli, tmp_path, lang)
    gaps = book.worksheets[1]
    header = [cell.value for cell in gaps[1]]
    rows = {row[0].value: row for row in gaps.iter_rows(min_row=2)}
    percent, hours = rows["First fix"][header.index(gap_header)], rows["MTTR"][header.index(gap_header)]
    assert (percent.value, percent.number_format) == (9, '#,##0.0" 百分点"' if lang == "zh" else '#,##0.0" pp"')
    assert hours.value == pytest.approx(1.3) and hours.number_format == "#,##0.0"
    assert [rows["First fix"][1].value, rows["MTTR"][1].value] == ["%", "小时" if lang == "zh" else "h"]   # as shown


def _analysed_priorities(store, period: str, process: str) -> list[int]:
    table = analyse(store, period).table
    return sorted(int(p) for p in table.loc[table["process"] == process, "priority"].dropna())


def test_a_filtered_report_shows_the_real_priority_ranks_in_every_format(report_store, tmp_path):
    """The demo's incident metrics rank 2 (Backlog over 30 days) and 5 (Incident MTTR) among all
    metrics; the HTML and Excel show 2 and 5, not a list renumbered 1, 2."""
    content = build_report(report_store, "2026-10", "en", process="incident")
    assert _analysed_priorities(report_store, "2026-10", "incident") == [2, 5]
    page = render_report(content, "html").decode("utf-8")
    top = re.search(r'<table class="top">(.*?)</table>', page, re.DOTALL).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', top) == ["2", "5"] and "<ol" not in page
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    summary = openpyxl.load_workbook(path)["Summary"]
    assert [summary.cell(row, 1).value for row in (11, 12)] == [2, 5]


@pytest.mark.parametrize("lang, process, category, title", [
    ("zh", "incident", None, "服务改进差距报告(2026-10) · 仅流程:事件管理"),      # the catalogue keeps incident
    ("zh", None, "efficiency", "服务改进差距报告(2026-10) · 仅类别:流程执行效率"),
    ("en", "incident", "efficiency", ("Service improvement gap report, 2026-10 · process incident only · "
                                     "category Process efficiency only")),
    ("zh", None, None, "服务改进差距报告(2026-10)"),
])
def test_a_filtered_report_says_what_it_covers_in_its_title(report_store, tmp_path, lang, process, category, title):
    """Found by exploratory testing: an incident-only report was titled as the organisation's (its
    counts '2 达标 … 2 未达标' read as everyone's) once passed round after the meeting."""
    content = build_report(report_store, "2026-10", lang, process=process, category=category)
    assert content.title == title
    assert f"<h1>{title}</h1>" in render_report(content, "html").decode("utf-8")
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    assert openpyxl.load_workbook(path).worksheets[0].cell(1, 1).value == title


def test_the_reports_page_shows_the_real_ranks_in_a_table_not_markdown(report_store, monkeypatch):
    """Names go in dataframe cells: a metric named [x](http://...) or a_b *c* is not rendered as markdown."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("CSI_DB", str(report_store.path))
    monkeypatch.setenv("CSI_AUTH", "off")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/reports.py").run()
    at.selectbox(key="report_period").set_value("2026-10").run()
    at.selectbox(key="report_process").set_value("incident").run()
    assert not at.exception
    top = at.dataframe[0].value
    assert list(top["Priority"]) == [2, 5] and list(top["Metric"]) == ["Backlog over 30 days", "Incident MTTR"]
    assert not any("Incident MTTR" in m.value for m in at.markdown)


@pytest.mark.parametrize("option, value, canonical", [("--process", "Incident", "incident"),
                                                      ("--process", "INCIDENT", "incident"),
                                                      ("--process", "事件管理", "incident"),
                                                      ("--category", "Cost", "cost"), ("--category", "服务成本", "cost")])
def test_a_filter_matches_the_catalogue_in_any_case_and_chinese_category_names(report_store, tmp_path, option,
                                                                              value, canonical):
    from analytics.cli import main

    out, exact = tmp_path / "a.csv", tmp_path / "b.csv"
    args = ["--db", str(report_store.path), "report", "--period", "2026-10", "--lang", "en", "--format", "csv"]
    assert main([*args, "--output", str(out), option, value]) == 0
    assert main([*args, "--output", str(exact), option, canonical]) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert out.read_bytes() == exact.read_bytes() and len(rows) > 1       # the same metrics, not an empty table


@pytest.mark.parametrize("option, value, listed", [("--process", "nosuch", "incident, problem"),
                                                   ("--category", "Costs", "cost, efficiency")])
def test_a_filter_that_names_nothing_is_refused_with_the_known_values(report_store, tmp_path, capsys, option, value,
                                                                      listed):
    from analytics.cli import main
    from analytics.localise import message_text

    out = tmp_path / "x.csv"
    assert main(["--db", str(report_store.path), "report", "--format", "csv", "--output", str(out), option,
                 value]) == 1
    error = capsys.readouterr().err
    assert f"'{value}' is not one of" in error and listed in error and not out.exists()
    assert message_text(error.strip(), "zh").startswith(("流程“nosuch”无效,可选:", "类别“Costs”无效"))


def _two_processes(cli, tmp_path, *uploads: dict[str, range]) -> None:
    """Alpha (process p1) and Beta (p2), then one upload per dict of metric -> months of 2026."""
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text("name,unit,category,direction,process\nAlpha,count,quality,increase,p1\n"
                         "Beta,count,cost,decrease,p2\n", encoding="utf-8")
    assert cli("metrics", "import", catalogue)[0] == 0
    for n, months in enumerate(uploads):
        values = tmp_path / f"values{n}.csv"
        values.write_text("metric,period,value\n" + "".join(f"{name},2026-0{m},{m}\n" for name, ms in months.items()
                                                            for m in ms), encoding="utf-8")
        assert cli("ingest", values)[0] == 0


def test_a_filtered_report_lists_only_the_records_of_its_metrics(cli, tmp_path):
    """Process p2's metric has values from 2026-04 only: its 2026-02 report has no metric, so no record,
    where the empty set of metric ids was taken for 'no filter' and p1's record was listed."""
    _two_processes(cli, tmp_path, {"Alpha": range(1, 7), "Beta": range(4, 7)})
    assert cli("users", "add", "qa", "--role", "improvement_owner", "--no-password")[0] == 0
    code, _, err = cli("records", "raise", "--title", "Alpha plan", "--by", "qa", "--metric", "Alpha",
                       "--period", "2026-01")
    assert code == 0, err
    from analytics.store import Store

    store = Store(tmp_path / "store.duckdb")
    assert build_report(store, "2026-02", "en", process="p2").records.empty
    assert list(build_report(store, "2026-05", "en", process="p2").records["title"]) == []
    assert list(build_report(store, "2026-05", "en", process="p1").records["title"]) == ["Alpha plan"]
    assert list(build_report(store, "2026-05", "en").records["title"]) == ["Alpha plan"]


def test_a_report_for_a_month_without_values_says_so_and_ranks_nothing(report_store, tmp_path, capsys):
    """As analyse notes it; and its summary lists no 'special cause of concern' beside 0 concerns:
    no metric is ranked on an earlier month's signal, by analyse or the report."""
    from analytics.cli import main

    out = tmp_path / "future.csv"
    args = ["--db", str(report_store.path), "report", "--format", "csv", "--output", str(out), "--period"]
    assert main([*args, "2027-06"]) == 0
    assert "note: no values for 2027-06; metrics show as no_data" in capsys.readouterr().err
    assert analyse_output(analyse(report_store, "2027-06"))["priority"].isna().all()        # as analyse says
    content = build_report(report_store, "2027-06", "en")
    assert content.headline["concerns"] == 0 and content.top == []
    assert content.gaps["priority"].isna().all() and content.gaps["reason"].isna().all()
    assert main([*args, "2026-10"]) == 0 and "note:" not in capsys.readouterr().err
    # before the first month with data there is no metric to show as no_data (found by exploratory testing)
    assert main([*args, "2019-01"]) == 0 and build_report(report_store, "2019-01", "en").gaps.empty
    assert capsys.readouterr().err.startswith("note: no values for 2019-01 or any month before it; nothing to show\n")
    assert main(["--db", str(report_store.path), "analyse", "--period", "2019-01"]) == 0
    assert capsys.readouterr().err == "note: no values for 2019-01 or any month before it; nothing to show\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_records_name_their_metric_as_the_gap_table_does(report_store, tmp_path, lang):
    """The demo's open records are on 事件平均解决时间, 一次解决率, 服务台积压工单: the Chinese report said
    Incident MTTR, First contact resolution, Service desk backlog in its records table."""
    content = build_report(report_store, "2026-10", lang)
    gap_names = dict(zip(content.gaps["metric_id"], content.gaps["metric"]))
    from analytics.records import list_records

    records = list_records(report_store).set_index("id")
    expected = [gap_names[records.at[i, "metric_id"]] for i in content.records["id"]]
    assert list(content.records["metric"]) == expected and len(expected) >= 3
    assert ("事件平均解决时间" in expected) == (lang == "zh")
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    sheet = openpyxl.load_workbook(path)[content.label("report.records")]
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected
    assert next(sheet.iter_rows(max_row=1, values_only=True)) == {      # column headings, not the form's labels
        "zh": ("#", "标题", "状态", "指标", "负责人", "完成期限", "变更单号", "上线月份", "验证结论"),
        "en": ("#", "Title", "State", "Metric", "Owner", "Due date", "Change ref.", "Go-live", "Verdict")}[lang]
    html = render_report(content, "html").decode("utf-8")
    assert all(f"<td>{name}</td>" in html for name in expected)
    headings = {"zh": ("<th>完成期限</th><th>变更单号</th><th>上线月份</th>", "<th>数据来源</th>"),
                "en": ("<th>Due date</th><th>Change ref.</th><th>Go-live</th>", "<th>Source</th>")}[lang]
    assert all(heading in html for heading in headings)              # the records and the sources say what Excel's do


@pytest.mark.parametrize("where, why", [("missing/x.csv", "its folder does not exist"), (".", "it is a folder")])
def test_a_report_path_that_cannot_be_written_is_refused_in_one_line(report_store, tmp_path, capsys, where, why):
    from analytics.cli import main

    target = tmp_path / where
    assert main(["--db", str(report_store.path), "report", "--format", "csv", "--output", str(target)]) == 1
    error = capsys.readouterr().err
    assert error == f"cannot write the report to {target}: {why}\n"


@pytest.mark.parametrize("command", [["report", "--period", "2026-10", "--format", "csv"],
                                     ["plan", "--year", "2026", "--format", "csv"]])
def test_a_report_or_plan_goes_to_stdout_and_through_a_link(report_store, tmp_path, command):
    """Found by review: writing under a temporary name broke --output /dev/stdout (a batch job pipes
    the CSV into mail) and replaced a symbolic link by a file; the line saying what was written
    went into the piped CSV."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-m", "analytics", "--db", str(report_store.path), *command,
                           "--output", "/dev/stdout"], check=False, cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8-sig")
    assert text.count("\n") > 2 and "/dev/stdout:" not in text
    assert done.stderr.decode("utf-8").startswith("/dev/stdout: csv ")
    shared, link = tmp_path / "shared.csv", tmp_path / "link.csv"
    shared.write_text("old")
    link.symlink_to(shared)
    done = subprocess.run([sys.executable, "-m", "analytics", "--db", str(report_store.path), *command,
                           "--output", str(link)], check=False, cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0 and link.is_symlink() and shared.read_bytes() == done_bytes(report_store, command)


def done_bytes(store, command) -> bytes:
    """What the command writes to a file, for comparing what went through the link."""
    import contextlib
    import io
    import tempfile
    from pathlib import Path

    from analytics.cli import main

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "direct.csv"
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["--db", str(store.path), *command, "--output", str(path)]) == 0
        return path.read_bytes()


def test_a_chinese_report_names_count_and_score_units_in_chinese(report_store, tmp_path):
    """Found by exploratory testing: the Chinese report's 单位 column and chart axes said count, score."""
    zh, en = (build_report(report_store, "2026-10", lang) for lang in ("zh", "en"))
    assert {"count", "score"} <= set(en.gaps["unit"].dropna())
    assert not {"count", "score"} & set(zh.gaps["unit"].dropna()) and {"个", "分"} <= set(zh.gaps["unit"].dropna())
    csv = render_report(zh, "csv").decode("utf-8-sig")
    assert ",count," not in csv and ",score," not in csv
    page = render_report(zh, "html").decode("utf-8")
    assert ">count</text>" not in page and ">个</text>" in page


def test_a_report_the_disk_cannot_hold_leaves_last_month_s_report_whole(report_store, tmp_path):
    """Found by exploratory testing: a report written to a full disk left a 0-byte file, and one
    written over last month's cut it short first. Here no file may grow past 1 kB (RLIMIT_FSIZE)."""
    import resource
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    target = tmp_path / "gap-report.xlsx"
    target.write_bytes(b"last month's report")

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    done = subprocess.run([sys.executable, "-m", "analytics", "--db", str(report_store.path), "report", "--period",
                           "2026-10", "--format", "xlsx", "--output", str(target)], check=False, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, preexec_fn=small_disk)
    assert done.returncode == 1 and done.stderr == f"cannot write the report to {target}: File too large\n"
    assert target.read_bytes() == b"last month's report"
    assert [p.name for p in tmp_path.iterdir()] == ["gap-report.xlsx"]          # no partial file left


def test_excel_shows_formula_like_text_as_typed_quote_prefixed_and_csv_with_an_apostrophe(content, tmp_path):
    """=HYPERLINK(...) as a metric name: the cell holds the text itself with Excel's quote prefix
    (no visible apostrophe; editing it does not run it), where it showed '=HYPERLINK(...)."""
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    evil = [cell for cell in cells if cell.value == EVIL]
    assert "差距" in {cell.parent.title for cell in evil}          # not charted: no target
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in evil)
    assert not any(isinstance(cell.value, str) and cell.value.startswith("'=") for cell in cells)
    assert not any(cell.quotePrefix for cell in cells if isinstance(cell.value, (int, float)))   # numbers stay numbers
    line = next(row for row in book["差距"].iter_rows(min_row=2) if row[0].value == EVIL)
    assert line[2].value == 5 and line[2].data_type == "n"          # its one value (2026-10), a number
    # the CSV keeps the apostrophe (no cell formats): test_csv_is_utf8_with_bom_and_neutralised


def test_the_uploads_table_lists_the_uploads_the_reports_values_came_from(cli, tmp_path):
    """Upload 1 holds Alpha's (p1) 2026-01..03, upload 2 Beta's (p2) 2026-01..03, upload 3 Alpha's 2026-05:
    a report lists the uploads with a current value of its metrics up to its month, not all three."""
    _two_processes(cli, tmp_path, {"Alpha": range(1, 4)}, {"Beta": range(1, 4)}, {"Alpha": [5]})
    from analytics.store import Store

    store = Store(tmp_path / "store.duckdb")
    assert list(build_report(store, "2026-03", "en").uploads["id"]) == [2, 1]
    assert list(build_report(store, "2026-03", "en", process="p1").uploads["id"]) == [1]
    assert list(build_report(store, "2026-05", "en", process="p2").uploads["id"]) == [2]
    assert list(build_report(store, "2026-05", "en").uploads["id"]) == [3, 2, 1]
    assert cli("rollback", "3", "--by", "qa")[0] == 0                           # no longer a source
    assert list(build_report(store, "2026-05", "en", process="p1").uploads["id"]) == [1]


def test_csv_numbers_are_written_at_the_metrics_decimals(report_store):
    """As the workbook shows them: gap_pct at one decimal, the rest at the metric's decimals."""
    content = build_report(report_store, "2026-10", "en")
    rows = list(csv.reader(io.StringIO(render_report(content, "csv").decode("utf-8-sig"))))
    by_name = {r[0]: r[2:7] for r in rows[1:]}                       # actual, baseline, target, gap, gap %
    # First contact resolution (1 decimal): 75.0 - 66.2 = 8.8 (a float 8.799999999999997); 8.8 / 75 = 11.73%
    assert by_name["First contact resolution"] == ["66.2", "67.6", "75.0", "8.8", "11.7"]
    # Backlog over 30 days (0 decimals): 84 - 40 = 44; 44 / 40 = 110% (a float 110.00000000000001)
    assert by_name["Backlog over 30 days"] == ["84", "78", "40", "44", "110.0"]
    # Change lead time (0 decimals) met its target: 68 - 72 = -4, -4 / 72 = -5.56%: numbers, no apostrophe
    assert by_name["Change lead time"] == ["68", "72", "72", "-4", "-5.6"]


def test_excel_print_setup_due_dates_and_file_names_with_the_filter(cli, tmp_path):
    _two_processes(cli, tmp_path, {"Alpha": range(1, 7), "Beta": range(1, 7)})
    assert cli("users", "add", "qa", "--role", "improvement_owner", "--no-password")[0] == 0
    assert cli("records", "raise", "--title", "Alpha plan", "--by", "qa", "--metric", "Alpha", "--period", "2026-05",
               "--due", "2027-01-15")[0] == 0
    from analytics.reports import report_file_name
    from analytics.store import Store

    store = Store(tmp_path / "store.duckdb")
    content = build_report(store, "2026-06", "en", process="P1")
    assert report_file_name(content, "xlsx") == "gap-report-2026-06-p1-en.xlsx"
    assert report_file_name(build_report(store, "2026-06", "zh", category="服务成本"), "csv") == \
        "gap-report-2026-06-cost-zh.csv"
    assert report_file_name(build_report(store, "2026-06", "zh"), "pdf") == "gap-report-2026-06-zh.pdf"
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    book = openpyxl.load_workbook(path)
    due = book["Records"]["F2"]
    assert due.value == datetime.datetime(2027, 1, 15) and due.number_format == "yyyy-mm-dd"    # a day, no 00:00
    for name in ("Summary", "Gaps"):
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToHeight == 0                    # one page wide, as many long as needed
    assert book["Gaps"].print_title_rows == "$1:$1"


def test_a_gap_hidden_by_the_metrics_decimals_is_shown_with_more(cli, tmp_path):
    """Found by exploratory testing: 98.96% against a target of 99% at one decimal read 99.0, 99.0,
    gap 0.0 pp, 'missed', ranked first. Its row is shown at two decimals, the other rows at one."""
    from tests.conftest import load_through_cli

    values = "metric,period,value\n" + "".join(f"Change success,2026-{m:02d},{v}\nAvailability,2026-{m:02d},99.5\n"
                                               for m, v in zip(range(1, 12), [99.2] * 10 + [98.96]))
    load_through_cli(cli, tmp_path, "name,unit,direction,decimals,tolerance,baseline,target,from_period\n"
                     "Change success,%,increase,1,0,99,99,2026-01\nAvailability,%,increase,1,0,99,99,2026-01\n",
                     values)
    code, _, err = cli("report", "--period", "2026-11", "--lang", "en", "--format", "csv", "--output",
                       tmp_path / "r.csv")
    assert code == 0, err
    rows = {row["Metric"]: row for row in csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig")))}
    change = rows["Change success"]
    assert (change["Actual"], change["Target"], change["Gap"], change["Status"]) == ("98.96", "99.00", "0.04", "Missed")
    assert change["Why"].startswith("missed target by 0.04 pp")
    assert (rows["Availability"]["Actual"], rows["Availability"]["Gap"]) == ("99.5", "-0.5")


def test_the_change_since_baseline_is_in_every_report_format(report_store, tmp_path):
    """SPEC 6 asks for the change since baseline, direction-aware; the analysis computed it and no
    report showed it (found by exploratory testing). Last in the CSV and the workbook's gap sheet:
    a batch job reading the columns by position keeps working."""
    table = analyse(report_store, "2026-10").table.set_index("metric_id")
    content = build_report(report_store, "2026-10", "en")
    shown = content.gaps.set_index("metric_id")["since_baseline"]
    words = {"improved": "Better", "worsened": "Worse", "unchanged": "Same"}
    for metric_id, change in table["change_since_baseline"].items():
        assert shown[metric_id] == words[change] if isinstance(change, str) else pd.isna(shown[metric_id])
    assert {"Better", "Worse"} <= set(shown.dropna())
    # MTTR, lower is better: below its baseline is better
    mttr = table.index[table["name"] == "Incident MTTR"][0]
    assert (table.at[mttr, "actual"] < table.at[mttr, "baseline"]) == (shown[mttr] == "Better")
    rows = list(csv.reader(io.StringIO(render_report(content, "csv").decode("utf-8-sig"))))
    assert rows[0][-2:] == ["Why", "Since baseline"]
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_report(content, "xlsx"))
    assert [c.value for c in openpyxl.load_workbook(path)["Gaps"][1]][-1] == "Since baseline"
    assert "<th>Since baseline</th>" in render_report(content, "html").decode("utf-8")
    assert build_report(report_store, "2026-10", "zh").gaps["since_baseline"].isin(["改善", "变差"]).any()


def test_the_workbooks_uploads_sheet_names_the_source_in_the_readers_language(report_store, tmp_path):
    """Found by exploratory testing: the Chinese workbook's 数据来源 sheet said service_report."""
    for lang, word in (("zh", "服务报告"), ("en", "Service report")):
        content = build_report(report_store, "2026-10", lang)
        path = tmp_path / f"{lang}.xlsx"
        path.write_bytes(render_report(content, "xlsx"))
        sheet = openpyxl.load_workbook(path)[content.label("report.uploads")]
        header = [c.value for c in sheet[1]]
        sources = {row[header.index(content.label("upload.source"))] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert word in sources and "service_report" not in sources


def test_the_html_report_s_gap_percent_has_the_sign_of_the_gap_beside_it(store):
    """Found by exploratory testing (on the scorecard): '+0.0%' beside a gap of '-0.04 pp'."""
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(store, pd.DataFrame({"name": ["Availability"], "unit": ["%"], "direction": ["increase"],
                                          "target": [99.9], "decimals": [2], "from_period": ["2026-01"]}), by="t")
    apply_ingest(store, plan_records(store, pd.DataFrame(      # 0.04 points above its target
        {"metric": ["Availability"], "period": ["2026-01"], "value": [99.94]}), "one.csv"), by="t")
    content = build_report(store, "2026-01", "en")
    page = render_report(content, "html").decode("utf-8")
    row = page.split("-0.04 pp")[1].split("</tr>")[0]
    assert ">-0.0%<" in row and "+0.0%" not in row
    # the CSV too (it wrote 0.0 beside -0.04)
    line = next(csv.DictReader(io.StringIO(render_report(content, "csv").decode("utf-8-sig"))))
    assert (line["Gap"], line["Gap %"]) == ("-0.04", "-0.0")
