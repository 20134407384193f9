"""Parse and validate uploaded tickets and hierarchy files into canonical DataFrames."""

from tasks_support_system_ai.datasets.parsing.dispatch import parse_dataset
from tasks_support_system_ai.datasets.parsing.kinds import DatasetKind, ParsedDataset
from tasks_support_system_ai.datasets.parsing.samples import sample_frame

__all__ = ["DatasetKind", "ParsedDataset", "parse_dataset", "sample_frame"]
