"""Date columns: ISO ``YYYY-MM-DD`` or the original service's ``DD.MM.YYYY``, one per file."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import is_datetime64_any_dtype

from tasks_support_system_ai.datasets.parsing.cells import Cells
from tasks_support_system_ai.datasets.parsing.problems import Offenders, cell_error

EXPECTED = "YYYY-MM-DD (or DD.MM.YYYY)"
FIRST_YEAR, LAST_YEAR = 1900, 2199


@dataclass(frozen=True)
class DateFormat:
    """A textual date layout; ``pattern`` captures year, month and day by name."""

    label: str
    pattern: str


ISO = DateFormat("YYYY-MM-DD", r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ]00:00:00)?$")
DOTTED = DateFormat("DD.MM.YYYY", r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?: 00:00:00)?$")


def parse_dates(frame: pd.DataFrame, column: str = "date") -> npt.NDArray[np.datetime64]:
    """Per-row dates as midnight ``datetime64[ns]``; ``invalid_date`` names the first bad row."""
    cells = Cells.of(frame, column)
    if is_datetime64_any_dtype(cells.uniques.dtype):
        parsed = _typed_dates(cells)
    else:
        parsed = _text_dates(cells)
    years = pd.DatetimeIndex(parsed).year.to_numpy()
    out_of_range = ~np.isnat(parsed) & ((years < FIRST_YEAR) | (years > LAST_YEAR))
    expected = f"a date between {FIRST_YEAR} and {LAST_YEAR}"
    cells.reject(out_of_range, "invalid_date", problem="is out of range", expected=expected)
    return parsed.astype("datetime64[ns]")[cells.codes]


def _typed_dates(cells: Cells) -> npt.NDArray[np.datetime64]:
    """Dates from a Parquet timestamp column; the wall-clock date is kept, any zone dropped."""
    stamps = pd.DatetimeIndex(cells.uniques)
    if stamps.tz is not None:
        stamps = stamps.tz_localize(None)
    cells.reject(
        np.asarray(stamps.isna(), dtype=np.bool_),
        "invalid_date",
        problem="is not a date",
        expected=EXPECTED,
    )
    cells.reject(
        np.asarray(stamps != stamps.normalize(), dtype=np.bool_),
        "invalid_date",
        problem="has a time of day",
        expected="a date at midnight",
    )
    return stamps.to_numpy(dtype="datetime64[us]")


def _text_dates(cells: Cells) -> npt.NDArray[np.datetime64]:
    """Dates from text, in the format of row 1; the other format is reported as mixing."""
    text = cells.text()
    first = text.iloc[int(cells.codes[0])]
    chosen, other = (DOTTED, ISO) if _matches(first, DOTTED) else (ISO, DOTTED)
    parsed = _parse(text, chosen)
    bad = np.isnat(parsed)
    offenders = cells.offenders(bad)
    if offenders is not None:
        raise _date_error(cells, offenders, chosen, other)
    return parsed


def _date_error(
    cells: Cells, offenders: Offenders, chosen: DateFormat, other: DateFormat
) -> Exception:
    value = cells.value_at(offenders.first)
    if _matches(str(value).strip(), other) and offenders.first > 0:
        problem = f"is in {other.label} format, but row 1 uses {chosen.label}"
        expected = f"{chosen.label} in every row (one date format per file)"
    else:
        problem, expected = "is not a date", EXPECTED
    return cell_error(
        "invalid_date", cells.column, offenders, value, problem=problem, expected=expected
    )


def _matches(value: object, layout: DateFormat) -> bool:
    return isinstance(value, str) and re.fullmatch(layout.pattern, value) is not None


def _parse(text: pd.Series, layout: DateFormat) -> npt.NDArray[np.datetime64]:
    """NaT where the text does not follow ``layout`` or names no real day (e.g. 2017-02-30)."""
    parts = text.str.extract(layout.pattern)
    iso = parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
    stamps = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    return stamps.to_numpy(dtype="datetime64[us]")
