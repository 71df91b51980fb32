"""One entry point for every report format, so the page and the command line cannot differ."""

from __future__ import annotations

import re

from .errors import InputRefused, Problem
from .report_content import ReportContent

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv", "html": "text/html", "pdf": "application/pdf"}


def render_report(content: ReportContent, fmt: str) -> bytes:
    from .report_html import PdfUnavailable, write_html, write_pdf
    from .report_xlsx import write_csv, write_xlsx

    if fmt == "xlsx":
        return write_xlsx(content)
    if fmt == "csv":
        return write_csv(content)
    if fmt == "html":
        return write_html(content).encode("utf-8")
    if fmt == "pdf":
        try:
            return write_pdf(content)
        except PdfUnavailable as exc:
            raise InputRefused(Problem(f"cannot make the PDF: {exc}; install chromium (make system-packages)"))
    raise InputRefused(Problem(f"format '{fmt}' is not one of {', '.join(FORMATS)}"))


def report_file_name(content: ReportContent, fmt: str) -> str:
    """gap-report-2026-11-incident-zh.xlsx: the period, the filters and the language, so two
    downloads of different scopes do not overwrite each other."""
    scope = [*content.filters.processes, *content.filters.categories]
    parts = [content.period or "empty", *(re.sub(r"[^\w]+", "-", s).strip("-") for s in scope), content.lang]
    return f"gap-report-{'-'.join(p for p in parts if p)}.{fmt}"
