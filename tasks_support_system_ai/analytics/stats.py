"""Queue statistics records (serialised by the API as QueueStats) and the functions filling them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.analytics.periods import Granularity, as_date
from tasks_support_system_ai.hierarchy import QueueTree

__all__ = [
    "LoadSummary",
    "QueueStats",
    "QueueStructure",
    "TimeSummary",
    "load_summary",
    "queue_structure",
    "time_summary",
]

IntArray = npt.NDArray[np.int64]
_QUANTILES = np.array([0.5, 0.9, 0.95])
_SATURDAY = 5


@dataclass(frozen=True, slots=True)
class QueueStructure:
    level: int
    direct_children: int
    all_descendants: int
    leaf_nodes: int
    depth: int
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class LoadSummary:
    total_tickets: int
    avg_tickets: float
    peak_load: int
    min_load: int
    median_load: float
    std_dev: float
    percentile_90: float
    percentile_95: float


@dataclass(frozen=True, slots=True)
class TimeSummary:
    busiest_day: date
    quietest_day: date
    weekend_avg: float
    weekday_avg: float


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue_id: int
    start_date: date
    end_date: date
    granularity: Granularity
    structure: QueueStructure
    load: LoadSummary
    time: TimeSummary


def queue_structure(tree: QueueTree, queue_id: int) -> QueueStructure:
    """Position of a queue in the hierarchy; ``depth`` is the height of its subtree."""
    row = tree.index_of(queue_id)
    return QueueStructure(
        level=int(tree.levels[row]),
        direct_children=len(tree.children(queue_id)),
        all_descendants=tree.n_descendants(queue_id),
        leaf_nodes=tree.n_leaves(queue_id),
        depth=tree.height(queue_id),
        parent_id=tree.parent(queue_id),
    )


def load_summary(values: IntArray) -> LoadSummary:
    """Distribution of per-period loads (non-empty); sample std, linear percentiles."""
    median, p90, p95 = np.quantile(values, _QUANTILES)
    return LoadSummary(
        total_tickets=int(values.sum()),
        avg_tickets=float(values.mean()),
        peak_load=int(values.max()),
        min_load=int(values.min()),
        median_load=float(median),
        std_dev=float(values.std(ddof=1)) if values.size > 1 else 0.0,
        percentile_90=float(p90),
        percentile_95=float(p95),
    )


def time_summary(
    labels: npt.NDArray[np.datetime64], values: IntArray, daily: IntArray, weekday: IntArray
) -> TimeSummary:
    """Labels of the first max/min period; weekend/weekday means of the daily values."""
    weekend = weekday >= _SATURDAY
    return TimeSummary(
        busiest_day=as_date(labels[int(values.argmax())]),
        quietest_day=as_date(labels[int(values.argmin())]),
        weekend_avg=_mean(daily[weekend]),
        weekday_avg=_mean(daily[~weekend]),
    )


def _mean(values: IntArray) -> float:
    return float(values.mean()) if values.size else 0.0
