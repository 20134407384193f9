"""Turn a hierarchy frame into parent-row arrays, rejecting frames no tree can be built from.

The upload parser normally catches these problems first; this is the last line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.errors import DatasetValidationError

__all__ = ["ROOT_ID", "ROOT_NAME", "ParsedFrame", "parse_frame"]

ROOT_ID = 0
ROOT_NAME = "All queues"
_COLUMNS = ("queueId", "parentId", "name")

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ParsedFrame:
    """Row 0 is the virtual root; ``parent`` holds row numbers (-1 for the root)."""

    ids: IntArray
    parent: IntArray
    names: list[str]


def parse_frame(frame: pd.DataFrame) -> ParsedFrame:
    """Validate columns and ids, then resolve each parent id to its row (top level -> root)."""
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise DatasetValidationError(
            f"Hierarchy is missing columns: {', '.join(missing)}",
            code="missing_column",
            columns=missing,
        )
    queue_ids = frame["queueId"].to_numpy(dtype=np.int64)
    _check_ids(queue_ids)
    ids = np.concatenate(([ROOT_ID], queue_ids)).astype(np.int64)
    parent = np.full(ids.size, -1, dtype=np.int64)
    parent[1:] = _parent_rows(frame["parentId"], queue_ids)
    names = [ROOT_NAME, *(str(n) for n in frame["name"].tolist())]
    return ParsedFrame(ids, parent, names)


def _check_ids(queue_ids: IntArray) -> None:
    if (queue_ids == ROOT_ID).any():
        raise DatasetValidationError(
            f"Queue id {ROOT_ID} is reserved for the virtual root",
            code="reserved_queue_id",
            queue_id=ROOT_ID,
        )
    unique, counts = np.unique(queue_ids, return_counts=True)
    duplicated = unique[counts > 1]
    if duplicated.size:
        raise DatasetValidationError(
            f"Duplicate queue ids: {duplicated[:10].tolist()}",
            code="duplicate_queue_id",
            queue_ids=duplicated[:20].tolist(),
        )


def _parent_rows(parent_ids: pd.Series, queue_ids: IntArray) -> IntArray:
    """Row (1-based, 0 = root) of each queue's parent, via a binary search over sorted ids."""
    nullable = parent_ids.astype("Int64")
    wanted = nullable.fillna(ROOT_ID).to_numpy(dtype=np.int64)
    top_level = wanted == ROOT_ID  # <NA>, or an explicit pointer to the virtual root
    rows = np.zeros(queue_ids.size, dtype=np.int64)
    if queue_ids.size == 0:
        return rows
    order = np.argsort(queue_ids, kind="stable")
    found = np.searchsorted(queue_ids[order], wanted).clip(max=queue_ids.size - 1)
    unknown = ~top_level & (queue_ids[order][found] != wanted)
    if unknown.any():
        bad = np.unique(wanted[unknown])
        raise DatasetValidationError(
            f"Parent ids not present in the hierarchy: {bad[:10].tolist()}",
            code="unknown_parent",
            parent_ids=bad[:20].tolist(),
        )
    rows[~top_level] = order[found[~top_level]] + 1
    return rows
