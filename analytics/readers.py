"""Turning an uploaded file into grids of cells, one per sheet, whatever its format.

CSV files arrive in UTF-8 (with or without BOM) or GBK/GB18030 from Chinese Excel, separated
by commas, semicolons or tabs. Workbooks (.xlsx, .xlsm, .xls, .ods) are read with
python-calamine; an .xlsx is first checked for zip bombs and its percent formats noted
(xlsx_package). Row and column positions are kept as the spreadsheet numbers them.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import operator
import os
import re
import threading
from collections.abc import Callable, Iterable
from itertools import chain, islice, repeat
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .errors import InputRefused, Problem
from .html_table import is_web_page, read_web_page_tables
from .limits import Limits, cells_over_limit
from .memory import answers_once, gc_paused
from .values import spread
from .workbook_package import Package
from .xls_package import XlsBook, check_cell_spans
from .xlsx_package import (
    check_and_inspect,
    has_placeholder_results,
    may_show_unread_cells,
    unread_cells,
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_2003 = re.compile(rb"urn:schemas-microsoft-com:office:spreadsheet")   # <Workbook xmlns=...> of 2003
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")   # the OLE stream an .xlsx with a password is kept in
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
T = TypeVar("T")
FILE_TYPES = sorted(suffix.lstrip(".") for suffix in TEXT_SUFFIXES | WORKBOOK_SUFFIXES)   # what upload widgets offer


class Sheet:
    """One sheet's cells, rows[0] being spreadsheet row 1; '' or None for an empty cell.

    Small files and workbooks arrive as rows; the fast CSV reader hands over whole columns
    instead, because two million Python row lists cost more than the whole ingest may. Those
    columns are categorical text (Arrow's parser dictionary-encodes them as it reads): two
    million rows naming two thousand metrics and a hundred months are then trimmed, parsed and
    matched once per distinct cell. `rows` is only built when someone asks for it (catalogue import).
    """

    def __init__(self, name: str | None, rows: list[list] | None = None,
                 percent_cells: set[tuple[int, int]] | None = None, *, columns: list[pd.Series] | None = None,
                 hidden: bool = False, hidden_cells: tuple[list[int], list[int]] = ([], []),
                 uncalculated: dict[tuple[int, int], str] | None = None, read_as: str | None = None):
        self.name = name                                  # None for a CSV file
        self.hidden = hidden                              # hidden in the workbook: its cells are not read
        self.hidden_cells = hidden_cells                  # (rows0, cols0) hidden in Excel that held something: not read
        self.uncalculated = uncalculated or {}            # .xls: {(row0, col0): '=B2+0.5'} read as ''/0, noted
        self.read_as = read_as       # 'a web page' or 'text': a file named as a workbook that is neither, noted
        self._rows = rows
        self._columns = columns
        self.percent_cells = percent_cells or set()       # (row0, col0) shown as percent
        self._percent_rows: dict[int, np.ndarray] | None = None

    @property
    def rows(self) -> list[list]:
        if self._rows is None:
            self._rows = self.head(self.height)
        return self._rows

    @property
    def height(self) -> int:
        if self._rows is not None:
            return len(self._rows)
        return len(self._columns[0]) if self._columns else 0

    def head(self, count: int) -> list[list]:
        """The top rows as lists (header search looks at a few dozen rows only)."""
        if self._rows is not None:
            return self._rows[:count]
        tops = [column.iloc[:count].tolist() for column in self._columns]
        return [list(row) for row in zip(*tops)]

    def has_cells(self) -> bool:
        """True when some cell holds something other than '' or None."""
        if self._rows is not None:
            return any(c not in (None, "") for row in self._rows for c in row)
        return any(c not in (None, "") for row in self.head(100) for c in row) or any(
            _has_text(column) for column in self._columns)

    def rows_wider_than(self, heading: int) -> tuple[int, list[tuple[int, int, int]]]:
        """The heading row's width, and (row number, fields, first extra column) of each row below
        it that holds something beyond that width. Only a CSV read row by row can have such rows:
        the fast reader takes only files whose rows are all as wide as the first."""
        if self._rows is None or heading >= len(self._rows):
            return 0, []
        width = len(self._rows[heading])
        return width, [(r + 1, len(row), width + next(i for i, cell in enumerate(row[width:]) if cell not in ("", None)))
                       for r, row in enumerate(self._rows[heading + 1:], start=heading + 1)
                       if len(row) > width and any(cell not in ("", None) for cell in row[width:])]

    def body(self, start: int, width: int) -> list[pd.Series]:
        """Columns 0..width-1 from row `start` (0-based) down, indexed by spreadsheet row number.

        Short (ragged) rows are padded with ''; columns holding only numbers come back as
        float64 and text columns of the fast CSV reader stay Arrow-backed, so the checks that
        follow run vectorised instead of cell by cell.
        """
        if self._rows is not None:
            columns = _columns_of(self._rows, start, width)
        else:
            columns = [column.iloc[start:] for column in self._columns]
            width = max(width, len(columns))
            blank = _empty_text(columns[0].index) if columns else None
            columns += [blank] * (width - len(columns))
        index = pd.RangeIndex(start + 1, start + 1 + (len(columns[0]) if columns else 0))   # not 16 MB of numbers
        return [pd.Series(column.array if isinstance(column, pd.Series) else column, index=index, copy=False,
                          dtype=column.dtype) for column in columns]

    def percent_rows(self, column: int) -> np.ndarray:
        """0-based rows of the column's percent-formatted cells (grouped once per sheet)."""
        if self._percent_rows is None:
            grouped: dict[int, list[int]] = {}
            for row, col in self.percent_cells:
                grouped.setdefault(col, []).append(row)
            self._percent_rows = {col: np.array(rows, dtype="int64") for col, rows in grouped.items()}
        return self._percent_rows.get(column, np.array([], dtype="int64"))


def _has_text(column: pd.Series) -> bool:
    """True when a categorical text column has a cell other than ''."""
    return bool(spread(column, column.cat.categories.to_numpy(dtype=object) != "", False).any())


def _empty_text(index: pd.Index) -> pd.Series:
    """A column of '' cells in the fast CSV reader's form (a ragged table's missing columns)."""
    return pd.Series(pd.Categorical.from_codes(np.zeros(len(index), dtype="int8"), categories=[""]), index=index, copy=False)


def _columns_of(rows: list[list], start: int, width: int) -> list:
    """The rows from `start` down turned into columns in C (one 2-D object array), ragged rows
    padded first; columns of numbers only come back as float64. The rows are read where they
    are, not copied from `start` first: a copy touches each of 200,000 row lists twice more."""
    count = max(len(rows) - start, 0)
    if not count:
        return [np.array([], dtype=object) for _ in range(width)]
    widths = set(map(len, islice(rows, start, None)))
    width = max(width, max(widths))
    if widths != {width}:
        rows, start = [r if len(r) == width else list(r) + [""] * (width - len(r)) for r in rows[start:]], 0
    grid = _grid_of(islice(rows, start, None), count, width)
    return [_typed(grid[:, c]) for c in range(width)]


def _grid_of(rows: Iterable[list], count: int, width: int) -> np.ndarray:
    """`count` rows all `width` cells wide as one 2-D object array. The cells are poured in one
    after another and the array shaped afterwards: np.array(rows) first looks into every row for
    how deep the lists nest, which took 40% longer (200,000 rows of a long workbook)."""
    return np.fromiter(chain.from_iterable(rows), dtype=object, count=count * width).reshape(count, width)


def _typed(cells: np.ndarray) -> np.ndarray | pd.Categorical:
    """float64 when every cell is a float (the usual value column of a workbook); categorical text,
    as the fast CSV reader gives it, when every cell is text (names, months: each distinct one is
    then checked once, not once per row); else the objects."""
    kind = pd.api.types.infer_dtype(cells, skipna=False)
    if kind == "floating":
        return cells.astype("float64")
    if kind == "string":
        codes, distinct = pd.factorize(cells)
        return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(distinct, dtype=object)),
                                         validate=False)
    return cells


def read_bytes(source: str | os.PathLike | bytes) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    return Path(source).read_bytes()


def is_workbook(data: bytes) -> bool:
    """A zip package (.xlsx, .xlsb, .ods) or an OLE file (.xls): read by calamine, not as text."""
    return data.startswith((ZIP_MAGIC, OLE_MAGIC))


def read_sheets(data: bytes, file_name: str, limits: Limits) -> list[Sheet]:
    """Every sheet of the file as a grid; refuses empty, fake or damaged files."""
    if not data[:4096].strip() and not data.strip():
        raise InputRefused(Problem("the file is empty", file=file_name))
    suffix = Path(file_name).suffix.lower()
    if is_workbook(data):
        return _read_workbook(data, file_name, limits)
    if suffix in WORKBOOK_SUFFIXES:
        if _SPREADSHEET_2003.search(data[:4096]):
            raise InputRefused(Problem(
                "this is an Excel 2003 XML spreadsheet, which cannot be read: open it in Excel or WPS and save it "
                "as .xlsx", file=file_name))
        saved_as_workbook = _read_table_named_as_workbook(data, file_name, limits)
        if saved_as_workbook is not None:
            return saved_as_workbook
        raise InputRefused(Problem(
            f"this is not a real Excel workbook (a {suffix} file starts with a zip or OLE signature; this one "
            "looks like text or another format). Save it again from Excel, or export it as CSV", file=file_name))
    if _binary(data):
        raise InputRefused(Problem("this is a binary file, not CSV or an Excel workbook", file=file_name))
    return [_read_csv(data, file_name, limits)]


def _binary(data: bytes) -> bool:
    """A NUL among the first bytes of a file that is not UTF-16: no text table."""
    return b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _read_table_named_as_workbook(data: bytes, file_name: str, limits: Limits) -> list[Sheet] | None:
    """The sheets of a file named as a workbook that is a web page's tables or a text table (tabs
    or commas): what many systems write when they "export to Excel", and Excel opens. Each sheet
    says which it was (read_as), for the note. None when it is neither."""
    if _binary(data):
        return None
    try:
        text = _decode(data, file_name)[0]
    except InputRefused:
        return None
    if is_web_page(text):
        sheets = []
        for table in read_web_page_tables(text, file_name, limits):
            _fill_merged_text(table.rows, table.merged_ranges)
            sheets.append(Sheet(table.name, table.rows, table.percent_cells, read_as="a web page",
                                hidden_cells=_blank_hidden(table.rows, table.hidden_rows, table.hidden_columns)))
        return sheets or None
    head = text[:4096]
    lines = [line for line in head.splitlines() if line.strip()]
    if (len(lines) < 2 or not any(mark in lines[0] for mark in "\t,;")
            or any(not (ch.isprintable() or ch in "\t\r\n") for ch in head)):
        return None
    sheet = _read_csv(data, file_name, limits)
    sheet.read_as = "text"
    return [sheet]


def decode_text(data: bytes, file_name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, then GB18030 (a superset of GBK), then a detected charset."""
    return _decode(data, file_name)[0]


def _decode(data: bytes, file_name: str) -> tuple[str, str]:
    """decode_text, and the encoding that worked (the CSV reader reuses UTF-8 bytes as they are)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputRefused(Problem("cannot tell the text encoding; save the file as UTF-8 CSV", file=file_name))


_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")   # where str.splitlines splits
_DICTIONARY_TEXT = pa.dictionary(pa.int32(), pa.large_string())


def _read_csv(data: bytes, file_name: str, limits: Limits) -> Sheet:
    head = _utf8_head(data)
    if head is not None and not _sep_line(head):
        # Most files are plain UTF-8: Arrow checks the encoding as it parses (strictly, as Python
        # does), so the whole file is not decoded into one more 50 MB string first. Anything it
        # refuses goes the long way below, which finds the encoding.
        columns = _fast_csv_columns(data.removeprefix(codecs.BOM_UTF8), _sniff_delimiter(head[:16384]),
                                    file_name, limits)
        if columns is not None:
            return Sheet(None, columns=columns)
    text, encoding = _decode(data, file_name)
    first = _sep_line(text)
    if first:
        return Sheet(None, _csv_rows("\n".join(text.splitlines()[1:]), first[4], 1, file_name, limits))
    delimiter = _sniff_delimiter(text[:16384])
    utf8 = data.removeprefix(codecs.BOM_UTF8) if encoding == "utf-8-sig" else text.encode("utf-8")
    columns = _fast_csv_columns(utf8, delimiter, file_name, limits)
    if columns is not None:
        return Sheet(None, columns=columns)
    return Sheet(None, _csv_rows(text, delimiter, 0, file_name, limits))


def _utf8_head(data: bytes, size: int = 1 << 16) -> str | None:
    """The file's first bytes as text when they are UTF-8 (a character cut at the end is fine)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data[:size], final=len(data) <= size)
    except UnicodeDecodeError:
        return None


def _sep_line(text: str) -> str | None:
    """Excel's 'sep=;' first line, which names the delimiter, or None."""
    line_break = _LINE_BREAKS.search(text)
    first = text[: line_break.start() if line_break else len(text)].strip()
    return first if first.lower().startswith("sep=") and len(first) == 5 else None


_TEXT_GUARD = re.compile(r'^="(.*)"$', re.DOTALL)


def _csv_rows(body: str, delimiter: str, skip: int, file_name: str, limits: Limits) -> list[list]:
    """Python's csv module, row by row: exact for quotes, ragged rows and blank lines.

    Exports meant for Excel often write ="2026-10" so that Excel keeps the text as it is; that
    cell is the text 2026-10."""
    rows: list[list] = [[] for _ in range(skip)]
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    guarded = '="' in body
    try:
        for row in reader:
            rows.append([_TEXT_GUARD.sub(r"\1", cell) for cell in row] if guarded else row)
            if len(rows) > limits.max_rows:
                _refuse_rows(file_name, limits)
    except csv.Error as exc:
        raise InputRefused(Problem(f"the CSV cannot be read: {exc}", file=file_name, row=reader.line_num)) from None
    return rows


def _refuse_rows(file_name: str, limits: Limits):
    raise InputRefused(Problem(f"the file has more than {limits.max_rows:,} rows, over the limit", file=file_name))


def _fast_csv_columns(utf8: bytes, delimiter: str, file_name: str, limits: Limits) -> list[pd.Series] | None:
    """The columns of a plain CSV (the decoded text as UTF-8) read by Arrow's multi-threaded C++
    parser, or None.

    Plain means what Python's csv module would split exactly the same way: no quotes, no NUL,
    no lone carriage return, every row as wide as the first, no field over csv's size limit.
    Anything else (None) goes through _csv_rows, so both readers give the same cells.
    """
    if b'"' in utf8 or b"\x00" in utf8 or (b"\r" in utf8 and utf8.count(b"\r") != utf8.count(b"\r\n")):
        return None
    end = utf8.find(b"\n")
    width = utf8[: end if end >= 0 else len(utf8)].count(delimiter.encode("utf-8")) + 1
    try:
        table = arrow_csv.read_csv(
            pa.BufferReader(utf8),        # the bytes as they are: a BytesIO was copied block by block
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True, block_size=_block_size(len(utf8))),
            parse_options=arrow_csv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False,
                                                 escape_char=False, ignore_empty_lines=False),
            convert_options=arrow_csv.ConvertOptions(
                column_types={f"f{i}": _DICTIONARY_TEXT for i in range(width)}, null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=pa.system_memory_pool())     # freed into the heap the checks then reuse (45 MB less at peak)
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    if table.num_rows > limits.max_rows:
        _refuse_rows(file_name, limits)
    columns = [column.unify_dictionaries() for column in table.columns]
    if len(utf8) > csv.field_size_limit() and any(
            column.num_chunks and (pc.max(pc.utf8_length(column.chunk(0).dictionary)).as_py() or 0)
            > csv.field_size_limit() for column in columns):
        return None
    return [_categorical(column) for column in columns]


def _block_size(size: int) -> int:
    """Bytes Arrow parses at a time: a few blocks per thread, not Arrow's 1 MB. Each block is a
    chunk with its own dictionary, and merging fifty of them cost a large file more than its
    parse saved by them; a block is never smaller than Arrow's own."""
    return max(1 << 20, size // 8)


def _categorical(column: pa.ChunkedArray) -> pd.Series:
    """A dictionary-encoded Arrow column (one dictionary for all chunks) as pandas categorical text."""
    if not column.num_chunks:
        return pd.Series(pd.Categorical([], categories=pd.Index([], dtype=object)))
    categories = pd.Index(column.chunk(0).dictionary.to_pylist(), dtype=object)
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in column.chunks],
                           dtype=_code_type(len(categories)), casting="unsafe")
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories), validate=False),
                     copy=False)


def _code_type(count: int) -> np.dtype:
    """The narrowest codes for `count` categories, as pandas keeps them: Arrow's int32 codes are
    narrowed while the chunks are joined, not copied once more by pandas afterwards."""
    return next(np.dtype(kind) for kind in ("int8", "int16", "int32", "int64") if count < np.iinfo(kind).max)


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count) if first else ","


def _fill_merged_text(rows: list[list], ranges: list | None) -> None:
    """Give every cell of a merged range its text, as the user sees it: a metric name merged down
    over its twelve months, a year heading merged across them. The file keeps the text in the
    first cell only. A merged number is left in its first cell: one quarterly figure spread over
    three months must not become three monthly ones."""
    for (top, left), (bottom, right) in ranges or []:
        if top >= len(rows) or left >= len(rows[top]) or not isinstance(rows[top][left], str):
            continue
        text = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = text


def _blank_hidden(rows: list[list], hidden_rows: set[int], hidden_columns: set[int]) -> tuple[list[int], list[int]]:
    """Empty the cells of rows and columns hidden in Excel (the user does not see them, as with a
    hidden sheet); returns the hidden rows and columns that held something, for the note."""
    filled_rows = []
    for r in sorted(hidden_rows):
        if r < len(rows):
            if any(cell not in ("", None) for cell in rows[r]):
                filled_rows.append(r)
            rows[r] = [""] * len(rows[r])
    filled_columns = set()
    width = max(map(len, rows), default=0)
    for c in sorted(c for c in hidden_columns if c < width):
        for row in rows:
            if c < len(row) and row[c] not in ("", None):
                filled_columns.add(c)
                row[c] = ""
    return filled_rows, sorted(filled_columns)


def _show_unread_cells(rows: list[list], cells: dict[tuple[int, int], str]) -> None:
    """Put back what Excel shows in cells calamine reads as blank: an error ('#REF!', which the
    value checks refuse, or '#DIV/0!', which they take for missing) or a formula saved without
    its result ('=B2*2', refused with what to do), instead of a blank nobody typed, or a
    program's placeholder 0 nobody saw."""
    for (r, c), text in cells.items():
        if r < len(rows) and c < len(rows[r]) and _blank_or_zero(rows[r][c]):
            rows[r][c] = text


def _blank_or_zero(cell: object) -> bool:
    return cell in ("", None) or (type(cell) in (int, float) and cell == 0)


def _reraise_unless_from_reader(exc: BaseException) -> None:
    """calamine raises its own errors, ValueError and OSError, and on some damaged files a Rust
    panic, which pyo3 raises as PanicException, a BaseException: all of them refuse the file.
    An interrupt or an exit is not the file's doing."""
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


def _read_grids(data: bytes, file_name: str, limits: Limits) -> list[tuple[str, list[list] | None, list | None]]:
    """calamine's part of reading a workbook: (sheet name, its rows, its merged ranges) for each
    worksheet, rows None for a hidden one; what the package says is applied afterwards."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # noqa: BLE001 - calamine's several error types, and its panics
        _reraise_unless_from_reader(exc)
        raise InputRefused(Problem(f"the workbook cannot be opened ({type(exc).__name__}: {exc})",
                                   file=file_name)) from None
    grids: list[tuple[str, list[list] | None, list | None]] = []
    cells = 0
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != SheetVisibleEnum.Visible:    # what the user cannot see is not loaded behind their back
            grids.append((meta.name, None, None))
            continue
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
            last_row, last_column = sheet.end or (-1, -1)
            cells += (last_row + 1) * (last_column + 1)          # the grid from A1 that to_python makes
            if cells > limits.max_cells:         # before the grid becomes Python lists: 210 million for ZZ300000
                raise cells_over_limit(file_name, meta.name, cells, last_row, last_column, limits)
            with gc_paused():        # one list per row: no cycles to look for
                rows = sheet.to_python(skip_empty_area=False)
            grids.append((meta.name, rows, sheet.merged_cell_ranges))
        except InputRefused:
            raise
        except BaseException as exc:  # noqa: BLE001 - as above: any failure to read a sheet refuses the file, named
            _reraise_unless_from_reader(exc)
            raise InputRefused(Problem(f"the sheet cannot be read ({type(exc).__name__}: {exc})",
                                       file=file_name, sheet=meta.name)) from None
    return grids


class _Alongside:
    """A call that may run in a thread of its own while this one does something else (calamine
    releases the GIL while it reads), or else here when its result is asked for.

    Only a process that answers once starts it early: should the work here refuse the file, that
    process answers with the refusal and ends, and the thread with it, whatever it is doing. The
    thread is a daemon so that the end does not wait for it."""

    def __init__(self, func: Callable[..., T], *args):
        self._call = functools.partial(func, *args)
        self._thread: threading.Thread | None = None
        self._outcome: tuple[bool, object] | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="reading cells")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (True, self._call())
        except BaseException as exc:  # noqa: BLE001 - raised again by result(), in the caller's thread
            self._outcome = (False, exc)

    def result(self) -> T:
        if self._thread is None:
            return self._call()
        self._thread.join()
        done, value = self._outcome
        if not done:
            raise value
        return value


def _read_workbook(data: bytes, file_name: str, limits: Limits) -> list[Sheet]:
    if data.startswith(OLE_MAGIC) and _ENCRYPTED_PACKAGE in data:
        raise InputRefused(Problem(
            "the workbook is protected by a password, so it cannot be read: open it in Excel or WPS, remove the "
            "password (File > Info > Protect Workbook), save it and upload it again", file=file_name))
    grids = _Alongside(_read_grids, data, file_name, limits)
    package = Package()
    if data.startswith(ZIP_MAGIC):
        package = check_and_inspect(data, file_name, limits, meanwhile=grids.start if answers_once() else None)
    xls = None
    if data.startswith(OLE_MAGIC):
        xls = XlsBook(check_cell_spans(data, file_name, limits))
    sheets: list[Sheet] = []
    for name, rows, merged_ranges in grids.result():
        if rows is None:
            sheets.append(Sheet(name, [], hidden=True))
            continue
        if xls is not None:
            xls.inspect(name, package)
        _fill_merged_text(rows, merged_ranges or package.merged.get(name))
        if may_show_unread_cells(package, name) and (any(map(operator.contains, rows, repeat("")))   # one of them?
                                                     or has_placeholder_results(package, name)):
            _show_unread_cells(rows, unread_cells(data, package, name))
        if name in package.error_cells:          # .ods and .xls: calamine reads an error as '' (or 0)
            _show_unread_cells(rows, package.error_cells[name])
        hidden = _blank_hidden(rows, *package.hidden[name]) if name in package.hidden else ([], [])
        percent = package.percent_cells.get(name, set())
        sheets.append(Sheet(name, rows, percent, hidden_cells=hidden, uncalculated=package.uncalculated.get(name)))
    if not sheets:
        raise InputRefused(Problem("the workbook has no worksheets", file=file_name))
    return sheets
