"""People-readable validation errors that point at the first offending rows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.errors import DatasetValidationError

MAX_ROWS_SHOWN = 5


@dataclass(frozen=True)
class Offenders:
    """Rows failing one check: the first few 0-based positions and how many fail in all."""

    positions: npt.NDArray[np.intp]
    count: int

    @classmethod
    def of(cls, mask: npt.NDArray[np.bool_]) -> Offenders | None:
        """Offenders of a per-row mask, or None when every row passes."""
        positions = np.flatnonzero(mask)
        if positions.size == 0:
            return None
        return cls(positions[:MAX_ROWS_SHOWN], int(positions.size))

    @property
    def first(self) -> int:
        return int(self.positions[0])

    @property
    def rows(self) -> list[int]:
        """1-based data-row numbers, as people count them."""
        return [int(p) + 1 for p in self.positions]

    def more(self) -> str:
        """A sentence saying how many other rows share the problem, if any."""
        others = self.count - 1
        if others == 0:
            return ""
        if others == 1:
            return " 1 more row has the same problem."
        return f" {others} more rows have the same problem."


def is_blank(value: object) -> bool:
    """True for a missing cell: null, NaN or whitespace-only text."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    return value is None or value is pd.NA or value is pd.NaT


def join_and(items: list[int] | list[str]) -> str:
    """``[3, 7, 9]`` → ``'3, 7 and 9'``."""
    words = [str(item) for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def as_text(value: object) -> str:
    """A cell as the user typed it; whole floats (nullable ints read from Parquet) lose ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_error(
    code: str,
    column: str,
    offenders: Offenders,
    value: object,
    *,
    problem: str,
    expected: str,
    **details: Any,
) -> DatasetValidationError:
    """Error for a bad cell: names the column, the first row, the value and what was expected."""
    row = offenders.first + 1
    if is_blank(value):
        text = f"Column '{column}', row {row} is empty; expected {expected}."
        raw = None
    else:
        raw = as_text(value)
        text = f"Column '{column}', row {row}: '{raw}' {problem}; expected {expected}."
    return DatasetValidationError(
        text + offenders.more(),
        code=code,
        column=column,
        row=row,
        value=raw,
        expected=expected,
        rows=offenders.rows,
        count=offenders.count,
        **details,
    )
