"""Hierarchy uploads → one row per queue with parent, name and level, in either accepted form."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tasks_support_system_ai.datasets.parsing.descendant_lists import descendant_lists_forest
from tasks_support_system_ai.datasets.parsing.edge_list import edge_list_forest
from tasks_support_system_ai.datasets.parsing.kinds import Canonical
from tasks_support_system_ai.datasets.parsing.tree import Forest

ORIGINAL_FORM_MARKERS = frozenset({"level", "immediateDescendants", "allDescendants"})


def parse_hierarchy(raw: pd.DataFrame) -> Canonical:
    """Detect the form from the columns, validate, and return the frame sorted by queueId."""
    forest = _forest(raw)
    parent_ids = pd.Series(forest.ids[np.maximum(forest.parent, 0)], dtype="Int64")
    frame = pd.DataFrame(
        {
            "queueId": forest.ids,
            "parentId": parent_ids.mask(forest.parent < 0),
            "name": _names(raw, forest),
            "level": forest.level,
        }
    )
    return frame.sort_values("queueId", ignore_index=True), _summary(forest)


def _forest(raw: pd.DataFrame) -> Forest:
    columns = {str(name) for name in raw.columns}
    if "parentId" not in columns and columns & ORIGINAL_FORM_MARKERS:
        return descendant_lists_forest(raw)
    return edge_list_forest(raw)


def _names(raw: pd.DataFrame, forest: Forest) -> pd.Series:
    """Names from the file; ``Queue {id}`` where the file has none."""
    defaults = pd.Series([f"Queue {queue}" for queue in forest.ids.tolist()], dtype="string")
    if "name" not in raw.columns:
        return defaults
    given = raw["name"].reset_index(drop=True).astype("string").str.strip()
    return given.mask(given.isna() | (given == ""), defaults)


def _summary(forest: Forest) -> dict[str, Any]:
    parents = forest.parent[forest.parent >= 0]
    return {
        "queues": int(forest.ids.size),
        "top_level_queues": int((forest.parent < 0).sum()),
        "max_level": int(forest.level.max()),
        "leaves": int(forest.ids.size - np.unique(parents).size),
    }
