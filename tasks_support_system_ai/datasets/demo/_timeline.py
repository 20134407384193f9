"""Monotone map from row position to timestamp, so sorted rows follow a realistic daily rhythm."""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from ._calendar import PERIOD_START, holiday_factor, period_days, weekday, yearly_season

_WEEKDAY_WEIGHT: Final = np.array([1.08, 1.03, 1.0, 0.98, 0.93, 0.56, 0.5])
_YEARLY_GROWTH: Final = 0.07
_SECONDS_PER_HOUR: Final = 3_600


def hour_profile() -> NDArray[np.float64]:
    """24 weights: quiet nights, busy office hours."""
    hours = np.arange(24) + 0.5
    profile: NDArray[np.float64] = 0.08 + np.exp(-0.5 * ((hours - 13.0) / 3.5) ** 2)
    return profile


def hourly_cdf() -> NDArray[np.float64]:
    """Cumulative share of tickets at each hour boundary of the period (starts at 0)."""
    days = period_days()
    growth = np.exp(_YEARLY_GROWTH * np.arange(days.size) / 365.25)
    daily = _WEEKDAY_WEIGHT[weekday(days)] * yearly_season(days) * holiday_factor(days) * growth
    weights = (daily[:, None] * hour_profile()[None, :]).ravel()
    return np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])


def times_at(quantiles: NDArray[np.float64], cdf: NDArray[np.float64]) -> NDArray[np.datetime64]:
    """Timestamps (us) for sorted quantiles in [0, 1); order is preserved."""
    edges = np.arange(cdf.size, dtype=np.float64) * _SECONDS_PER_HOUR
    micros = (np.interp(quantiles, cdf, edges) * 1e6).astype(np.int64)
    times: NDArray[np.datetime64] = PERIOD_START.astype("datetime64[us]") + micros
    return times
