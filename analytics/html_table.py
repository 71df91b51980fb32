"""Tables of a web page saved under an Excel name.

Many ITSM, OA and reporting systems "export to Excel" by writing the page's HTML table to a file
called .xls. Excel and WPS open it (after a warning that the format and the name differ), so the
process owner uploads it as it is. Its cells are read as the page shows them, as text (as a CSV's
are): a cell spanning rows or columns (rowspan, colspan) gives its text to each cell it covers, as
a merged cell in a workbook does, except a number, which stays in its first cell.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

from .errors import InputRefused, Problem
from .limits import Limits
from .values import parse_value

_PAGE_START = re.compile(r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|style)\b",
                         re.IGNORECASE | re.DOTALL)
_UNSEEN = ("style", "script", "title")


def is_web_page(text: str) -> bool:
    """Whether the text is an HTML page (or a bare table) holding a table."""
    return _PAGE_START.match(text) is not None and "<table" in text[: 1 << 20].lower()


class _Tables(HTMLParser):
    """Collects each outermost table as rows of cell texts, and the spans of its cells. A table
    inside a cell adds its text to that cell."""

    def __init__(self, limits: Limits):
        super().__init__(convert_charrefs=True)
        self._limits = limits
        self._cells = self._rows_read = 0                      # in all tables, against the limits as they are read
        self.tables: list[tuple[list[list[str]], list[tuple[int, int, int, int]]]] = []
        self._depth = 0
        self._rows: list[list[str]] = []
        self._spans: list[tuple[int, int, int, int]] = []     # (row, column, rows, columns) of a spanning cell
        self._covered: dict[int, list[tuple[int, int]]] = {}   # row: (first, last) columns a span from above takes
        self._cell: list[str] | None = None
        self._cell_columns = 1
        self._unseen = 0                                       # inside <style>, <script> or <title>

    def handle_starttag(self, tag, attrs):
        if tag in _UNSEEN:
            self._unseen += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._rows, self._spans, self._covered = [], [], {}
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif self._depth == 1 and tag == "tr":
            self._end_cell()
            self._rows.append([])
            self._rows_read += 1
            if self._rows_read > self._limits.max_rows:
                raise _OverTheLimit(f"the page's tables have more than {self._limits.max_rows:,} rows, over the limit")
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()
            attributes = dict(attrs)
            self._start_cell(_span(attributes.get("rowspan")), _span(attributes.get("colspan")))

    def handle_endtag(self, tag):
        if tag in _UNSEEN:
            self._unseen = max(0, self._unseen - 1)
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                self._end_cell()
                self.tables.append((self._rows, self._spans))
        elif self._depth == 1 and tag in ("td", "th", "tr"):
            self._end_cell()

    def handle_data(self, data):
        if self._cell is not None and not self._unseen:
            self._cell.append(data)

    def _start_cell(self, rows: int, columns: int) -> None:
        if not self._rows:
            self._rows.append([])
        r, row = len(self._rows) - 1, self._rows[-1]
        while (taken := next((last for first, last in self._covered.get(r, ()) if first <= len(row) <= last),
                             None)) is not None:
            row.extend([""] * (taken + 1 - len(row)))
        if rows > 1 or columns > 1:
            self._count_cells(rows * columns - columns)        # the rows below that it covers (its own: _end_cell)
            self._spans.append((r, len(row), rows, columns))
            for below in range(r + 1, r + rows):
                self._covered.setdefault(below, []).append((len(row), len(row) + columns - 1))
        self._cell, self._cell_columns = [], columns

    def _end_cell(self) -> None:
        if self._cell is None:
            return
        lines = "".join(self._cell).replace("\xa0", " ").split("\n")
        self._rows[-1].append("\n".join(line.strip() for line in lines).strip())
        self._rows[-1].extend([""] * (self._cell_columns - 1))            # the rest of a colspan on this row
        self._cell = None
        self._count_cells(self._cell_columns)

    def _count_cells(self, cells: int) -> None:
        self._cells += cells
        if self._cells > self._limits.max_cells:
            raise _OverTheLimit(f"the page's tables have more than {self._limits.max_cells:,} cells, over the limit")


class _OverTheLimit(Exception):
    """Raised while reading, before a page too big for the machine is held whole."""



def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def read_web_page_tables(text: str, file_name: str,
                         limits: Limits) -> list[tuple[str | None, list[list[str]], list[tuple[tuple, tuple]]]]:
    """(name, rows, merged ranges) of each table that holds something: name None for a page's only
    table, else 'table 1', 'table 2' … in the page's order. The ranges are its spans as a workbook's
    merged cells are given ((top, left), (bottom, right)), but for a span whose text is a number:
    one quarterly figure spanning three months is not three monthly ones, and an HTML cell's number
    is text, which a merged range would copy."""
    parser = _Tables(limits)
    try:
        parser.feed(text)
        parser.close()
    except _OverTheLimit as over:
        raise InputRefused(Problem(str(over), file=file_name)) from None
    grids = []
    for rows, spans in parser.tables:
        width = max(map(len, rows), default=0)
        for row in rows:
            row.extend([""] * (width - len(row)))
        if any(cell for row in rows for cell in row):
            grids.append((rows, [((top, left), (top + height - 1, left + width - 1))
                                 for top, left, height, width in spans if not _a_number(rows[top][left])]))
    if len(grids) == 1:
        return [(None, *grids[0])]
    return [(f"table {i}", rows, ranges) for i, (rows, ranges) in enumerate(grids, start=1)]


def _a_number(text: str) -> bool:
    value, ok = parse_value(text)
    return ok and not math.isnan(value)
