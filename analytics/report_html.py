"""The gap report as one self-contained HTML file (inline CSS, charts embedded, works offline),
printable on A4; and the PDF made from it by the system Chromium in headless mode.

The charts are the dashboard's XmR chart drawn as inline SVG (chart_svg.xmr_svg) from the same
analysis points: no script, so the file opens at once in any browser or mail client, and the
PDF is printed as soon as the page has loaded, with nothing asynchronous to wait for (no
virtual-time budget, no browser per chart: one headless Chromium prints the whole report).
Page headers, footers and page numbers come from CSS paged media, which Chromium prints.
"""

from __future__ import annotations

import datetime
import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from .chart_svg import xmr_svg
from .charts import FONT
from .report_content import ReportContent
from .scorecard import STATUS_COLOURS
from .units import format_difference, format_number, pct_shown

CHART_WIDTH, CHART_HEIGHT = 700, 300


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return html.escape(str(value))


def _table(headers: list[str], rows: list[list[str]], classes: str = "") -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in row) + "</tr>" for row in rows)
    return f'<table class="{classes}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _td(value: object, numeric: bool = False, style: str = "") -> str:
    cls = ' class="num"' if numeric else ""
    css = f' style="{style}"' if style else ""
    return f"<td{cls}{css}>{_e(value)}</td>"


def write_html(content: ReportContent) -> str:
    label = content.label
    parts = [f"<h1>{_e(content.title)}</h1>",
             f'<p class="meta">{_e(label("report.generated", when=datetime.datetime.now().strftime("%Y-%m-%d %H:%M")))}</p>',
             f"<h2>{_e(label('report.summary'))}</h2>", '<div class="cards">']
    for key in ("met", "near", "missed", "improvements", "concerns"):
        parts.append(f'<div class="card"><div class="n">{content.headline[key]}</div>'
                     f'<div>{_e(label(f"sc.{key}"))}</div></div>')
    parts.append("</div>")
    if content.top:
        # a table with the rank as analyse gives it: an <ol> would renumber a filtered report's 2, 5 as 1, 2
        parts.append(f"<h3>{_e(label('report.top'))}</h3>")
        parts.append(_table([_e(h) for h in content.top_table().columns],
                            [[_td(p, True), f"<td><b>{_e(m)}</b></td>", _td(r)] for p, m, r in content.top], "top"))

    parts.append(f"<h2>{_e(label('report.gaps'))}</h2>")
    headers = [label(k) for k in ("col.priority", "col.metric", "col.actual", "col.target", "col.baseline",
                                  "col.since_baseline", "col.gap", "col.gap_pct", "col.status", "col.variation", "col.assurance",
                                  "col.trend", "report.ptt")]
    rows = []
    for row in content.gaps.itertuples():
        unit, places = row.unit if isinstance(row.unit, str) else None, int(row.decimals)
        rows.append([_td(row.priority if pd.notna(row.priority) else "", True), _td(row.metric),
                     _td(format_number(row.actual, unit, places), True), _td(format_number(row.target, unit, places), True),
                     _td(format_number(row.baseline, unit, places), True), _td(row.since_baseline),
                     _td(format_difference(row.gap, unit, places, lang=content.lang), True),
                     _td("" if pd.isna(row.gap_pct) else f"{pct_shown(row.gap_pct, row.gap, places):+.1f}%", True),
                     _td(row.status, style=f"background:{STATUS_COLOURS.get(row.status_key, '#fff')}"),
                     _td(row.variation), _td(row.assurance), _td(row.trend), _td(row.periods_to_target, True)])
    parts.append(_table([_e(h) for h in headers], rows, "gaps"))

    if content.charts:
        parts.append(f'<h2 class="break">{_e(label("report.charts"))}</h2>')
        for chart in content.charts:
            parts.append('<div class="chart">' + xmr_svg(chart.points, title=chart.name, unit=chart.unit,
                                                         decimals=chart.decimals, lang=content.lang,
                                                         width=CHART_WIDTH, height=CHART_HEIGHT) + "</div>")

    parts.append(f'<h2 class="break">{_e(label("report.records"))}</h2>')
    if content.records.empty:
        parts.append(f"<p>{_e(label('report.no_records'))}</p>")
    else:
        headers = ["#", label("rec.field_title"), label("rec.state_filter"), label("col.metric"),
                   label("rec.field_owner"), label("rec.field_due_date"), label("col.change_ref"),
                   label("col.go_live"), label("col.verdict")]          # as the Excel report's records sheet
        rows = [[_td(r.id, True), _td(r.title), _td(r.state), _td(r.metric), _td(r.owner), _td(r.due_date),
                 _td(r.change_ref), _td(r.go_live), _td(r.verdict)] for r in content.records.itertuples()]
        parts.append(_table([_e(h) for h in headers], rows))
    parts.append(f"<h2>{_e(label('report.provenance'))}</h2>")
    headers = ["#", label("col.file"), label("col.by"), label("col.when"), label("upload.source"), label("upload.new"),
               label("upload.changed")]
    rows = [[_td(u.id, True), _td(u.file_name), _td(u.uploaded_by), _td(pd.Timestamp(u.uploaded_at).strftime(
        "%Y-%m-%d %H:%M")), _td(u.source), _td(u.values_new, True), _td(u.values_changed, True)]
            for u in content.uploads.itertuples()]
    parts.append(_table([_e(h) for h in headers], rows))
    return _page(content, "\n".join(parts))


def _page(content: ReportContent, body: str) -> str:
    title = _e(content.title)
    page_label = _e(content.label("report.page"))
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if content.lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>
@page {{ size: A4; margin: 18mm 12mm 16mm 12mm;
  @top-left {{ content: "{title}"; font-family: {FONT}; font-size: 9pt; color: #555; }}
  @bottom-right {{ content: "{page_label} " counter(page) " / " counter(pages); font-family: {FONT}; font-size: 9pt;
    color: #555; }} }}
body {{ font-family: {FONT}; color: #222; max-width: 1100px; margin: 24px auto; padding: 0 16px; font-size: 13px; }}
h1 {{ font-size: 22px; margin-bottom: 2px; }} h2 {{ font-size: 17px; border-bottom: 2px solid #005EB8;
  padding-bottom: 3px; margin-top: 26px; }} .meta {{ color: #666; margin-top: 0; }}
.cards {{ display: flex; gap: 12px; flex-wrap: wrap; }} .card {{ border: 1px solid #ccc; border-radius: 6px;
  padding: 8px 14px; min-width: 110px; }} .card .n {{ font-size: 24px; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; margin: 8px 0; }} th, td {{ border: 1px solid #d0d0d0;
  padding: 3px 6px; text-align: left; vertical-align: top; }} th {{ background: #005EB8; color: white; }}
td.num {{ text-align: right; white-space: nowrap; }} tr {{ page-break-inside: avoid; }}
thead {{ display: table-header-group; }} .chart {{ page-break-inside: avoid; margin: 6px 0 14px; }}
.chart svg {{ display: block; max-width: 100%; height: auto; }}
@media print {{ body {{ margin: 0; max-width: none; font-size: 10px; }} .break {{ page-break-before: always; }} }}
</style></head><body>
{body}
</body></html>
"""


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CSI_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class PdfUnavailable(RuntimeError):
    """No browser to print the PDF with."""


def write_pdf(content: ReportContent, timeout: float = 240) -> bytes:
    """Print the HTML report to A4 PDF with headless Chromium (no network, fresh profile).

    The page has no script and only local fonts, so Chromium prints it on the load event: the
    output does not depend on timing. A few hundred charts take seconds, not minutes.
    """
    browser = chromium_path()
    if browser is None:
        raise PdfUnavailable("chromium not found")
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "report.html"
        target = Path(directory) / "report.pdf"
        source.write_text(write_html(content), encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-first-run", "--disable-quic", f"--user-data-dir={Path(directory) / 'profile'}",
                   "--no-pdf-header-footer", f"--print-to-pdf={target}",
                   source.as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0 or not target.exists():
            raise PdfUnavailable(f"chromium could not print the report: {result.stderr.strip()[-300:]}")
        return target.read_bytes()
