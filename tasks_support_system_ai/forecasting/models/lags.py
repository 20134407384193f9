"""Lag and rolling-mean features, expressed relative to the recent level.

Trees cannot predict outside the range of their training targets, so a growing queue would
be capped at its historical maximum. Modelling every value as a deviation from the mean of
the last few periods (the *level*) makes the features and the target shift-invariant: the
model learns the seasonal shape, the level carries the trend forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.base import FloatArray

__all__ = ["LagSpec", "default_lags"]


@dataclass(frozen=True)
class LagSpec:
    """Which past values describe the next one; ``windows[0]`` defines the level."""

    lags: tuple[int, ...]
    windows: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.lags or not self.windows or min((*self.lags, *self.windows)) < 1:
            raise ValueError("lags and windows must be non-empty and positive")

    @property
    def lookback(self) -> int:
        """How many past periods one feature row needs."""
        return max((*self.lags, *self.windows))

    def level(self, history: FloatArray) -> FloatArray:
        """Mean of the last ``windows[0]`` values of each row of ``history``."""
        level: FloatArray = history[:, -self.windows[0] :].mean(axis=1)
        return level

    def features(self, history: FloatArray) -> FloatArray:
        """Rows of the last ``lookback`` values → lag and rolling-mean deviations from level."""
        level = self.level(history)[:, None]
        lags = history[:, [-lag for lag in self.lags]] - level
        means = [history[:, -w:].mean(axis=1, keepdims=True) - level for w in self.windows[1:]]
        return np.hstack([lags, *means])


_DEFAULTS = {
    Granularity.DAILY: LagSpec(lags=(7, 14, 21, 28), windows=(7, 28)),
    Granularity.WEEKLY: LagSpec(lags=(1, 2, 3, 4), windows=(4, 13)),
    Granularity.MONTHLY: LagSpec(lags=(1, 2, 3), windows=(3, 6)),
}


def default_lags(granularity: Granularity) -> LagSpec:
    """Daily: same weekday of the last four weeks; coarser: the last few periods."""
    return _DEFAULTS[granularity]
