"""Batch labeling of a ticket table: keyword rules or a text model, per time-range part, then
one published result per job. Pure domain code: the job layer (Celery) drives the stages."""

from tasks_support_system_ai.labeling.labelers import (
    Labeler,
    LinearLabeler,
    ModelLabeler,
    RuleLabeler,
)
from tasks_support_system_ai.labeling.plan import TimeRange, split_by_rows, split_time_range
from tasks_support_system_ai.labeling.rules import KeywordRule, KeywordRules
from tasks_support_system_ai.labeling.sources import ParquetSource, SqlSource, TicketSource
from tasks_support_system_ai.labeling.stages import (
    DEFAULT_BATCH_ROWS,
    LabelingCancelled,
    PartSummary,
    PublishSummary,
    discard_staging,
    label_part,
    publish,
    sample,
    staging_key,
)

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "KeywordRule",
    "KeywordRules",
    "Labeler",
    "LabelingCancelled",
    "LinearLabeler",
    "ModelLabeler",
    "ParquetSource",
    "PartSummary",
    "PublishSummary",
    "RuleLabeler",
    "SqlSource",
    "TicketSource",
    "TimeRange",
    "discard_staging",
    "label_part",
    "publish",
    "sample",
    "split_by_rows",
    "split_time_range",
    "staging_key",
]
