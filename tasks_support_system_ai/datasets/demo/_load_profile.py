"""Expected daily load per queue (days x queues) before noise: the signal forecasters learn."""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from ._calendar import holiday_factor, period_days, weekday, yearly_season

FloatMatrix = NDArray[np.float64]

_WORKDAY_SHAPE: Final = np.array([1.08, 1.03, 1.0, 0.98, 0.93])
_ROUND_THE_CLOCK_SHARE: Final = 0.06


def weekly_factors(rng: np.random.Generator, n_queues: int) -> FloatMatrix:
    """7 x queues: weekday-heavy load; a few round-the-clock queues barely dip."""
    saturday = rng.uniform(0.48, 0.64, n_queues)
    sunday = rng.uniform(0.40, 0.56, n_queues)
    flat = rng.random(n_queues) < _ROUND_THE_CLOCK_SHARE
    saturday[flat], sunday[flat] = 0.92, 0.88
    workdays = np.repeat(_WORKDAY_SHAPE[:, None], n_queues, axis=1)
    return np.vstack([workdays, saturday, sunday])


def trend_with_shifts(rng: np.random.Generator, n_days: int, n_queues: int) -> FloatMatrix:
    """Log-linear trend per queue, plus a one-off level shift in some queues."""
    years = np.arange(n_days)[:, None] / 365.25
    slope = rng.normal(0.06, 0.2, n_queues)
    shifted = rng.random(n_queues) < 0.2
    shift_day = rng.integers(60, n_days - 60, n_queues)
    jump = np.where(shifted, rng.lognormal(0.0, 0.45, n_queues), 1.0)
    after = np.arange(n_days)[:, None] >= shift_day[None, :]
    trend: FloatMatrix = np.exp(slope * (years - years.mean())) * np.where(after, jump, 1.0)
    return trend


def wander(rng: np.random.Generator, n_days: int, n_queues: int) -> FloatMatrix:
    """Slow AR(1) drift in log space so series are not a fixed curve plus white noise.

    Loops over days (vectorised across queues): scipy.signal.lfilter would import scipy.signal.
    """
    log_drift = rng.normal(0.0, 0.03, (n_days, n_queues))
    for day in range(1, n_days):
        log_drift[day] += 0.97 * log_drift[day - 1]
    return np.exp(log_drift)


def lifetime_mask(rng: np.random.Generator, n_days: int, n_queues: int) -> NDArray[np.bool_]:
    """days x queues: False before a queue opens and after it closes."""
    kind = rng.choice(3, size=n_queues, p=[0.78, 0.12, 0.10])  # 0 always, 1 opens, 2 closes
    open_day = np.where(kind == 1, rng.integers(120, n_days - 180, n_queues), 0)
    close_day = np.where(kind == 2, rng.integers(180, n_days - 120, n_queues), n_days)
    day = np.arange(n_days)[:, None]
    return (day >= open_day[None, :]) & (day < close_day[None, :])


def expected_load(rng: np.random.Generator, scale: NDArray[np.float64]) -> FloatMatrix:
    """days x queues expected tickets; ``scale`` is each queue's relative size."""
    days = period_days()
    n_days, n_queues = days.size, scale.size
    week = weekly_factors(rng, n_queues)[weekday(days)]
    season = yearly_season(days)[:, None] ** rng.uniform(0.5, 1.5, n_queues)[None, :]
    calendar = week * season * holiday_factor(days)[:, None]
    drift = trend_with_shifts(rng, n_days, n_queues) * wander(rng, n_days, n_queues)
    return calendar * drift * lifetime_mask(rng, n_days, n_queues) * scale[None, :]
