"""Calendar features of period labels: weekday, month, position in the year, holidays."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.base import DayArray, FloatArray

IntArray = npt.NDArray[np.int64]

__all__ = ["calendar_features", "holiday_flags"]

_YEAR_DAYS = 365.25
_HARMONICS = 2  # a smooth yearly wave plus the sharper September peak


def calendar_features(
    dates: DayArray, granularity: Granularity, country: str | None = "RU"
) -> FloatArray:
    """One row per date; one-hot weekday/month so linear models can use them too."""
    days = dates.astype("datetime64[D]")
    columns = [_one_hot(_month(days), 12)]
    if granularity is not Granularity.MONTHLY:
        columns.append(_yearly_fourier(days))
    if granularity is Granularity.DAILY:
        columns.append(_one_hot(_weekday(days), 7))
        if country:
            columns.append(holiday_flags(days, country)[:, None])
    return np.hstack(columns)


def holiday_flags(days: DayArray, country: str = "RU") -> FloatArray:
    """1.0 on the country's public holidays (the ``holidays`` package's calendar), else 0.0."""
    if days.size == 0:
        return np.zeros(0)
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    table = _holidays(country, int(years.min()), int(years.max()))
    return np.isin(days.astype("datetime64[D]"), table).astype(np.float64)


@lru_cache(maxsize=32)
def _holidays(country: str, first_year: int, last_year: int) -> DayArray:
    import holidays

    calendar = holidays.country_holidays(country, years=range(first_year, last_year + 1))
    return np.array(sorted(calendar), dtype="datetime64[D]")


def _weekday(days: DayArray) -> IntArray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (days.astype(np.int64) + 3) % 7


def _month(days: DayArray) -> IntArray:
    return days.astype("datetime64[M]").astype(np.int64) % 12


def _yearly_fourier(days: DayArray) -> FloatArray:
    day_of_year = (days - days.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
    angle = 2 * np.pi * day_of_year[:, None] * np.arange(1, _HARMONICS + 1) / _YEAR_DAYS
    return np.hstack([np.sin(angle), np.cos(angle)])


def _one_hot(codes: IntArray, size: int) -> FloatArray:
    encoded: FloatArray = np.eye(size)[codes]
    return encoded
