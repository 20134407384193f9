"""The one entry point: bytes of an upload → a validated, canonical dataset."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tasks_support_system_ai.datasets.parsing.hierarchy import parse_hierarchy
from tasks_support_system_ai.datasets.parsing.kinds import Canonical, DatasetKind, ParsedDataset
from tasks_support_system_ai.datasets.parsing.reading import (
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    read_table,
)
from tasks_support_system_ai.datasets.parsing.texts import parse_texts
from tasks_support_system_ai.datasets.parsing.tickets import parse_tickets

_PARSERS: dict[DatasetKind, Callable[[pd.DataFrame], Canonical]] = {
    DatasetKind.TICKETS: parse_tickets,
    DatasetKind.HIERARCHY: parse_hierarchy,
    DatasetKind.TEXTS: parse_texts,
}


def parse_dataset(
    kind: DatasetKind,
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    max_columns: int = MAX_COLUMNS,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> ParsedDataset:
    """Parse and validate an upload.

    Raises ``DatasetValidationError`` (with a stable ``code``) or ``PayloadTooLargeError``.
    """
    kind = DatasetKind(kind)
    raw = read_table(
        data, filename, max_bytes=max_bytes, max_columns=max_columns, max_line_bytes=max_line_bytes
    )
    frame, summary = _PARSERS[kind](raw.frame)
    return ParsedDataset(kind, frame, raw.source_format, summary)
