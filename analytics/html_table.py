"""Tables of a web page saved under an Excel name.

Many ITSM, OA and reporting systems "export to Excel" by writing the page's HTML table to a file
called .xls. Excel and WPS open it (after a warning that the format and the name differ), so the
process owner uploads it as it is. Its cells are read as the page shows them, as text (as a CSV's
are): a cell spanning rows or columns (rowspan, colspan) gives its text to each cell it covers, as
a merged cell in a workbook does, except a number, which stays in its first cell.

Such pages tell Excel how to show a cell in its style (inline, or a class of the page's <style>),
and Excel does as told: a row styled display:none is hidden, and so is a column whose <col> or
whose every cell is, and a bare number in a cell styled mso-number-format:"0.0%" shows as a
percentage (0.951 as 95.1%). Both are read as in a workbook: the hidden row or column is not read
(and noted), and the number is a percent cell.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .errors import InputRefused, Problem
from .limits import Limits
from .values import parse_value

_PAGE_START = re.compile(r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|style)\b",
                         re.IGNORECASE | re.DOTALL)
_UNSEEN = ("style", "script", "title")
_CSS_PIECE = re.compile(r"\"[^\"]*\"?|'[^']*'?|;|[^;\"']+")      # a quoted string, a ; or a run of neither
_CLASSES_LOOKED_AT = 20        # of one element: an export gives a cell one to three
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)     # to its end, or the text's: linear


@dataclass
class WebTable:
    """One table of a page as a sheet: its rows of text, its spans as merged ranges
    ((top, left), (bottom, right)), the rows and columns hidden by their style and the cells shown as
    percent ((row, column), 0-based)."""

    name: str | None
    rows: list[list[str]]
    merged_ranges: list[tuple[tuple[int, int], tuple[int, int]]]
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)


def _style_rules(css: str) -> dict[tuple[str | None, str | None], tuple[int, dict[str, str]]]:
    """The simple rules of a <style> sheet (td, .xl65, td.xl65) by (tag, class): those of one
    selector merged (a later one winning), with the place of the last, which decides between
    selectors as specific as each other. An element looks up its own, not every rule."""
    rules: dict[tuple[str | None, str | None], tuple[int, dict[str, str]]] = {}
    for place, block in enumerate(_CSS_COMMENT.sub("", css).split("}")):     # split, not one regex: linear
        selectors, brace, body = block.rpartition("{")
        if not brace:
            continue
        properties = _properties(body)
        for selector in selectors.split(","):
            tag, _, name = selector.strip().lower().partition(".")
            if re.fullmatch(r"[a-z0-9]*", tag) and re.fullmatch(r"[\w-]*", name) and (tag or name):
                key = (tag or None, name or None)
                rules[key] = (place, {**rules.get(key, (0, {}))[1], **properties})
    return rules


def _properties(style: str) -> dict[str, str]:
    """{name: value} of declarations 'a: b; c: "d;e"', a ; in quotes being part of its value."""
    declarations, current = [], []
    for piece in _CSS_PIECE.findall(style):
        if piece == ";":
            declarations.append("".join(current))
            current = []
        else:
            current.append(piece)
    declarations.append("".join(current))
    properties = {}
    for declaration in declarations:
        name, colon, value = declaration.partition(":")
        if colon and name.strip():
            properties[name.strip().lower()] = value.strip().strip("\"'").strip()
    return properties


def _shows_percent(number_format: str | None) -> bool:
    """Whether an mso-number-format shows a number as a percentage (0.0%, Percent); a % escaped
    (\\%) or in quotes is a literal sign after the number, not a percentage."""
    if not number_format:
        return False
    bare = re.sub(r"\\.|\"[^\"]*\"", "", number_format)
    return "%" in bare or number_format.strip().lower() == "percent"


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
        self._css: list[str] = []                              # the text of the page's <style> elements
        self._rules: dict[tuple[str | None, str | None], tuple[int, dict[str, str]]] = {}
        self._hidden: set[int] = set()
        self._columns: list[bool] = []                         # each <col>'s column: hidden or not
        self._hidden_cells: set[tuple[int, int]] = set()       # (row, column) of a cell styled display:none
        self._percent: set[tuple[int, int]] = set()
        self._in_style = False
        self._styles: dict[tuple[str, str, str], dict[str, str]] = {}   # (tag, class, style): properties

    def handle_starttag(self, tag, attrs):
        if tag in _UNSEEN:
            self._unseen += 1
            self._in_style = tag == "style"
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._rows, self._spans, self._covered, self._hidden, self._percent = [], [], {}, set(), set()
                self._columns, self._hidden_cells = [], set()
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif self._depth == 1 and tag == "col":
            hidden = _display_none(self._style_of(tag, attrs))
            self._columns.extend([hidden] * _span(dict(attrs).get("span")))
        elif self._depth == 1 and tag == "tr":
            self._end_cell()
            self._rows.append([])
            if _display_none(self._style_of(tag, attrs)):
                self._hidden.add(len(self._rows) - 1)
            self._rows_read += 1
            if self._rows_read > self._limits.max_rows:
                raise _OverTheLimit(f"the page's tables have more than {self._limits.max_rows:,} rows, over the limit")
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()
            attributes = dict(attrs)
            self._start_cell(_span(attributes.get("rowspan")), _span(attributes.get("colspan")))
            style = self._style_of(tag, attrs)
            if _shows_percent(style.get("mso-number-format")):
                self._percent.add((len(self._rows) - 1, len(self._rows[-1])))
            if _display_none(style):
                self._hidden_cells.add((len(self._rows) - 1, len(self._rows[-1])))

    def _style_of(self, tag: str, attrs: list[tuple[str, str | None]]) -> dict[str, str]:
        """The element's properties: the <style> rules for its tag and classes, then its own style.
        Worked out once for each tag, class and style: a page's cells share a few."""
        attributes = dict(attrs)
        key = (tag, attributes.get("class") or "", attributes.get("style") or "")
        if key not in self._styles:
            found = [(0, *self._rules[tag, None])] if (tag, None) in self._rules else []
            for name in set(key[1].lower().split()[:_CLASSES_LOOKED_AT]):      # a class outweighs a tag, both more
                found += [(weight, *self._rules[rule]) for weight, rule in ((1, (None, name)), (2, (tag, name)))
                          if rule in self._rules]
            properties: dict[str, str] = {}
            for *_, rule in sorted(found, key=lambda weighed: weighed[:2]):
                properties.update(rule)
            properties.update(_properties(key[2]))
            self._styles[key] = properties
        return self._styles[key]

    def handle_endtag(self, tag):
        if tag in _UNSEEN:
            self._unseen = max(0, self._unseen - 1)
            if tag == "style" and self._in_style:
                self._in_style = False
                self._rules, self._styles = _style_rules("".join(self._css)), {}
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                self._end_cell()
                self.tables.append((self._rows, self._spans, self._hidden, self._hidden_columns(), self._percent))
        elif self._depth == 1 and tag in ("td", "th", "tr"):
            self._end_cell()

    def _hidden_columns(self) -> set[int]:
        """The columns hidden by their <col>, or whose every cell is styled display:none (Excel
        writes both for a hidden column)."""
        hidden = {c for c, none in enumerate(self._columns) if none}
        by_cells = {c for _, c in self._hidden_cells}
        for r, row in enumerate(self._rows):
            if not by_cells:
                break
            by_cells = {c for c in by_cells if c >= len(row) or (r, c) in self._hidden_cells}
        return hidden | by_cells

    def handle_data(self, data):
        if self._in_style:
            self._css.append(data)
        elif self._cell is not None and not self._unseen:
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



def _display_none(style: dict[str, str]) -> bool:
    return style.get("display", "").strip().lower() == "none"


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def read_web_page_tables(text: str, file_name: str, limits: Limits) -> list[WebTable]:
    """Each table that holds something: named None when it is the page's only one, else 'table 1',
    'table 2' … in the page's order. Its merged ranges leave out a span whose text is a number: one
    quarterly figure spanning three months is not three monthly ones, and an HTML cell's number is
    text, which a merged range would copy. Its percent cells are those holding a bare number (0.951):
    a cell that shows 95.1% itself is read as written."""
    parser = _Tables(limits)
    try:
        parser.feed(text)
        parser.close()
    except _OverTheLimit as over:
        raise InputRefused(Problem(str(over), file=file_name)) from None
    tables = []
    for rows, spans, hidden, hidden_columns, percent in parser.tables:
        width = max(map(len, rows), default=0)
        for row in rows:
            row.extend([""] * (width - len(row)))
        if any(cell for row in rows for cell in row):
            tables.append(WebTable(None, rows, [((top, left), (top + height - 1, left + width - 1))
                                                for top, left, height, width in spans if not _a_number(rows[top][left])],
                                   hidden, hidden_columns,
                                   {(r, c) for r, c in percent if "%" not in rows[r][c] and _a_number(rows[r][c])}))
    if len(tables) > 1:
        for i, table in enumerate(tables, start=1):
            table.name = f"table {i}"
    return tables


def _a_number(text: str) -> bool:
    value, ok = parse_value(text)
    return ok and not math.isnan(value)
