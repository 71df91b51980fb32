"""Real workbooks in the formats the upload offers: .xlsx written by xlsxwriter, .ods as LibreOffice
and WPS save it, .xls (BIFF8, written by xlwt) and .xlsb (BIFF12 records as Excel writes them); and an
.xlsx that crashes the reader. Each builder gives the file's bytes."""

from __future__ import annotations

import io
import re
import struct
import zipfile

import xlsxwriter


def xlsx(build) -> bytes:
    """An .xlsx that build(workbook) fills, written by xlsxwriter in memory."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(book)
    book.close()
    return buffer.getvalue()


def rows_file(rows: list[list], name: str, sheet: str = "数据") -> bytes:
    """`rows` as the file `name` says: a CSV (cells joined by commas, as typed) or a one-sheet .xlsx
    (numbers as numbers, text as text)."""
    if name.endswith(".csv"):
        return "".join(",".join(map(str, row)) + "\n" for row in rows).encode()

    def build(book):
        written = book.add_worksheet(sheet)
        for r, row in enumerate(rows):
            written.write_row(r, 0, row)
    return xlsx(build)


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3">'
    '<office:automatic-styles><style:style style:name="ta2" style:family="table">'
    '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
    "<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>")


def ods_cell(cell) -> str:
    """A cell as LibreOffice Calc writes it: typed value attributes, the shown text in text:p."""
    if cell is None:
        return "<table:table-cell/>"
    if isinstance(cell, tuple) and cell[0] == "merged":                  # ("merged", text, rows, columns)
        _, text, rows, columns = cell
        return (f'<table:table-cell office:value-type="string" table:number-rows-spanned="{rows}" '
                f'table:number-columns-spanned="{columns}"><text:p>{text}</text:p></table:table-cell>')
    if cell == "covered":                                                # a cell under a merged one
        return "<table:covered-table-cell/>"
    if isinstance(cell, tuple):                                          # ("%", 0.952) or ("error", "#REF!")
        kind, value = cell
        if kind == "%":
            return (f'<table:table-cell office:value-type="percentage" office:value="{value}" '
                    f'calcext:value-type="percentage"><text:p>{value * 100:.1f}%</text:p></table:table-cell>')
        return (f'<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" '
                f'calcext:value-type="error"><text:p>{value}</text:p></table:table-cell>')
    if isinstance(cell, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{cell}" calcext:value-type="float">'
                f"<text:p>{cell}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>'


COLLAPSED = ' table:visibility="collapse"'


def ods(sheets: dict[str, list], hidden_sheets=(), hidden_rows=(), hidden_columns=(), raw_rows="") -> bytes:
    """A real .ods package: the mimetype stored first, content.xml and the manifest. Rows are
    padded as LibreOffice pads them (a repeated empty row to the sheet's end)."""
    tables = []
    for name, rows in sheets.items():
        style = ' table:style-name="ta2"' if name in hidden_sheets else ""
        width = max(map(len, rows))
        columns = "".join(f"<table:table-column{COLLAPSED if c in hidden_columns else ''}/>" for c in range(width))
        body = "".join(f"<table:table-row{COLLAPSED if r in hidden_rows else ''}>"
                       + "".join(map(ods_cell, row)) + "</table:table-row>" for r, row in enumerate(rows))
        padding = ('<table:table-row table:number-rows-repeated="1048500">'
                   '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
        tables.append(f'<table:table table:name="{name}"{style}>{columns}{body}{raw_rows}{padding}</table:table>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", ODS_CONTENT.format(tables="".join(tables)))
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"))
    return buffer.getvalue()


def xls(build, recalc_engine: int | None = None, uncalced: bool = False) -> bytes:
    """A real Excel 97–2003 workbook (BIFF8), as old templates and WPS's compatibility mode save.
    xlwt writes no RECALCID: recalc_engine adds one (Excel and LibreOffice write their engine's
    number, Apache POI 0 to have Excel recalculate on opening); uncalced adds UNCALCED to each sheet."""
    import xlwt
    from xlwt import CompoundDoc

    book = xlwt.Workbook(encoding="utf-8")
    build(book, xlwt)
    biff = book.get_biff_data()
    if recalc_engine is not None or uncalced:
        biff = _with_calculation_records(biff, recalc_engine, uncalced)
    buffer = io.BytesIO()
    CompoundDoc.XlsDoc().save(buffer, biff)
    return buffer.getvalue()


def _biff_records(stream: bytes, at: int) -> list[tuple[int, bytes]]:
    """(type, body) from `at` up to and including the next EOF record."""
    records = []
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        records.append((kind, stream[at + 4:at + 4 + size]))
        at += 4 + size
        if kind == 0x000A:
            break
    return records


def _with_calculation_records(biff: bytes, recalc_engine: int | None, uncalced: bool) -> bytes:
    """The workbook stream with RECALCID before the globals' EOF and UNCALCED before each sheet's,
    and the sheets' offsets in BOUNDSHEET moved to match."""
    def joined(records):
        return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)

    workbook = _biff_records(biff, 0)
    sheets = [_biff_records(biff, struct.unpack_from("<I", body)[0]) for kind, body in workbook if kind == 0x0085]
    if recalc_engine is not None:
        workbook.insert(len(workbook) - 1, (0x01C1, struct.pack("<HHI", 0x01C1, 0, recalc_engine)))
    if uncalced:
        sheets = [records[:-1] + [(0x005E, bytes(2)), records[-1]] for records in sheets]
    at = len(joined(workbook))
    offsets = []
    for records in sheets:
        offsets.append(at)
        at += len(joined(records))
    offset = iter(offsets)
    workbook = [(kind, struct.pack("<I", next(offset)) + body[4:] if kind == 0x0085 else body) for kind, body in workbook]
    return joined(workbook) + b"".join(joined(records) for records in sheets)


def biff12_record(kind: int, body: bytes = b"") -> bytes:
    """One record of an .xlsb part: its type and size as 7-bit varints, then its body."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, length = len(body), b""
    while True:
        size, byte = size >> 7, size & 0x7F
        length += bytes([byte | (0x80 if size else 0)])
        if not size:
            return head + length + body


def wide_string(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb(sheets: dict[str, list], hidden=(), hidden_rows=(), hidden_columns=(), merged=(), far_column=None) -> bytes:
    """A real Excel binary workbook, with the records Excel writes and calamine reads: sheets
    bundled in workbook.bin (hidden ones marked), a percent cell format (0.0%) in styles.bin, each
    sheet's dimension, column infos, rows (hidden ones flagged fDyZero), cells and merged ranges.
    A cell ("%", 0.952) is shown as a percent, ("error", 0x17) shows #REF!; far_column puts one more
    value in the last row, at that column (a damaged address)."""
    book = b"".join(biff12_record(0x9C, struct.pack("<II", int(name in hidden), i + 1) + wide_string(f"rId{i + 1}")
                                   + wide_string(name)) for i, name in enumerate(sheets))
    book += biff12_record(0x90) + biff12_record(0x9D, bytes(26))            # end of sheets; calculation
    styles = (biff12_record(0x267, struct.pack("<I", 1)) + biff12_record(0x2C, struct.pack("<H", 164)
                                                                             + wide_string('0.0"%"%'))
              + biff12_record(0x268) + biff12_record(0x269, struct.pack("<I", 2))
              + biff12_record(0x2F, struct.pack("<HH", 0xFFFF, 0) + bytes(12))     # xf 0: General
              + biff12_record(0x2F, struct.pack("<HH", 0, 164) + bytes(12)) + biff12_record(0x26A))  # xf 1: 0.0%
    relationship = ('<Relationship Id="rId{n}" Target="worksheets/sheet{n}.bin" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.'
            'macroEnabled.main"/></Types>'))
        archive.writestr("xl/workbook.bin", book)
        archive.writestr("xl/styles.bin", styles)
        archive.writestr("xl/_rels/workbook.bin.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships">' + "".join(relationship.format(n=n) for n in range(1, len(sheets) + 1))
            + "</Relationships>"))
        for n, rows in enumerate(sheets.values(), start=1):
            part = biff12_record(0x81) + biff12_record(0x94, struct.pack("<IIII", 0, len(rows) - 1, 0,
                                                                           max(1, *map(len, rows)) - 1))
            if hidden_columns:
                part += biff12_record(0x186) + b"".join(biff12_record(0x3C, struct.pack("<IIII", c, c, 2304, 0)
                                                                        + b"\x01\x00") for c in hidden_columns)
                part += biff12_record(0x187)
            part += biff12_record(0x91)                                          # sheet data begins
            for r, row in enumerate(rows):
                flags = 0x10 if r in hidden_rows else 0                            # fDyZero: hidden
                part += biff12_record(0x00, struct.pack("<IIHBB", r, 0, 300, 0, flags) + bytes(5))
                for c, cell in enumerate(row):
                    part += xlsb_cell(c, cell)
            if far_column is not None:
                part += xlsb_cell(far_column, 1.0)
            part += biff12_record(0x92)
            if merged:
                part += biff12_record(0xB1, struct.pack("<I", len(merged))) + b"".join(
                    biff12_record(0xB0, struct.pack("<IIII", top, bottom, left, right))
                    for (top, left), (bottom, right) in merged) + biff12_record(0xB2)
            archive.writestr(f"xl/worksheets/sheet{n}.bin", part + biff12_record(0x82))
    return buffer.getvalue()


def xlsb_cell(column: int, cell) -> bytes:
    if isinstance(cell, str):
        return biff12_record(0x06, struct.pack("<II", column, 0) + wide_string(cell))
    if isinstance(cell, tuple) and cell[0] == "error":
        return biff12_record(0x03, struct.pack("<IIB", column, 0, cell[1]))
    if isinstance(cell, tuple):                                                    # ("%", 0.952): style 1
        return biff12_record(0x05, struct.pack("<IId", column, 1, cell[1]))
    return biff12_record(0x05, struct.pack("<IId", column, 0, cell)) if cell is not None else b""


def xlsx_with_a_far_off_cell(column: str = "XFD", row: int = 1048576) -> bytes:
    """A small .xlsx (SLA达成率 95.1 / 96.2 for 2026-09 / 2026-10) with one more value far off and
    no <dimension>, as a hostile or broken writer can leave it: calamine reserves the grid up to
    that cell (512 GB for XFD1048576) and Rust aborts the process that reads it."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "2026-09", "2026-10"])
    sheet.write_row(1, 0, ["SLA达成率", 95.1, 96.2])
    book.close()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb"<dimension[^>]*/>", b"", part).replace(
                    b"</sheetData>", b'<row r="%d"><c r="%s%d"><v>1</v></c></row></sheetData>' % (row, column.encode(), row))
            package.writestr(info, part)
    return out.getvalue()
