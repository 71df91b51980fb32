"""What an Excel binary workbook (.xlsb, chosen for big files) tells us besides its cells, as
xlsx_package does for .xlsx.

python-calamine reads an .xlsb's cells, but gives a cell shown as "95.2%" as 0.952, reads rows
and columns hidden in Excel, gives '' for a cell showing an error and no merged ranges. The parts
are BIFF12 records (MS-XLSB): a type and a size as 7-bit varints, then the body. Only the
records that carry those facts are looked at; the zip check has already bounded every part.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator

from .limits import Limits, cells_over_limit
from .workbook_package import Package, SheetFacts, is_percent_code, relationship_targets

_BUILTIN_PERCENT_FORMATS = {9, 10}
_MAX_COLUMN = 16383
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
           0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
# record types
_ROW, _COLUMN, _MERGED = 0x00, 0x3C, 0xB0
_NUMBERS = {0x02, 0x05, 0x09}                 # BrtCellRk, BrtCellReal, BrtFmlaNum
_VALUES = set(range(0x02, 0x0B))               # the cell records calamine reads a value from
_LAST_ROW = 0x100000
_ERROR_CELLS = {0x03, 0x0B}                   # BrtCellError, BrtFmlaError
_SHEET, _FORMAT, _CELL_FORMATS, _CELL_FORMATS_END, _CELL_FORMAT = 0x9C, 0x2C, 0x269, 0x26A, 0x2F


def inspect(archive: zipfile.ZipFile, names: set[str], file_name: str, limits: Limits) -> Package:
    """Refuse a workbook whose cells span more than the cell limit: calamine allocates the span
    from A1 (a damaged cell address would make it ask for gigabytes, and abort the process)."""
    percent_styles = _percent_styles(archive.read("xl/styles.bin")) if "xl/styles.bin" in names else set()
    package = Package()
    targets = relationship_targets(archive, names, "xl/workbook.bin")
    spanned = 0
    for sheet, relationship in _sheets(archive.read("xl/workbook.bin")):
        part = targets.get(relationship)
        if part in names:
            last_row, last_column = _inspect_sheet(archive.read(part), sheet, percent_styles, package)
            spanned += (last_row + 1) * (last_column + 1)
            if spanned > limits.max_cells:
                raise cells_over_limit(file_name, sheet, spanned, last_row, last_column, limits)
    return package


def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each record; a truncated last record ends the walk (calamine judges the file)."""
    at, end = 0, len(data)
    try:
        while at < end:
            kind = data[at]
            at += 1
            if kind & 0x80:
                kind = (kind & 0x7F) | ((data[at] & 0x7F) << 7)
                at += 1
            size = 0
            for shift in (0, 7, 14, 21):
                byte = data[at]
                at += 1
                size |= (byte & 0x7F) << shift
                if not byte & 0x80:
                    break
            yield kind, data[at:at + size]
            at += size
    except IndexError:
        return


def _u32(body: bytes, at: int) -> int:
    return struct.unpack_from("<I", body, at)[0]


def _wide_string(body: bytes, at: int) -> tuple[str, int]:
    """An XLWideString at `at` and the offset after it (a null one, length 0xFFFFFFFF, is '')."""
    length = _u32(body, at)
    if length == 0xFFFFFFFF:
        return "", at + 4
    return body[at + 4:at + 4 + 2 * length].decode("utf-16-le", errors="replace"), at + 4 + 2 * length


def _sheets(workbook: bytes) -> Iterator[tuple[str, str]]:
    """(sheet name, relationship id) of each BrtBundleSh."""
    for kind, body in _records(workbook):
        if kind == _SHEET and len(body) >= 12:
            try:
                relationship, after = _wide_string(body, 8)
                name, _ = _wide_string(body, after)
            except struct.error:
                continue
            yield name, relationship


def _percent_styles(styles: bytes) -> set[int]:
    """Indexes of the cell formats (BrtXF in the cellXfs block) whose number format shows percent."""
    percent_formats = set(_BUILTIN_PERCENT_FORMATS)
    cell_formats: list[int] = []
    in_cell_formats = False
    for kind, body in _records(styles):
        try:
            if kind == _FORMAT and is_percent_code(_wide_string(body, 2)[0]):
                percent_formats.add(struct.unpack_from("<H", body, 0)[0])
            elif kind in (_CELL_FORMATS, _CELL_FORMATS_END):
                in_cell_formats = kind == _CELL_FORMATS
            elif kind == _CELL_FORMAT and in_cell_formats:
                cell_formats.append(struct.unpack_from("<H", body, 2)[0])
        except struct.error:
            continue
    return {index for index, number_format in enumerate(cell_formats) if number_format in percent_formats}


def _inspect_sheet(data: bytes, sheet: str, percent_styles: set[int], package: Package) -> tuple[int, int]:
    """Add the sheet's facts to the package; return the last row and column holding a value."""
    row = 0
    facts = SheetFacts()
    bottom = right = -1
    for kind, body in _records(data):
        try:
            if kind == _ROW:
                row = _u32(body, 0)
                if row > _LAST_ROW:                                          # calamine stops reading there
                    break
                if len(body) > 11 and body[11] & 0x10:                     # fDyZero: the row is hidden
                    facts.hidden_rows.add(row)
                continue
            if kind in _VALUES:
                column = _u32(body, 0)
                bottom, right = max(bottom, row), max(right, column)
            if kind in _NUMBERS:
                if _u32(body, 4) & 0xFFFFFF in percent_styles:
                    facts.percent.add((row, _u32(body, 0)))
            elif kind in _ERROR_CELLS:
                facts.errors[(row, _u32(body, 0))] = _ERRORS.get(body[8], "#VALUE!")
            elif kind == _COLUMN and body[16] & 0x01:                        # fHidden
                facts.hidden_columns.update(range(_u32(body, 0), min(_u32(body, 4), _MAX_COLUMN) + 1))
            elif kind == _MERGED:
                facts.merged.append(((_u32(body, 0), _u32(body, 8)), (_u32(body, 4), _u32(body, 12))))
        except (struct.error, IndexError):
            continue
    package.add(sheet, facts)
    return bottom, right
