"""Gap reports opened with real readers: openpyxl, csv, an HTML parser, pypdf; formulas stay inert."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from html.parser import HTMLParser

import openpyxl
import pytest

from analytics.analysis import analyse, analyse_output
from analytics.demo import load_demo
from analytics.report_content import build_report
from analytics.reports import render_report
from analytics.store import Store

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def report_store(tmp_path_factory):
    directory = tmp_path_factory.mktemp("reports")
    store = Store(directory / "demo.duckdb")
    load_demo(store, datetime.date(2026, 11, 25))
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
        shown_name = names[metric] if not names[metric].startswith("=") else "'" + names[metric]
        line = shown[shown_name]
        assert isinstance(line[2], (int, float)) and line[2] == pytest.approx(row["actual"])
    assert "'" + EVIL in shown                                     # the metric name is inert text
    assert len(book["控制图"]._charts) == len(content.charts) > 0


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
    assert "Plotly.newPlot" in page and page.count("plotly.js v") <= 2      # plotly.js inlined once
    assert '<td>=HYPERLINK("http://x","y")</td>' not in page and "=HYPERLINK(&quot;http://x&quot;" in page


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
