"""A data frame made small to send between processes, and made whole again bit for bit.

A workbook is read in a process of its own (isolation), which sends its records back through a
pipe: 8 MB for 200,000 rows, most of it runs of one value (a target column without targets, a
metric's code over its months, one sheet name) or row numbers counting up.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd


class _Runs(NamedTuple):
    """An array as its runs of equal values: values[i] repeated counts[i] times."""
    values: np.ndarray
    counts: np.ndarray


class _Steps(NamedTuple):
    """An int64 array counting from `first` by `step`: row numbers."""
    first: int
    step: int
    count: int


_PACKED_FROM = 4096          # shorter arrays are sent as they are
_FEWEST_PER_RUN = 16         # runs shorter than this on average are not worth packing


def packed_frame(frame: pd.DataFrame) -> tuple:
    """A frame's columns, index and columns' names, each column's numbers packed where they repeat
    or count up (_packed_numbers): the same frame comes out of unpacked_frame, bit for bit."""
    return [_packed_column(frame.iloc[:, i]) for i in range(frame.shape[1])], frame.index, frame.columns


def unpacked_frame(packed: tuple) -> pd.DataFrame:
    """The frame packed_frame packed. Each column is made with its dtype: a frame made of bare
    arrays would take a column of text objects for pandas' own text dtype."""
    columns, index, names = packed
    frame = pd.DataFrame({i: pd.Series(_unpacked_column(column), index=index, dtype=column[1], copy=False)
                          for i, column in enumerate(columns)}, index=index, copy=False)
    frame.columns = names
    return frame


def _packed_column(column: pd.Series) -> tuple:
    """(kind, dtype, values): a categorical column's packed codes, a numpy one's packed values, any
    other's values as they are."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return "categorical", column.dtype, _packed_numbers(column.array.codes)
    if isinstance(column.dtype, np.dtype):
        return "numbers", column.dtype, _packed_numbers(column.to_numpy())
    return "as is", column.dtype, column.array


def _unpacked_column(packed: tuple):
    kind, dtype, values = packed
    if kind == "categorical":
        return pd.Categorical.from_codes(_unpacked_numbers(values), dtype=dtype, validate=False)
    return _unpacked_numbers(values) if kind == "numbers" else values


def _packed_numbers(values: np.ndarray) -> np.ndarray | _Runs | _Steps:
    """Numbers as runs of one value, compared bit for bit (NaN, -0.0), when there are few runs;
    int64 counting up by one step as that step; else as they are."""
    if values.ndim != 1 or len(values) < _PACKED_FROM or values.dtype.kind not in "biuf":
        return values
    bits = values.view(f"u{values.dtype.itemsize}")
    changes = bits[1:] != bits[:-1]
    if np.count_nonzero(changes) < len(values) // _FEWEST_PER_RUN:
        starts = np.concatenate([[0], np.flatnonzero(changes) + 1])
        return _Runs(values[starts], np.diff(np.append(starts, len(values))))
    if values.dtype == np.int64 and abs(int(values[0])) < 1 << 62 and abs(int(values[-1])) < 1 << 62:
        step = int(values[1]) - int(values[0])
        if (np.diff(values) == step).all():
            return _Steps(int(values[0]), step, len(values))
    return values


def _unpacked_numbers(packed: np.ndarray | _Runs | _Steps) -> np.ndarray:
    if isinstance(packed, _Runs):
        return np.repeat(packed.values, packed.counts)
    if isinstance(packed, _Steps):                 # never a step of 0: one value is one run
        return np.arange(packed.first, packed.first + packed.step * packed.count, packed.step, dtype=np.int64)
    return packed
