"""Errors a user can cause, each with a message that says where and what.

The command line maps InputRefused to exit status 1 and UsageError to 2; pages show the
messages. Nothing here ever carries a traceback to the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def spans(numbers: list[int], label=str) -> str:
    """[5, 6, 7, 9] as '5–7, 9' (each shown by `label`: str for rows, column_letter for columns)."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(label(a) if a == b else f"{label(a)}–{label(b)}" for a, b in runs)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located the way the spreadsheet user sees it.

    row is the 1-based row number as the spreadsheet (or a text editor, for CSV) numbers it;
    column is the column letter, optionally followed by its header, e.g. "C (数值)".
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    # a name the file writes that the catalogue lacks, when that is the problem: the upload page
    # offers to make it another name of a catalogue metric (not said in the message: it is in it)
    unknown_name: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.sheet, str):      # a CSV's rows carry a missing sheet (NaN): no sheet
            object.__setattr__(self, "sheet", None)

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class InputRefused(Exception):
    """The input cannot be accepted; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem | str, records: object = None):
        if isinstance(problems, (Problem, str)):
            problems = [problems if isinstance(problems, Problem) else Problem(problems)]
        self.problems: list[Problem] = list(problems)
        self.records = records        # the rows a refused file still gave (parsing), for the ingest's checks
        super().__init__(self.summary())

    def __reduce__(self):
        return InputRefused, (self.problems, self.records)     # whole, with its places, from a reading process

    def summary(self, limit: int = 20) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


INTERRUPTED = "interrupted; nothing was written by the unfinished step"     # Ctrl-C: the command line's last word


class UsageError(Exception):
    """The command was called wrongly (exit status 2)."""


class StoreError(Exception):
    """The store cannot be used as asked: busy, locked, from a newer version, not ours."""


class StoreBusy(StoreError):
    """Another process holds the store's write lock longer than we are willing to wait."""


class StoreDamaged(StoreError):
    """The store's file fails DuckDB's checks (a block's checksum): written over, or cut short."""


class NotAllowed(Exception):
    """The user's role does not allow this action, or the action is illegal in this state."""
