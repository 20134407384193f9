"""Seasonality profiles of a daily series: mean load per weekday and per Monday–Sunday week."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.analytics.periods import period_sums, week_starts

__all__ = ["weekday_means", "weekly_means"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def weekday_means(values: IntArray, weekday: IntArray) -> FloatArray:
    """Mean daily load for Monday..Sunday; 0.0 for a weekday with no day in range."""
    sums = np.bincount(weekday, weights=values, minlength=7)
    counts = np.bincount(weekday, minlength=7)
    return np.divide(sums, counts, out=np.zeros(7), where=counts > 0)


def weekly_means(
    values: IntArray, week_ids: IntArray
) -> tuple[npt.NDArray[np.datetime64], FloatArray]:
    """Monday of each week and its mean daily load over the week's days in range."""
    starts, sums = period_sums(values, week_ids)
    days = np.diff(np.append(starts, values.size))
    return week_starts(week_ids[starts]), sums / days
