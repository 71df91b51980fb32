"""What an OpenDocument spreadsheet's content.xml (.ods, as LibreOffice and WPS save it) tells us
besides its cells, as xlsx_package does for .xlsx.

python-calamine reads an .ods's cells, but gives a cell shown as "95.2%" as 0.952, reads rows and
columns hidden in the application, and gives 0 for a formula that shows an error (LibreOffice
saves #DIV/0! as value 0 with an error mark). The content is streamed once, element by element,
so a sheet's repeated empty rows (number-rows-repeated="1048000") cost nothing.
"""

from __future__ import annotations

from typing import IO
from xml.etree import ElementTree

from .errors import InputRefused, Problem
from .limits import Limits, cells_over_limit
from .workbook_package import Package, SheetFacts

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELLS = {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}
_HIDDEN = {"collapse", "filter"}            # hidden by hand or in a collapsed group; filtered out
_MAX_COLUMNS = 16384
MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

def inspect(content: IO[bytes], file_name: str, limits: Limits) -> Package:
    """Stream content.xml once; refuse a workbook whose filled cells, or the grid up to its last
    value, pass the cell limit."""
    package, facts = Package(), SheetFacts()
    sheet, row, column, filled, spanned = "", 0, 0, 0, 0
    last_row = last_column = -1
    hidden_row, row_repeat = False, 1
    column_at = 0
    try:
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    sheet, facts, row, column_at = element.get(f"{_TABLE}name", ""), SheetFacts(), 0, 0
                    last_row = last_column = -1
                elif tag == f"{_TABLE}table-column":
                    repeat = _repeat(element, "columns")
                    if element.get(f"{_TABLE}visibility") in _HIDDEN:
                        facts.hidden_columns.update(range(column_at, min(column_at + repeat, _MAX_COLUMNS)))
                    column_at += repeat
                elif tag == f"{_TABLE}table-row":
                    column, row_repeat = 0, _repeat(element, "rows")
                    hidden_row = element.get(f"{_TABLE}visibility") in _HIDDEN
                continue
            if tag in _CELLS:
                repeat = _repeat(element, "columns")
                if (span := _span(element)) is not None:
                    facts.merged.append(((row, column), (row + span[0] - 1, column + span[1] - 1)))
                if _holds_something(element):
                    filled += repeat * row_repeat
                    if filled > limits.max_cells:
                        raise InputRefused(Problem(
                            f"the workbook has more than {limits.max_cells:,} cells, over the limit",
                            file=file_name, sheet=sheet))
                    _note_cell(facts, element, row, column, repeat, row_repeat, hidden_row)
                    last_row, last_column = max(last_row, row + row_repeat - 1), max(last_column, column + repeat - 1)
                column += repeat
                element.clear()
            elif tag == f"{_TABLE}table-row":
                row += row_repeat
                element.clear()
            elif tag == f"{_TABLE}table":
                spanned += (last_row + 1) * (last_column + 1)       # calamine allocates the grid to the last value
                if spanned > limits.max_cells:
                    raise cells_over_limit(file_name, sheet, spanned, last_row, last_column, limits)
                package.add(sheet, facts)
                element.clear()
    except ElementTree.ParseError as exc:
        raise InputRefused(Problem(f"the workbook is damaged (content.xml: {exc})", file=file_name)) from None
    return package


def _note_cell(facts: SheetFacts, element: ElementTree.Element, row: int, column: int, repeat: int,
               row_repeat: int, hidden_row: bool) -> None:
    """Record a filled cell (repeated across `repeat` columns and `row_repeat` rows) where it matters."""
    spans = [(r, c) for r in range(row, row + min(row_repeat, 1000)) for c in range(column, column + min(repeat, 1000))]
    if hidden_row:
        facts.hidden_rows.update(r for r, _ in spans)
    if element.get(f"{_OFFICE}value-type") == "percentage":
        facts.percent.update(spans)
    if element.get(f"{_CALCEXT}value-type") == "error":
        facts.errors.update(dict.fromkeys(spans, _text_of(element) or "#VALUE!"))


def _repeat(element: ElementTree.Element, what: str) -> int:
    try:
        return max(1, int(element.get(f"{_TABLE}number-{what}-repeated", "1")))
    except ValueError:
        return 1


def _span(cell: ElementTree.Element) -> tuple[int, int] | None:
    """(rows, columns) a merged cell spans, or None for a plain cell."""
    try:
        rows = int(cell.get(f"{_TABLE}number-rows-spanned", "1"))
        columns = int(cell.get(f"{_TABLE}number-columns-spanned", "1"))
    except ValueError:
        return None
    return (rows, columns) if rows > 1 or columns > 1 else None


def _holds_something(cell: ElementTree.Element) -> bool:
    return cell.get(f"{_OFFICE}value-type") is not None or cell.find(f"{_TEXT}p") is not None


def _text_of(cell: ElementTree.Element) -> str:
    return "".join("".join(p.itertext()) for p in cell.iter(f"{_TEXT}p")).strip()
