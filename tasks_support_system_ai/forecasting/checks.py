"""Input checks shared by every model, raising the client-facing errors with stable codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import TimeSeries

__all__ = ["active_history", "check_horizon", "check_levels", "fitted", "recent"]

T = TypeVar("T")


def active_history(series: TimeSeries, needed: int, model: str) -> TimeSeries:
    """The series from its first non-zero period on, if a model can learn from it.

    Leading zeros are days before the queue existed: fitting them would teach trend models a
    jump from nothing and shrink naive intervals. Rejects non-finite values, all-zero series
    and histories shorter than ``needed`` periods.
    """
    if not np.all(np.isfinite(series.values)):
        raise InvalidInputError(
            "The series contains missing or infinite values", code="non_finite_values"
        )
    nonzero = np.flatnonzero(series.values)
    if nonzero.size == 0:
        raise InvalidInputError(
            f"Model '{model}' cannot forecast a series that is zero everywhere",
            code="all_zero_series",
            model=model,
        )
    active = recent(series, len(series.values) - int(nonzero[0]))
    available = len(active.values)
    if available < needed:
        raise InvalidInputError(
            f"Model '{model}' needs at least {needed} {series.granularity} periods of history "
            f"from the first non-zero one; the series has {available}",
            code="series_too_short",
            model=model,
            needed=needed,
            available=available,
        )
    return active


def check_horizon(horizon: int) -> None:
    if horizon < 1:
        raise InvalidInputError(
            f"The horizon must be at least 1 period, got {horizon}",
            code="invalid_horizon",
            horizon=horizon,
        )


def check_levels(levels: Sequence[int]) -> tuple[int, ...]:
    """Coverage levels in percent, each strictly between 0 and 100."""
    bad = [level for level in levels if not 0 < level < 100]
    if bad:
        raise InvalidInputError(
            f"Interval levels must be between 0 and 100 (exclusive), got {bad}",
            code="invalid_level",
            levels=list(levels),
        )
    return tuple(levels)


def fitted(state: T | None, model: str) -> T:
    """The state ``fit`` stored; calling ``predict`` first is a programming error."""
    if state is None:
        raise RuntimeError(f"Model '{model}' is not fitted; call fit() first")
    return state


def recent(series: TimeSeries, max_history: int | None) -> TimeSeries:
    """The last ``max_history`` periods: old regimes slow fitting and rarely help."""
    if max_history is None or len(series.values) <= max_history:
        return series
    return TimeSeries(series.values[-max_history:], series.dates[-max_history:], series.granularity)
