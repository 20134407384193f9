"""What an upload is and what parsing it yields; shared by the parsers and the API."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

import pandas as pd


class DatasetKind(StrEnum):
    """The files a user can upload: queue data, and labeled ticket texts for classifiers."""

    TICKETS = "tickets"
    HIERARCHY = "hierarchy"
    TEXTS = "texts"


SourceFormat = Literal["csv", "parquet"]
Canonical = tuple[pd.DataFrame, dict[str, Any]]
"""A canonical frame and its summary, as each kind's parser returns them."""


@dataclass(frozen=True)
class ParsedDataset:
    """A validated upload in canonical form, plus facts worth showing the user."""

    kind: DatasetKind
    frame: pd.DataFrame
    source_format: SourceFormat
    summary: dict[str, Any]
