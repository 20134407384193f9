"""The training series of one queue: resampled, cut at the cut-off, complete periods only.

A week or month cut in the middle would look like a sudden drop and bias every model, so
partial periods at either edge are dropped.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from tasks_support_system_ai.analytics import Granularity, QueueLoad
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import TimeSeries

MAX_HORIZON_DAYS = 300
PERIOD_DAYS = {Granularity.DAILY: 1, Granularity.WEEKLY: 7, Granularity.MONTHLY: 30}


def check_horizon(horizon: int, granularity: Granularity) -> None:
    limit = MAX_HORIZON_DAYS // PERIOD_DAYS[granularity]
    if not 1 <= horizon <= limit:
        raise InvalidInputError(
            f"forecast_horizon must be between 1 and {limit} {granularity.value} periods "
            f"(at most {MAX_HORIZON_DAYS} days); got {horizon}",
            code="invalid_horizon",
            horizon=horizon,
            max_horizon=limit,
        )


def cutoff_for_start(start: date | None, granularity: Granularity) -> date | None:
    """The last observed day before a forecast that starts at ``start`` (None: all data)."""
    if start is None:
        return None
    if granularity is Granularity.DAILY:
        return start - timedelta(days=1)
    if granularity is Granularity.WEEKLY:
        return start - timedelta(days=start.weekday() + 1)  # the previous Sunday
    return start.replace(day=1) - timedelta(days=1)  # the previous month's end


def queue_history(
    load: QueueLoad, queue_id: int, granularity: Granularity, cutoff: date | None
) -> TimeSeries:
    """Complete periods of the queue's load up to and including ``cutoff``."""
    first, last = load.dates[0].astype(date), load.dates[-1].astype(date)
    if cutoff is not None and not first < cutoff <= last:
        raise InvalidInputError(
            f"The cut-off {cutoff} must be after {first} and at most {last} (the data's range)",
            code="invalid_cutoff",
            available_start=str(first),
            available_end=str(last),
        )
    end = cutoff or last
    labels, values = load.resample(queue_id, granularity, first, end)
    keep = np.ones(labels.size, dtype=bool)
    if granularity is not Granularity.DAILY:
        keep[0] = _period_start(labels[0], granularity) >= first
        keep[-1] = labels[-1].astype(date) <= end
    return TimeSeries(values[keep].astype(np.float64), labels[keep], granularity)


def _period_start(label: np.datetime64, granularity: Granularity) -> date:
    day: date = label.astype(date)
    if granularity is Granularity.WEEKLY:
        return day - timedelta(days=6)
    return day.replace(day=1)
