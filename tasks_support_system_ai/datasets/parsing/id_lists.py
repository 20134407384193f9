"""List-of-ids columns of the original hierarchy form, e.g. ``[12, 15, 99]``.

Text is validated with one regex over the column and split with vectorised string methods;
Parquet list columns are first rendered to the same text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.datasets.parsing.cells import MAX_EXACT_INT
from tasks_support_system_ai.datasets.parsing.ids import POSITIVE_ID
from tasks_support_system_ai.datasets.parsing.problems import Offenders, cell_error

LIST_PATTERN = r"\[\s*(?:[+-]?\d+\s*(?:,\s*[+-]?\d+\s*)*)?\]"
EXPECTED = "a list of queue ids like [12, 15] ([] for none)"


@dataclass(frozen=True)
class IdLists:
    """A list column flattened: ``ids[k]`` is listed on row ``owners[k]``."""

    column: str
    owners: npt.NDArray[np.int64]
    ids: npt.NDArray[np.int64]


def parse_id_lists(frame: pd.DataFrame, column: str) -> IdLists:
    """Raise ``invalid_list`` / ``invalid_queue_id`` at the first bad row, else flatten."""
    text = _as_text(frame[column]).str.strip()
    valid = text.str.fullmatch(LIST_PATTERN).fillna(False).to_numpy(dtype=np.bool_)
    offenders = Offenders.of(~valid)
    if offenders is not None:
        value = frame[column].iloc[offenders.first]
        raise cell_error(
            "invalid_list", column, offenders, value, problem="is not a list", expected=EXPECTED
        )
    items = text.str.slice(1, -1).str.split(",").explode().str.strip()
    items = items[items != ""]
    numbers = pd.to_numeric(items, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    owners = items.index.to_numpy(dtype=np.int64)
    _check_ids(frame, column, owners, numbers)
    return IdLists(column, owners, numbers.astype(np.int64))


def _as_text(series: pd.Series) -> pd.Series:
    """Parquet list cells as ``[1, 2]`` text; text cells unchanged; anything else stays invalid."""
    series = series.reset_index(drop=True)
    if isinstance(series.dtype, pd.StringDtype):
        return series.astype("str")
    return series.map(_render).astype("str")


def _render(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return None


def _check_ids(
    frame: pd.DataFrame,
    column: str,
    owners: npt.NDArray[np.int64],
    numbers: npt.NDArray[np.float64],
) -> None:
    bad = ~(np.isfinite(numbers) & (numbers > 0) & (numbers <= MAX_EXACT_INT))
    bad_rows = np.zeros(len(frame), dtype=np.bool_)
    bad_rows[owners[bad]] = True
    offenders = Offenders.of(bad_rows)
    if offenders is not None:
        item = numbers[np.flatnonzero(bad)[0]]
        raise cell_error(
            "invalid_queue_id",
            column,
            offenders,
            frame[column].iloc[offenders.first],
            problem=f"lists {item:.0f}, which is not a queue id",
            expected=f"every item to be {POSITIVE_ID}",
        )
