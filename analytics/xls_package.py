"""What an Excel 97–2003 workbook (.xls, still the format of many old templates and of WPS's
compatibility mode) tells us besides its cells, as xlsx_package does for .xlsx.

python-calamine reads an .xls's cells, but gives a cell shown as "95.2%" as 0.952, reads rows and
columns hidden in Excel, and gives '' for a cell showing an error (#REF!). xlrd, which reads
nothing but .xls, gives each cell's number format, each row's and column's hidden flag and the
error cells. Sheets are loaded one at a time, after calamine has counted their cells against the
limits. A file xlrd cannot read is still read by calamine, without these refinements.

Formula results: a file written by a program (xlwt, Apache POI) holds a placeholder for each
formula's result ('' or 0), and Excel shows the calculated value because the file says it was
not calculated: no RECALCID record (the calculation engine that last calculated it), engine 0
(POI's "recalculate on opening"), or an UNCALCED record in the sheet. With engine 0 or UNCALCED
the placeholders are refused as formulas without their result. Without RECALCID they are read
with a note: Excel, LibreOffice and (we expect) WPS write RECALCID, but we have not seen every
writer, and a file of formulas that truly give 0 must not be refused over a missing record.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

import xlrd
import xlrd.formula
from xlrd.compdoc import CompDoc

from .errors import InputRefused, Problem
from .limits import Limits, cells_over_limit
from .workbook_package import Package, SheetFacts, is_percent_code

_EOF, _BOUNDSHEET, _DIMENSIONS, _MULRK = 0x000A, 0x0085, 0x0200, 0x00BD
_FORMULA, _RECALCID, _UNCALCED = 0x0006, 0x01C1, 0x005E
_EMPTY_TEXT_RESULT, _ZERO_RESULT = b"\x03\x00\x00\x00\x00\x00\xff\xff", bytes(8)   # a FORMULA's cached result
_CELLS = {0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006}    # the records calamine takes a cell from
_FAR = 0x1_0000_0000


@dataclass
class SheetWalk:
    """One sheet's records as calamine will read them, walked once: what its DIMENSIONS record
    makes calamine reserve ((rows, columns), in its u32 arithmetic), its last row and column
    holding a cell, and its formulas whose saved result is '' or 0 (xls_package's docstring)."""

    reserved: tuple[int, int] = (0, 0)
    last_row: int = -1
    last_column: int = -1
    placeholders: dict[tuple[int, int], bytes] = field(default_factory=dict)     # (row0, col0) -> FORMULA body
    uncalced: bool = False                                                      # an UNCALCED record


@dataclass
class WalkedBook:
    """The Workbook stream (the OLE container is read once), each sheet's walk, and the RECALCID
    engine: the application that last calculated the formulas (0: none, calculate on opening;
    None: no RECALCID, and Excel recalculates all)."""

    stream: bytes
    sheets: dict[str, SheetWalk]
    engine: int | None


def check_cell_spans(data: bytes, file_name: str, limits: Limits) -> WalkedBook:
    """Refuse an .xls whose sheets would make calamine allocate more than the cell limit. calamine
    reads every sheet when it opens the file: it reserves each sheet's declared dimensions, then
    the grid up to the last cell. A damaged dimension (first row after the last) made it ask for
    171 GB and abort the whole process, so the Workbook stream is walked first, as it walks it.
    The walk is kept for XlsBook."""
    stream = _workbook_stream(data)
    if stream is None:
        raise InputRefused(Problem("the workbook cannot be opened (its OLE container is damaged)", file=file_name))
    positions, engine = _globals(stream)
    sheets: dict[str, SheetWalk] = {}
    spanned = 0
    for sheet, position in positions:
        walk = sheets[sheet] = _walk_sheet(stream, position)
        (rows, columns), last_row, last_column = walk.reserved, walk.last_row, walk.last_column
        if rows * columns > limits.max_cells:
            raise cells_over_limit(file_name, sheet, rows * columns, min(rows, _FAR) - 1, min(columns, _FAR) - 1,
                                   limits)
        spanned += (last_row + 1) * (last_column + 1)
        if spanned > limits.max_cells:
            raise cells_over_limit(file_name, sheet, spanned, last_row, last_column, limits)
    return WalkedBook(stream, sheets, engine)


def _workbook_stream(data: bytes) -> bytes | None:
    try:
        container = CompDoc(data, logfile=io.StringIO())
        return container.get_named_stream("Workbook") or container.get_named_stream("Book")
    except Exception:  # noqa: BLE001 - compdoc's error types vary with the damage
        return None


def _records(stream: bytes, at: int):
    """(type, body) of each record from `at`, until the stream ends or a record overruns it."""
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        if at + 4 + size > len(stream):
            return
        yield kind, stream[at + 4:at + 4 + size]
        at += 4 + size


def _globals(stream: bytes) -> tuple[list[tuple[str, int]], int | None]:
    """(sheet name, stream offset) of each BOUNDSHEET record of the workbook globals, and the
    RECALCID engine (None without one)."""
    sheets, engine = [], None
    for kind, body in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and len(body) >= 8:
            length, flags = body[6], body[7]
            name = (body[8:8 + 2 * length].decode("utf-16-le", errors="replace") if flags & 1
                    else body[8:8 + length].decode("latin-1"))
            sheets.append((name, struct.unpack_from("<I", body, 0)[0]))
        elif kind == _RECALCID and len(body) >= 8:
            engine = struct.unpack_from("<I", body, 4)[0]
    return sheets, engine


def _walk_sheet(stream: bytes, position: int) -> SheetWalk:
    walk = SheetWalk()
    if position > len(stream):
        walk.reserved = (_FAR, _FAR)                     # calamine would read past the stream's end
        return walk
    for kind, body in _records(stream, position):
        if kind == _EOF:
            break
        if kind == _DIMENSIONS and len(body) in (10, 14):
            first_row, end_row, first_column, end_column = (
                struct.unpack_from("<IIHH", body) if len(body) == 14 else struct.unpack_from("<HHHH", body))
            if end_row >= 1 and end_column >= 1:         # the ends are exclusive; u32 wraps when first > end
                walk.reserved = ((end_row - first_row) % _FAR, (end_column - first_column) % _FAR)
            else:
                walk.reserved = (1, 1)
        elif kind in _CELLS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            walk.last_row, walk.last_column = max(walk.last_row, row), max(walk.last_column, column)
            if kind == _FORMULA and len(body) >= 22 and body[6:14] in (_EMPTY_TEXT_RESULT, _ZERO_RESULT):
                walk.placeholders[(row, column)] = body
        elif kind == _MULRK and len(body) >= 6:
            row, = struct.unpack_from("<H", body)
            walk.last_row = max(walk.last_row, row)
            walk.last_column = max(walk.last_column, struct.unpack_from("<H", body, len(body) - 2)[0])
        elif kind == _UNCALCED:
            walk.uncalced = True
    return walk


class XlsBook:
    """An .xls opened by xlrd for its formats and flags; `inspect` adds one sheet's to a Package.
    xlrd takes the Workbook stream itself (a bare BIFF stream), as check_cell_spans walked it."""

    def __init__(self, walked: WalkedBook) -> None:
        self._walked = walked
        try:
            self._book = xlrd.open_workbook(file_contents=walked.stream, formatting_info=True, on_demand=True,
                                            logfile=io.StringIO())      # its warnings would go to stdout
        except Exception:  # noqa: BLE001 - xlrd's many error types: calamine alone decides whether a file is readable
            self._book = None
            return
        percent_formats = {key for key, fmt in self._book.format_map.items() if is_percent_code(fmt.format_str or "")}
        self._percent_styles = {index for index, xf in enumerate(self._book.xf_list) if xf.format_key in percent_formats}
        self._names = self._book.sheet_names()

    def inspect(self, sheet_name: str, package: Package) -> None:
        if self._book is None or sheet_name not in self._names:
            return
        try:
            sheet = self._book.sheet_by_name(sheet_name)
        except Exception:  # noqa: BLE001 - as above
            return
        facts = SheetFacts()
        for r in range(sheet.nrows):
            for c, kind in enumerate(sheet.row_types(r)):
                if kind == xlrd.XL_CELL_NUMBER and sheet.cell_xf_index(r, c) in self._percent_styles:
                    facts.percent.add((r, c))
                elif kind == xlrd.XL_CELL_ERROR:
                    facts.errors[(r, c)] = xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#VALUE!")
        facts.hidden_rows = {r for r, info in sheet.rowinfo_map.items() if info.hidden and r < sheet.nrows}
        facts.hidden_columns = {c for c, info in sheet.colinfo_map.items() if info.hidden and c < sheet.ncols}
        walk = self._walked.sheets.get(sheet_name, SheetWalk())
        if walk.placeholders and (walk.uncalced or self._walked.engine == 0):
            facts.errors.update(self._formulas(walk))      # refused: '=B2+0.5' is a formula without its result
        elif walk.placeholders and self._walked.engine is None:
            facts.uncalculated = {cell: text for cell, text in self._formulas(walk).items()   # read, with a note
                                  if cell[0] not in facts.hidden_rows and cell[1] not in facts.hidden_columns}
        package.add(sheet_name, facts)
        self._book.unload_sheet(sheet_name)

    def _formulas(self, walk: SheetWalk) -> dict[tuple[int, int], str]:
        """{(row0, col0): '=B2+0.5'}: the placeholders' formulas, as xlrd decompiles them."""
        return {(row, column): "=" + self._formula_text(body, row, column)
                for (row, column), body in walk.placeholders.items()}

    def _formula_text(self, body: bytes, row: int, column: int) -> str:
        size, = struct.unpack_from("<H", body, 20)
        try:
            return xlrd.formula.decompile_formula(self._book, body[22:22 + size], size, xlrd.formula.FMLA_TYPE_CELL,
                                                  browx=row, bcolx=column) or "?"
        except Exception:  # noqa: BLE001 - xlrd decompiles the common tokens; the cell is named either way
            return "?"
