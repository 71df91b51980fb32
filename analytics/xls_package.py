"""What an Excel 97–2003 workbook (.xls, still the format of many old templates and of WPS's
compatibility mode) tells us besides its cells, as xlsx_package does for .xlsx.

python-calamine reads an .xls's cells, but gives a cell shown as "95.2%" as 0.952, reads rows and
columns hidden in Excel, and gives '' for a cell showing an error (#REF!). xlrd, which reads
nothing but .xls, gives each cell's number format, each row's and column's hidden flag and the
error cells. Sheets are loaded one at a time, after calamine has counted their cells against the
limits. A file xlrd cannot read is still read by calamine, without these refinements.
"""

from __future__ import annotations

import xlrd

from .xlsx_package import Package, is_percent_code


class XlsBook:
    """An .xls opened by xlrd for its formats and flags; `inspect` adds one sheet's to a Package."""

    def __init__(self, data: bytes) -> None:
        try:
            self._book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
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
        percent, errors = set(), {}
        for r in range(sheet.nrows):
            for c, kind in enumerate(sheet.row_types(r)):
                if kind == xlrd.XL_CELL_NUMBER and sheet.cell_xf_index(r, c) in self._percent_styles:
                    percent.add((r, c))
                elif kind == xlrd.XL_CELL_ERROR:
                    errors[(r, c)] = xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#VALUE!")
        rows = {r for r, info in sheet.rowinfo_map.items() if info.hidden and r < sheet.nrows}
        columns = {c for c, info in sheet.colinfo_map.items() if info.hidden and c < sheet.ncols}
        if percent:
            package.percent_cells[sheet_name] = percent
        if errors:
            package.error_cells[sheet_name] = errors
        if rows or columns:
            package.hidden[sheet_name] = (rows, columns)
        self._book.unload_sheet(sheet_name)
