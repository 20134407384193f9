"""Simulated queue loads with known structure, shared by the model and backtest tests."""

from __future__ import annotations

import numpy as np

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.base import FloatArray, TimeSeries

START = np.datetime64("2018-01-01")  # a Monday


def days(n: int, start: np.datetime64 = START) -> np.ndarray:
    return start + np.arange(n).astype("timedelta64[D]")


def daily_load(
    n: int,
    *,
    seed: int = 0,
    level: float = 100.0,
    trend: float = 0.03,
    noise: float = 6.0,
    yearly: float = 0.0,
) -> TimeSeries:
    """(level + trend·t) × weekly profile (weekends at 55%) × yearly wave + Gaussian noise."""
    rng = np.random.default_rng(seed)
    dates = days(n)
    t = np.arange(n)
    weekday = (dates.astype(np.int64) + 3) % 7
    weekly = np.where(weekday >= 5, 0.55, 1.0)
    day_of_year = (dates - dates.astype("datetime64[Y]").astype("datetime64[D]")).astype(int)
    wave = 1 + yearly * np.cos(2 * np.pi * (day_of_year - 258) / 365.25)
    values = (level + trend * t) * weekly * wave + rng.normal(0, noise, n)
    return TimeSeries(np.clip(values, 0, None), dates, Granularity.DAILY)


def seasonal_draw(rng: np.random.Generator, n: int, horizon: int) -> tuple[TimeSeries, FloatArray]:
    """A random fixed weekly profile plus Gaussian noise; the history and the next values."""
    profile = rng.uniform(40, 120, 7)
    values = profile[np.arange(n + horizon) % 7] + rng.normal(0, 8, n + horizon)
    series = TimeSeries(values[:n], days(n), Granularity.DAILY)
    return series, values[n:]


def series_of(values: FloatArray, granularity: Granularity = Granularity.DAILY) -> TimeSeries:
    """``values`` labelled like ``QueueLoad.resample``: days, Sundays or month ends from 2018."""
    n = len(values)
    if granularity is Granularity.WEEKLY:
        dates = START + 6 + 7 * np.arange(n).astype("timedelta64[D]")
    elif granularity is Granularity.MONTHLY:
        months = np.datetime64("2018-01") + np.arange(1, n + 1)
        dates = months.astype("datetime64[D]") - 1
    else:
        dates = days(n)
    return TimeSeries(
        np.asarray(values, dtype=np.float64), dates.astype("datetime64[D]"), granularity
    )
