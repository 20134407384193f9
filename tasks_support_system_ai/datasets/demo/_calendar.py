"""The demo period and the Russian calendar effects the real queue loads show."""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

PERIOD_START: Final = np.datetime64("2017-01-01", "D")
PERIOD_END: Final = np.datetime64("2020-09-30", "D")
SEPTEMBER_PEAK_DAY_OF_YEAR: Final = 258

# (month, day) -> share of a normal day's load; New-Year holidays are the deepest dip.
_HOLIDAY_FACTORS: Final[dict[tuple[int, int], float]] = {
    (1, 1): 0.2,
    (1, 2): 0.3,
    (1, 3): 0.35,
    (1, 4): 0.4,
    (1, 5): 0.4,
    (1, 6): 0.4,
    (1, 7): 0.3,
    (1, 8): 0.5,
    (2, 23): 0.5,
    (3, 8): 0.45,
    (5, 1): 0.5,
    (5, 9): 0.45,
    (6, 12): 0.5,
    (11, 4): 0.55,
    (12, 31): 0.6,
}


def period_days() -> NDArray[np.datetime64]:
    """Every calendar day of the period, inclusive."""
    return np.arange(PERIOD_START, PERIOD_END + 1)


def weekday(days: NDArray[np.datetime64]) -> NDArray[np.int64]:
    """Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday)."""
    result: NDArray[np.int64] = (days.astype(np.int64) + 3) % 7
    return result


def month_and_day(days: NDArray[np.datetime64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Calendar month (1-12) and day of month (1-31)."""
    month_start = days.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (days - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    return month, day


def day_of_year(days: NDArray[np.datetime64]) -> NDArray[np.int64]:
    """1-based day of the year."""
    year_start = days.astype("datetime64[Y]").astype("datetime64[D]")
    result: NDArray[np.int64] = (days - year_start).astype(np.int64) + 1
    return result


def holiday_factor(days: NDArray[np.datetime64]) -> NDArray[np.float64]:
    """Load multiplier: below 1 on Russian public holidays, 1 elsewhere."""
    table = np.ones((13, 32))
    for (holiday_month, holiday_day), factor in _HOLIDAY_FACTORS.items():
        table[holiday_month, holiday_day] = factor
    month, day = month_and_day(days)
    result: NDArray[np.float64] = table[month, day]
    return result


def yearly_season(days: NDArray[np.datetime64]) -> NDArray[np.float64]:
    """Mild yearly wave plus a sharp September (back-to-school) peak."""
    angle = 2 * np.pi * (day_of_year(days) - SEPTEMBER_PEAK_DAY_OF_YEAR) / 365.25
    season: NDArray[np.float64] = (
        1.0 + 0.1 * np.cos(angle) + 0.25 * np.exp(3.0 * (np.cos(angle) - 1.0))
    )
    return season
