"""How big an uploaded file may be, so one bad file cannot take the meeting's server down.

The defaults fit any monthly metric file by a wide margin, including a two-million-row CSV
export (about 50 MB, up to 100 MB with long names); operators can change them with environment variables (sizes in MB):
CSI_MAX_FILE_MB, CSI_MAX_UNZIPPED_MB, CSI_MAX_COMPRESSION_RATIO, CSI_MAX_CELLS, CSI_MAX_ROWS,
CSI_MAX_READ_SECONDS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InputRefused, Problem, column_letter

MB = 2**20


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * MB           # the file as uploaded
    max_unzipped_bytes: int = 400 * MB       # an .xlsx's parts, decompressed, as declared in its zip directory
    max_compression_ratio: float = 200.0     # per part of an .xlsx: a higher ratio is a zip bomb
    max_cells: int = 5_000_000               # cells in all data sheets together
    max_rows: int = 3_000_000                # data rows in one file (a CSV of 2,000,000 rows must load)
    max_read_seconds: float = 120.0          # reading one workbook in its own process (200,000 rows take ~1 s)

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_file_bytes=int(_env_number("CSI_MAX_FILE_MB", 100) * MB),
            max_unzipped_bytes=int(_env_number("CSI_MAX_UNZIPPED_MB", 400) * MB),
            max_compression_ratio=_env_number("CSI_MAX_COMPRESSION_RATIO", 200.0),
            max_cells=int(_env_number("CSI_MAX_CELLS", 5_000_000)),
            max_rows=int(_env_number("CSI_MAX_ROWS", cls.max_rows)),
            max_read_seconds=_env_number("CSI_MAX_READ_SECONDS", cls.max_read_seconds),
        )


def cells_over_limit(file_name: str, sheet: str, total: int, last_row: int, last_column: int,
                     limits: Limits) -> InputRefused:
    """The refusal for sheets that span more cells than the limit, however empty: the readers
    allocate a sheet's whole grid (a far-off cell, or a damaged address, would take the memory)."""
    return InputRefused(Problem(
        f"the workbook has {total:,} cells (sheet '{sheet}' spans A1:{column_letter(last_column)}{last_row + 1}), "
        f"over the limit of {limits.max_cells:,}", file=file_name))
