"""Hierarchy form (a): one row per queue naming its parent (empty for top-level queues)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tasks_support_system_ai.datasets.parsing.header import check_columns
from tasks_support_system_ai.datasets.parsing.ids import ROOT, locate, parent_ids, unique_queue_ids
from tasks_support_system_ai.datasets.parsing.tree import Forest, levels

REQUIRED = ("queueId", "parentId")
OPTIONAL = ("name",)


def edge_list_forest(raw: pd.DataFrame) -> Forest:
    """Validate ids and parents, then derive levels (rejecting cycles and deep trees)."""
    check_columns(raw, required=REQUIRED, optional=OPTIONAL, what="A hierarchy edge list")
    ids = unique_queue_ids(raw)
    parents = parent_ids(raw)
    has_parent = np.flatnonzero(parents != ROOT).astype(np.int64)
    parent = np.full(ids.size, -1, dtype=np.int64)
    parent[has_parent] = locate(pd.Index(ids), parents[has_parent], has_parent, raw, "parentId")
    return Forest(ids, parent, levels(parent, ids, column="parentId"))
