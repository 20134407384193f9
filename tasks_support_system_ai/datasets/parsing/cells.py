"""A column reduced to its distinct values, so conversion cost scales with those, not with rows.

Uploads have up to ~1M rows but only a few thousand distinct dates, ids or counts; every
converter parses the distinct values once and maps the result back through the codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from tasks_support_system_ai.datasets.parsing.problems import Offenders, cell_error

# Larger integers would not survive the float64 round trip used to check integrality.
MAX_EXACT_INT = 2**53


@dataclass(frozen=True)
class Cells:
    """One column as ``uniques[codes]``; missing values are kept as their own unique."""

    column: str
    codes: npt.NDArray[np.intp]
    uniques: pd.Index

    @classmethod
    def of(cls, frame: pd.DataFrame, column: str) -> Cells:
        series = frame[column]
        try:
            codes, uniques = pd.factorize(series, use_na_sentinel=False)
        except TypeError:  # unhashable cells, e.g. a Parquet list column; they fail as text
            codes, uniques = pd.factorize(series.astype("str"), use_na_sentinel=False)
        return cls(column, np.asarray(codes, dtype=np.intp), pd.Index(uniques))

    def offenders(self, bad: npt.NDArray[np.bool_]) -> Offenders | None:
        """Rows whose value is flagged in ``bad`` (a mask over the uniques)."""
        if not bad.any():
            return None
        return Offenders.of(bad[self.codes])

    def value_at(self, position: int) -> object:
        return self.uniques[self.codes[position]]

    def reject(
        self, bad: npt.NDArray[np.bool_], code: str, *, problem: str, expected: str, **details: Any
    ) -> None:
        """Raise for the first row whose value is flagged in ``bad``."""
        offenders = self.offenders(bad)
        if offenders is not None:
            value = self.value_at(offenders.first)
            raise cell_error(
                code, self.column, offenders, value, problem=problem, expected=expected, **details
            )

    def text(self) -> pd.Series:
        """The uniques as stripped text; missing values stay missing."""
        return pd.Series(self.uniques, dtype=object).astype("str").str.strip()

    def blank(self) -> npt.NDArray[np.bool_]:
        """Mask over the uniques: null, NaN or whitespace-only."""
        text = self.text()
        return np.asarray(text.isna() | (text == ""), dtype=np.bool_)


@dataclass(frozen=True)
class Numbers:
    """The uniques of a column read as numbers (NaN where not a number)."""

    cells: Cells
    values: npt.NDArray[np.float64]

    @classmethod
    def of(cls, cells: Cells) -> Numbers:
        dtype = cells.uniques.dtype
        if is_numeric_dtype(dtype) and not is_bool_dtype(dtype):
            values = cells.uniques.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            parsed = pd.to_numeric(cells.text(), errors="coerce")
            values = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
        return cls(cells, values)

    def integral(self) -> npt.NDArray[np.bool_]:
        """Mask over the uniques: a whole number small enough to be exact."""
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(self.values) & (np.floor(self.values) == self.values)
            return np.asarray(whole & (np.abs(self.values) <= MAX_EXACT_INT), dtype=np.bool_)

    def per_row(self) -> npt.NDArray[np.int64]:
        """Values per row; call only once every used unique is known to be integral."""
        exact = np.where(self.integral(), self.values, 0.0).astype(np.int64)
        return exact[self.cells.codes]
