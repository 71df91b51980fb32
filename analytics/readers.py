"""Turning an uploaded file into grids of cells, one per sheet, whatever its format.

CSV files arrive in UTF-8 (with or without BOM) or GBK/GB18030 from Chinese Excel, separated
by commas, semicolons or tabs. Workbooks (.xlsx, .xlsm, .xls, .ods) are read with
python-calamine; an .xlsx is first checked for zip bombs and its percent formats noted
(xlsx_package). Row and column positions are kept as the spreadsheet numbers them.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputRefused, Problem
from .limits import Limits
from .xlsx_package import check_and_inspect

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}


@dataclass
class Sheet:
    name: str | None                  # None for a CSV file
    rows: list[list]                  # rows[0] is spreadsheet row 1; '' or None for an empty cell
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row0, col0) shown as percent


def read_bytes(source: str | os.PathLike | bytes) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    return Path(source).read_bytes()


def read_sheets(data: bytes, file_name: str, limits: Limits) -> list[Sheet]:
    """Every sheet of the file as a grid; refuses empty, fake or damaged files."""
    if not data.strip():
        raise InputRefused(Problem("the file is empty", file=file_name))
    suffix = Path(file_name).suffix.lower()
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        return _read_workbook(data, file_name, limits)
    if suffix in WORKBOOK_SUFFIXES:
        raise InputRefused(Problem(
            f"this is not a real Excel workbook (a {suffix} file starts with a zip or OLE signature; this one "
            "looks like text or another format). Save it again from Excel, or export it as CSV", file=file_name))
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputRefused(Problem("this is a binary file, not CSV or an Excel workbook", file=file_name))
    return [Sheet(None, _read_csv(data, file_name, limits))]


def decode_text(data: bytes, file_name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, then GB18030 (a superset of GBK), then a detected charset."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is not None:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputRefused(Problem("cannot tell the text encoding; save the file as UTF-8 CSV", file=file_name))


def _read_csv(data: bytes, file_name: str, limits: Limits) -> list[list]:
    text = decode_text(data, file_name)
    lines = text.splitlines()
    skip = 0
    delimiter = None
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter, skip = lines[0].strip()[4], 1
    body = "\n".join(lines[skip:]) if skip else text
    if delimiter is None:
        delimiter = _sniff_delimiter(body[:16384])
    rows: list[list] = [[] for _ in range(skip)]
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise InputRefused(Problem(f"the file has more than {limits.max_rows:,} rows, over the limit",
                                           file=file_name))
    except csv.Error as exc:
        raise InputRefused(Problem(f"the CSV cannot be read: {exc}", file=file_name, row=reader.line_num)) from None
    return rows


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count) if first else ","


def _read_workbook(data: bytes, file_name: str, limits: Limits) -> list[Sheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    package = check_and_inspect(data, file_name, limits) if data.startswith(ZIP_MAGIC) else None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for damaged files
        raise InputRefused(Problem(f"the workbook cannot be opened ({type(exc).__name__}: {exc})",
                                   file=file_name)) from None
    sheets: list[Sheet] = []
    cells = 0
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        try:
            rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputRefused(Problem(f"the sheet cannot be read ({type(exc).__name__}: {exc})",
                                       file=file_name, sheet=meta.name)) from None
        cells += sum(len(r) for r in rows)
        if cells > limits.max_cells:
            raise InputRefused(Problem(f"the workbook has more than {limits.max_cells:,} cells, over the limit",
                                       file=file_name, sheet=meta.name))
        percent = package.percent_cells.get(meta.name, set()) if package else set()
        sheets.append(Sheet(meta.name, rows, percent))
    if not sheets:
        raise InputRefused(Problem("the workbook has no worksheets", file=file_name))
    return sheets
