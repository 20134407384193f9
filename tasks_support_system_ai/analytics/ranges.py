"""Resolve a requested ``[start, end]`` date range to index bounds inside the data's days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NoReturn

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.analytics.periods import as_date
from tasks_support_system_ai.errors import InvalidInputError

__all__ = ["DayRange", "resolve_range"]


@dataclass(frozen=True, slots=True)
class DayRange:
    """Clipped inclusive range: day indices ``[lo, hi)`` and the dates actually used."""

    lo: int
    hi: int
    start: date
    end: date

    @property
    def slice(self) -> slice:
        return slice(self.lo, self.hi)


def resolve_range(
    days: npt.NDArray[np.datetime64], start: date | None, end: date | None
) -> DayRange:
    """Clip to the (non-empty) ``days``; reject reversed ranges and ranges missing the data."""
    if start is not None and end is not None and _day(start) > _day(end):
        raise InvalidInputError(
            f"start_date {start.isoformat()} is after end_date {end.isoformat()}",
            code="invalid_date_range",
            start_date=start.isoformat(),
            end_date=end.isoformat(),
        )
    first, last = days[0], days[-1]
    lo_day = first if start is None else max(first, _day(start))
    hi_day = last if end is None else min(last, _day(end))
    if lo_day > hi_day:
        _raise_outside(days, start, end)
    lo = int((lo_day - first).astype(np.int64))
    hi = int((hi_day - first).astype(np.int64)) + 1
    return DayRange(lo, hi, as_date(lo_day), as_date(hi_day))


def _day(value: date) -> np.datetime64:
    """Day precision; a ``datetime`` (a ``date`` subclass) loses its time of day."""
    return np.datetime64(date(value.year, value.month, value.day), "D")


def _raise_outside(
    days: npt.NDArray[np.datetime64], start: date | None, end: date | None
) -> NoReturn:
    first, last = as_date(days[0]), as_date(days[-1])
    requested = f"{_iso(start) or '(open)'}..{_iso(end) or '(open)'}"
    raise InvalidInputError(
        f"Requested range {requested} does not overlap the data; "
        f"available range is {first.isoformat()}..{last.isoformat()}",
        code="date_range_outside_data",
        start_date=_iso(start),
        end_date=_iso(end),
        available_start=first.isoformat(),
        available_end=last.isoformat(),
    )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
