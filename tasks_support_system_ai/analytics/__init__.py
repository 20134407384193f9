"""Queue-load analytics: the aggregated load cube, resampling, profiles and statistics."""

from tasks_support_system_ai.analytics.load import QueueLoad
from tasks_support_system_ai.analytics.periods import Granularity
from tasks_support_system_ai.analytics.stats import (
    LoadSummary,
    QueueStats,
    QueueStructure,
    TimeSummary,
    queue_structure,
)

__all__ = [
    "Granularity",
    "LoadSummary",
    "QueueLoad",
    "QueueStats",
    "QueueStructure",
    "TimeSummary",
    "queue_structure",
]
