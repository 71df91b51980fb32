"""What an .xlsx's zip package tells us before (and besides) reading its cells.

1. Safety: a workbook is a zip archive, and a zip bomb (a few kB that inflate to gigabytes) must
   be refused quickly and without inflating it. The zip directory declares every part's sizes:
   the total, and each part's compression ratio, are checked against the limits first; then
   each part is streamed through a bounded reader, so a directory that lies about sizes fails
   its CRC check after at most the declared number of bytes. Each worksheet's declared
   dimension (A1:Z100) is checked against the cell limit from its first bytes.
2. Percent formats: python-calamine gives a cell shown as "95.2%" as 0.952 and does not say
   how it was formatted. Our users think in percent points, so the styles part is read to find
   which cells carry a percent number format.
3. Hidden rows and columns: what the user cannot see in Excel (hidden by hand, by a filter or in a
   collapsed group) is not loaded behind their back, as hidden sheets are not; the sheet XML says
   which rows and columns are hidden. A sheet without any costs one substring search while its
   part is inflated for the checks above.
4. Formula results: python-calamine gives '' both for a cell showing an Excel error (#REF!) and
   for a formula whose result the file does not hold (files written by programs, never opened in
   Excel). Excel shows the user a value or an error there, so such a cell must not be taken for
   a blank: the sheet XML says which cells they are and what they hold. Programs such as
   xlsxwriter save 0 as every formula's result instead, and mark the workbook to be calculated
   when it is opened (fullCalcOnLoad): in such a workbook a formula's saved 0 is a placeholder,
   not a value anybody saw.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree import ElementTree

from . import ods_package, xlsb_package
from .errors import InputRefused, Problem
from .limits import MB, Limits
from .workbook_package import Package, is_percent_code, relationship_targets

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BUILTIN_PERCENT_FORMATS = {9, 10}
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_MAX_PARTS = 5000
_HIDDEN = b'hidden="'
_FORMULA_END = b"</f>"                       # every formula has one: a shared formula's first cell holds its text
_ERROR_CELL = b't="e"'
_CALCULATED_ON_OPEN = re.compile(rb'\bfullCalcOnLoad="(?:1|true)"')   # cleared by Excel and WPS when they save
_ROW_OR_COL = re.compile(rb"<(?:\w+:)?(row|col)\b([^>]*)>")
_IS_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ATTR_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MAX_COLUMNS = 16384                                   # XFD: <col min="14" max="16384" hidden="1"/> hides the rest
_ATTR_MIN = re.compile(rb'\bmin="(\d+)"')
_ATTR_MAX = re.compile(rb'\bmax="(\d+)"')              # LibreOffice writes max before min
_HIDDEN_VALUES = (b'hidden="1"', b'hidden="true"')      # LibreOffice writes hidden="false" on every row
_FORMULA_OR_ERROR = (b"<f>", b"<f ", b' t="e"')        # Excel, WPS and programs write cells without a prefix
_CELL_WITH_BODY = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.DOTALL)


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def check_and_inspect(data: bytes, file_name: str, limits: Limits,
                      meanwhile: Callable[[], object] | None = None) -> Package:
    """Refuse bombs and fakes; return sheet parts and percent-formatted cells.

    meanwhile, for an .xlsx: called once the declared sizes and dimensions have passed and before
    the sheets' parts are inflated and checked, so that a reading process can read the cells
    alongside (it ends with this check's refusal, whatever its reader is doing). For the other
    formats it is not called: their inspection catches what would crash the reader."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:   # 'zip file version 18.9'
        raise InputRefused(Problem(f"not a readable Excel workbook (the zip package is damaged: {exc})",
                                   file=file_name)) from None
    _check_sizes(infos, file_name, limits)
    names = {info.filename for info in infos}
    if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
        raise InputRefused(Problem("not an Excel workbook: the package has no xl/workbook.xml", file=file_name))
    if "xl/workbook.xml" not in names:
        _check_streams(archive, infos, file_name, _Seen())
        if "xl/workbook.bin" in names:                                     # .xlsx's binary twin, .xlsb
            return xlsb_package.inspect(archive, names, file_name, limits)
        if _is_opendocument_spreadsheet(archive, names):
            return _inspect_opendocument(archive, file_name, limits)
        raise InputRefused(Problem("not an Excel workbook: the package has no xl/workbook.xml", file=file_name))
    seen = _Seen()
    workbook_parts = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}     # what the sheets' parts are read from
    _check_streams(archive, [info for info in infos if info.filename in workbook_parts], file_name, seen)
    package = Package(sheet_parts=_sheet_parts(archive, names))
    _check_dimensions(archive, package, file_name, limits)
    if meanwhile is not None:
        meanwhile()
    _check_streams(archive, [info for info in infos if info.filename not in workbook_parts], file_name, seen,
                   sheet_parts=set(package.sheet_parts.values()))
    package.calculated_on_open = seen.calculated_on_open
    package.with_formulas = {sheet for sheet, part in package.sheet_parts.items() if part in seen.with_formulas}
    package.with_formulas_or_errors = {sheet for sheet, part in package.sheet_parts.items()
                                       if part in seen.with_formulas_or_errors}
    percent_styles = _percent_styles(archive, names)
    for sheet, part in package.sheet_parts.items():
        sheet_xml = archive.read(part) if percent_styles or part in seen.with_hidden else b""
        if percent_styles:
            package.percent_cells[sheet] = _cells_with_styles(sheet_xml, percent_styles)
        if part in seen.with_hidden:
            package.hidden[sheet] = _hidden_rows_and_columns(sheet_xml)
    return package


def _is_opendocument_spreadsheet(archive: zipfile.ZipFile, names: set[str]) -> bool:
    return "mimetype" in names and "content.xml" in names and archive.read("mimetype").strip() == ods_package.MIMETYPE


def _inspect_opendocument(archive: zipfile.ZipFile, file_name: str, limits: Limits) -> Package:
    with archive.open("content.xml") as content:
        return ods_package.inspect(content, file_name, limits)


def unread_cells(data: bytes, package: Package, sheet: str) -> dict[tuple[int, int], str]:
    """{(row0, col0): '#REF!' or '=B2*2'}: the cells of a sheet that calamine reads as '' (or as a
    placeholder 0) but that show an error or a formula's result in Excel, which the file does not
    hold. A sheet without a formula or an error cell costs two substring searches."""
    part = package.sheet_parts.get(sheet)
    if part is None:
        return {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read(part)
    if _FORMULA_END not in sheet_xml and _ERROR_CELL not in sheet_xml:
        return {}
    return _errors_and_unsaved_formulas(sheet_xml, zero_is_unsaved=package.calculated_on_open)


def may_show_unread_cells(package: Package, sheet: str) -> bool:
    """Whether unread_cells can find anything in a sheet: only a formula or an error cell shows
    what calamine reads as blank, and the stream check noticed whether the sheet holds one. Without,
    its rows need not be searched for a blank, nor its part inflated once more to look."""
    return sheet in package.with_formulas_or_errors


def has_placeholder_results(package: Package, sheet: str) -> bool:
    """Whether a sheet's formulas may hold a program's placeholder 0 (see unread_cells)."""
    return package.calculated_on_open and sheet in package.with_formulas


def _check_sizes(infos: list[zipfile.ZipInfo], file_name: str, limits: Limits) -> None:
    if len(infos) > _MAX_PARTS:
        raise InputRefused(Problem(f"the workbook has {len(infos)} parts, over the limit of {_MAX_PARTS}",
                                   file=file_name))
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise InputRefused(Problem(
            f"the workbook would unpack to {total / MB:,.0f} MB, over the limit of "
            f"{limits.max_unzipped_bytes / MB:,.0f} MB; nothing was read", file=file_name))
    for info in infos:
        if info.file_size > MB and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1):
            raise InputRefused(Problem(
                f"part '{info.filename}' is compressed {info.file_size / max(info.compress_size, 1):,.0f} to 1, "
                "which only zip bombs do; the workbook was not read", file=file_name))


@dataclass
class _Seen:
    """What the stream check notices on the way, for free or nearly."""
    with_hidden: set[str] = field(default_factory=set)          # worksheet parts hiding a row or a column
    with_formulas: set[str] = field(default_factory=set)        # ... holding a formula, looked for only when
    calculated_on_open: bool = False                            # the workbook is marked to be calculated on opening
    with_formulas_or_errors: set[str] = field(default_factory=set)   # sheets' parts holding either (see unread_cells)


def _check_streams(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], file_name: str, seen: _Seen,
                   sheet_parts: set[str] = frozenset()) -> None:
    """Inflate each part through a reader bounded by its declared size; a lying size fails the CRC.
    What is noticed on the way goes into `seen`. The workbook part goes first: its calcPr says
    whether the sheets' formulas may hold placeholders (a search for them costs ~20 ms on a 30 MB
    sheet, so only workbooks written by programs pay it). Whether a sheet in `sheet_parts` holds a
    formula or an error cell at all is looked for in each: a reading process does it while calamine
    reads the cells, and it spares the search of every row for a blank after (see
    may_show_unread_cells). A needle found in a part is not looked for in it again."""
    for info in sorted(infos, key=lambda info: info.filename != "xl/workbook.xml"):
        needles = [(_HIDDEN, seen.with_hidden)] if info.filename.startswith("xl/worksheets/") else []
        if needles and seen.calculated_on_open:
            needles.append((_FORMULA_END, seen.with_formulas))
        if info.filename in sheet_parts:
            needles += [(_FORMULA_END, seen.with_formulas_or_errors), (_ERROR_CELL, seen.with_formulas_or_errors)]
        tail = b""
        with _refused_if_damaged(info.filename, file_name), archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                if info.filename == "xl/workbook.xml" and _CALCULATED_ON_OPEN.search(tail + chunk):
                    seen.calculated_on_open = True
                for needle, parts in needles:
                    if info.filename not in parts and (needle in chunk or needle in tail + chunk[:16]):
                        parts.add(info.filename)
                tail = chunk[-32:]


@contextmanager
def _refused_if_damaged(part: str, file_name: str) -> Iterator[None]:
    """A part that cannot be inflated (a broken stream, a size that fails its CRC) refuses the file."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
        raise InputRefused(Problem(f"the workbook is damaged (part '{part}': {exc})", file=file_name)) from None


def _read_xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(part))


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    try:
        workbook = _read_xml(archive, "xl/workbook.xml")
    except ElementTree.ParseError:
        return {}
    targets = relationship_targets(archive, names, "xl/workbook.xml")
    parts = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_NS_REL}id"))
        if part in names:
            parts[sheet.get("name")] = part
    return parts


def _check_dimensions(archive: zipfile.ZipFile, package: Package, file_name: str, limits: Limits) -> None:
    total = 0
    for sheet, part in package.sheet_parts.items():
        with _refused_if_damaged(part, file_name), archive.open(part) as stream:    # before its whole stream is checked
            head = stream.read(4096)
        match = _DIMENSION.search(head)
        if not match or not match.group(3):
            continue
        rows = int(match.group(4)) - int(match.group(2)) + 1
        cols = _column_index(match.group(3)) - _column_index(match.group(1)) + 1
        total += max(rows, 0) * max(cols, 0)
        if total > limits.max_cells:
            raise InputRefused(Problem(
                f"the workbook has {total:,} cells (sheet '{sheet}' spans {match.group(0)[-30:].decode(errors='replace')}),"
                f" over the limit of {limits.max_cells:,}", file=file_name))


def _percent_styles(archive: zipfile.ZipFile, names: set[str]) -> set[int]:
    if "xl/styles.xml" not in names:
        return set()
    try:
        styles = _read_xml(archive, "xl/styles.xml")
    except ElementTree.ParseError:
        return set()
    percent_formats = set(_BUILTIN_PERCENT_FORMATS)
    for fmt in styles.iter(f"{_NS_MAIN}numFmt"):
        if is_percent_code(fmt.get("formatCode", "")):
            percent_formats.add(int(fmt.get("numFmtId", "-1")))
    cell_xfs = styles.find(f"{_NS_MAIN}cellXfs")
    if cell_xfs is None:
        return set()
    return {index for index, xf in enumerate(cell_xfs.findall(f"{_NS_MAIN}xf"))
            if int(xf.get("numFmtId", "0")) in percent_formats}


def _cells_with_styles(sheet_xml: bytes, styles: set[int]) -> set[tuple[int, int]]:
    wanted = {str(s).encode() for s in styles}
    cells = set()
    for match in _CELL.finditer(sheet_xml):
        attrs = match.group(1)
        style = _ATTR_S.search(attrs)
        if style is None or style.group(1) not in wanted:
            continue
        ref = _ATTR_R.search(attrs)
        if ref is not None:
            cells.add((int(ref.group(2)) - 1, _column_index(ref.group(1))))
    return cells


def _errors_and_unsaved_formulas(sheet_xml: bytes, zero_is_unsaved: bool = False) -> dict[tuple[int, int], str]:
    """{(row0, col0): what Excel shows} for cells showing an error ('#REF!') and formulas saved
    without their result ('=B2*2'; '=…' for a shared formula's later cells, whose text lives in
    the first). A formula whose saved result is an empty text (t="str") is a real blank. With
    zero_is_unsaved, a number formula saved with 0 counts as unsaved too: the placeholder of a
    workbook that a program wrote to be calculated on opening."""
    cells: dict[tuple[int, int], str] = {}
    seen = -1
    for at in sorted(_positions(sheet_xml, _FORMULA_OR_ERROR)):
        start = sheet_xml.rfind(b"<", 0, at)          # the <c ...> tag: t="e" is in it, <f> its first child
        if start <= seen:
            continue
        cell = _CELL_WITH_BODY.match(sheet_xml, start)
        if cell is None:
            continue
        seen = start
        attrs, body = cell.group(1), cell.group(2) or b""
        ref = _ATTR_R.search(attrs)
        if ref is None:
            continue
        kind = _ATTR_T.search(attrs)
        value = _VALUE.search(body)
        saved = value.group(1) if value is not None and value.group(1) else b""
        if zero_is_unsaved and saved == b"0" and (kind is None or kind.group(1) == b"n"):
            saved = b""                                            # not a boolean FALSE (t="b"), not a text "0"
        if kind is not None and kind.group(1) == b"e" and saved:
            text = saved.decode(errors="replace")
        elif kind is not None and kind.group(1) == b"str" and value is not None:
            continue
        elif not saved and (formula := _FORMULA.search(body)) is not None:
            text = "=" + ((formula.group(1) or b"").decode(errors="replace") or "…")
        else:
            continue
        cells[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = _unescape(text)
    return cells


def _hidden_rows_and_columns(sheet_xml: bytes) -> tuple[set[int], set[int]]:
    """0-based rows (<row r="5" hidden="1">) and columns (<col min="3" max="5" hidden="1"/>) hidden in Excel."""
    rows: set[int] = set()
    columns: set[int] = set()
    for at in _positions(sheet_xml, _HIDDEN_VALUES):
        tag = _ROW_OR_COL.match(sheet_xml, sheet_xml.rfind(b"<", 0, at))
        if tag is None or not _IS_HIDDEN.search(tag.group(2)):
            continue
        if tag.group(1) == b"row":
            if (number := _ATTR_ROW_NUMBER.search(tag.group(2))) is not None:
                rows.add(int(number.group(1)) - 1)
        elif (first := _ATTR_MIN.search(tag.group(2))) and (last := _ATTR_MAX.search(tag.group(2))):
            columns.update(range(int(first.group(1)) - 1, min(int(last.group(1)), _MAX_COLUMNS)))
    return rows, columns


def _positions(text: bytes, needles: tuple[bytes, ...]) -> Iterator[int]:
    """Where each needle occurs (substring search: far faster than a regex over a 30 MB sheet)."""
    for needle in needles:
        at = text.find(needle)
        while at != -1:
            yield at
            at = text.find(needle, at + 1)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")
