"""What a workbook's file says beyond the cells python-calamine reads, gathered per sheet by
xlsx_package (.xlsx/.xlsm), ods_package, xls_package and xlsb_package, and applied by readers:
which cells show a percent, which rows and columns are hidden, which cells show an error, which
ranges are merged where calamine gives none. Also what those inspectors share: which number
formats show a percent, and an Office Open XML package's relationships (.xlsx and .xlsb)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

Cell = tuple[int, int]                                   # (row0, col0)


@dataclass
class SheetFacts:
    percent: set[Cell] = field(default_factory=set)
    errors: dict[Cell, str] = field(default_factory=dict)            # {(row0, col0): '#REF!'}
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)     # ((top, left), (bottom, right))
    uncalculated: dict[Cell, str] = field(default_factory=dict)      # .xls: {(row0, col0): '=B2+0.5'} read as ''/0


@dataclass
class Package:
    sheet_parts: dict[str, str] = field(default_factory=dict)         # .xlsx: sheet name -> part name
    percent_cells: dict[str, set[Cell]] = field(default_factory=dict)
    hidden: dict[str, tuple[set[int], set[int]]] = field(default_factory=dict)     # sheet -> (rows0, cols0)
    with_formulas: set[str] = field(default_factory=set)                          # .xlsx: sheets holding a formula
    with_formulas_or_errors: set[str] = field(default_factory=set)    # .xlsx: sheets holding a formula or an error cell
    error_cells: dict[str, dict[Cell, str]] = field(default_factory=dict)
    merged: dict[str, list[tuple[Cell, Cell]]] = field(default_factory=dict)
    calculated_on_open: bool = False       # .xlsx written by a program: formula results saved as placeholders
    uncalculated: dict[str, dict[Cell, str]] = field(default_factory=dict)        # .xls: noted, see xls_package

    def add(self, sheet: str, facts: SheetFacts) -> None:
        """Keep what a sheet's facts say, and nothing for what they do not."""
        if facts.percent:
            self.percent_cells[sheet] = facts.percent
        if facts.errors:
            self.error_cells[sheet] = facts.errors
        if facts.hidden_rows or facts.hidden_columns:
            self.hidden[sheet] = (facts.hidden_rows, facts.hidden_columns)
        if facts.merged:
            self.merged[sheet] = facts.merged
        if facts.uncalculated:
            self.uncalculated[sheet] = facts.uncalculated


def is_percent_code(code: str) -> bool:
    """A number format shows percent when it has a % outside quotes and escapes."""
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in code


def relationship_targets(archive: zipfile.ZipFile, names: set[str], part: str) -> dict[str, str]:
    """{relationship id: part name} of a workbook part (xl/workbook.xml or .bin)."""
    rels = f"xl/_rels/{part.rsplit('/', 1)[-1]}.rels"
    try:
        root = ElementTree.fromstring(archive.read(rels)) if rels in names else None
    except ElementTree.ParseError:
        return {}
    targets = {}
    for rel in root.iter(f"{_NS_PKG_REL}Relationship") if root is not None else ():
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return targets
