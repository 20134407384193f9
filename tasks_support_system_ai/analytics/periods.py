"""Calendar bins for resampling a daily series, matching pandas ``"W"`` and ``"ME"`` conventions.

Every day gets an integer period id once (at build time); a request then only finds where
the ids change inside its slice and sums the segments with ``np.add.reduceat``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import cast

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.errors import InvalidInputError

__all__ = ["Calendar", "Granularity", "as_date", "period_labels", "period_sums", "week_starts"]

IntArray = npt.NDArray[np.int64]
DayArray = npt.NDArray[np.datetime64]

# 1970-01-01 (epoch day 0) was a Thursday: shifting by 3 makes Monday weekday 0.
_EPOCH_WEEKDAY = 3


class Granularity(StrEnum):
    """Resampling period; weeks run Monday–Sunday, months are calendar months."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class Calendar:
    """Per-day lookup arrays aligned with a continuous daily range."""

    days: DayArray
    day_ids: IntArray
    weekday: IntArray
    week_ids: IntArray
    month_ids: IntArray

    @classmethod
    def of(cls, days: DayArray) -> Calendar:
        epoch = days.astype("datetime64[D]").astype(np.int64)
        months = days.astype("datetime64[M]").astype(np.int64)
        arrays = (
            epoch,
            (epoch + _EPOCH_WEEKDAY) % 7,
            (epoch + _EPOCH_WEEKDAY) // 7,
            months,
        )
        for array in (days, *arrays):
            array.flags.writeable = False
        return cls(days, *arrays)

    def period_ids(self, granularity: Granularity) -> IntArray:
        """Non-decreasing period id of every day (epoch day for ``DAILY``)."""
        if granularity is Granularity.WEEKLY:
            return self.week_ids
        if granularity is Granularity.MONTHLY:
            return self.month_ids
        return self.day_ids


def period_sums(values: IntArray, ids: IntArray) -> tuple[IntArray, IntArray]:
    """Sum ``values`` over runs of equal ``ids``; returns each run's first index and its sum."""
    starts = np.flatnonzero(np.diff(ids)) + 1
    starts = np.concatenate(([0], starts)).astype(np.int64)
    return starts, np.add.reduceat(values, starts).astype(np.int64)


def period_labels(ids: IntArray, granularity: Granularity) -> DayArray:
    """pandas-style labels: the day, the week's Sunday, or the month's last day."""
    if granularity is Granularity.WEEKLY:
        return week_starts(ids) + np.timedelta64(6, "D")
    if granularity is Granularity.MONTHLY:
        next_month = (ids + 1).astype("datetime64[M]").astype("datetime64[D]")
        return (next_month.astype(np.int64) - 1).astype("datetime64[D]")
    return ids.astype("datetime64[D]")


def week_starts(week_ids: IntArray) -> DayArray:
    """Monday of each week id."""
    return (week_ids * 7 - _EPOCH_WEEKDAY).astype("datetime64[D]")


def as_date(day: np.datetime64) -> date:
    """A numpy day as a ``datetime.date``."""
    return cast(date, day.astype("datetime64[D]").item())


def parse_granularity(value: Granularity | str) -> Granularity:
    """A ``Granularity`` from its value, or ``invalid_granularity`` naming the allowed ones."""
    try:
        return Granularity(value)
    except ValueError:
        allowed = ", ".join(g.value for g in Granularity)
        raise InvalidInputError(
            f"Unknown granularity {value!r}; expected one of {allowed}",
            code="invalid_granularity",
            granularity=str(value),
        ) from None
