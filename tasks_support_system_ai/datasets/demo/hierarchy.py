"""Synthetic queue tree shaped like the real one: ~1,650 queues, six levels, widest at level 2."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray

MAX_DEPTH: Final = 6
MAX_QUEUE_ID: Final = 250_000
# Share of the non-top queues at levels 2..6; level 2 must stay the widest.
_LEVEL_SHARES: Final = np.array([0.40, 0.28, 0.17, 0.10, 0.05])
HIERARCHY_SCHEMA: Final = pa.schema(
    [("queueId", pa.int64()), ("parentId", pa.int64()), ("name", pa.string())]
)

_AREAS: Final = (
    "Mobile Internet", "Billing", "Roaming", "Home Internet", "Television", "Corporate Clients",
    "Number Porting", "Device Support", "Retail Stores", "Online Account", "Loyalty Program",
    "Fixed Line", "IoT Solutions", "Cloud Services", "Security", "Field Service", "Logistics",
    "Partner Support", "VIP Care", "Complaints", "Sales", "Onboarding", "Payments",
    "Network Operations", "Back Office", "Regional Offices", "Social Media", "Enterprise Voice",
    "Call Center", "Data Quality",
)  # fmt: skip
_UNITS: Final = (
    "Tier 1", "Tier 2", "Tier 3", "Escalations", "Moscow", "Saint Petersburg", "Siberia", "Ural",
    "Volga", "South", "Far East", "North-West", "Night Shift", "Chat", "Email", "Phone", "Quality",
    "Dispatch", "B2B", "B2C", "Callbacks", "Outages", "Refunds", "Activation",
)  # fmt: skip


def level_sizes(rng: np.random.Generator) -> NDArray[np.int64]:
    """Queue count per level 1..6, total in 1,610..1,690."""
    total = int(rng.integers(1_610, 1_691))
    top = int(rng.integers(18, 27))
    shares = _LEVEL_SHARES * rng.uniform(0.9, 1.1, size=_LEVEL_SHARES.size)
    lower = np.maximum(np.floor(shares / shares.sum() * (total - top)).astype(np.int64), 1)
    lower[0] += total - top - lower.sum()
    return np.concatenate([[top], lower])


def _pick_parents(
    rng: np.random.Generator, parents: NDArray[np.int64], n_children: int
) -> NDArray[np.int64]:
    """Uneven fan-out: a few parents own many children, most own few or none."""
    weights = rng.lognormal(0.0, 1.0, size=parents.size)
    return rng.choice(parents, size=n_children, p=weights / weights.sum())


def _parent_links(
    rng: np.random.Generator, ids: NDArray[np.int64], sizes: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Parent id per queue (0 for top level), each level hanging off the one above."""
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    parent = np.zeros(ids.size, dtype=np.int64)
    for level in range(1, sizes.size):
        above = ids[bounds[level - 1] : bounds[level]]
        parent[bounds[level] : bounds[level + 1]] = _pick_parents(rng, above, int(sizes[level]))
    return parent


def _roots(ids: NDArray[np.int64], parent: NDArray[np.int64]) -> NDArray[np.int64]:
    """Top-level ancestor of every queue (parents always precede children)."""
    position = {int(q): i for i, q in enumerate(ids)}
    root = ids.copy()
    for i, p in enumerate(parent):
        if p:
            root[i] = root[position[int(p)]]
    return root


def _names(rng: np.random.Generator, ids: NDArray[np.int64], root: NDArray[np.int64]) -> list[str]:
    """Short department-like names, unique thanks to a distinct 4-digit suffix."""
    top = root == ids
    chosen = rng.choice(_AREAS, size=int(top.sum()), replace=False)
    areas = dict(zip(ids[top].tolist(), chosen, strict=True))
    units = rng.choice(_UNITS, size=ids.size)
    suffix = rng.choice(np.arange(1_000, 10_000), size=ids.size, replace=False)
    return [
        areas[q] if is_top else f"{areas[r]} · {u} · {s}"
        for q, r, is_top, u, s in zip(
            ids.tolist(), root.tolist(), top, units, suffix.tolist(), strict=True
        )
    ]


def make_hierarchy(rng: np.random.Generator) -> pa.Table:
    """Queue tree as ``queueId``, nullable ``parentId`` (null = top level), ``name``."""
    sizes = level_sizes(rng)
    ids = rng.choice(np.arange(1, MAX_QUEUE_ID + 1), size=int(sizes.sum()), replace=False)
    parent = _parent_links(rng, ids, sizes)
    frame = pd.DataFrame(
        {
            "queueId": ids.astype(np.int64),
            "parentId": pd.Series(parent, dtype="Int64").mask(parent == 0),
            "name": pd.array(_names(rng, ids, _roots(ids, parent)), dtype="string"),
        }
    ).sort_values("queueId", ignore_index=True)
    return pa.Table.from_pandas(frame, schema=HIERARCHY_SCHEMA, preserve_index=False)


def leaf_mask(hierarchy: pa.Table) -> NDArray[np.bool_]:
    """True for queues no other queue hangs off."""
    ids = hierarchy.column("queueId").to_numpy()
    parents = hierarchy.column("parentId").drop_null().to_numpy()
    return ~np.isin(ids, parents)


def queue_levels(hierarchy: pa.Table) -> NDArray[np.int64]:
    """Depth of each queue, 1 for top level."""
    ids = hierarchy.column("queueId").to_numpy()
    parent = hierarchy.column("parentId").fill_null(0).to_numpy()
    order = np.argsort(ids)
    level = np.ones(ids.size, dtype=np.int64)
    current = parent.copy()
    while (current > 0).any():
        has_parent = current > 0
        level += has_parent
        pos = order[np.searchsorted(ids, current[has_parent], sorter=order)]
        current[has_parent] = parent[pos]
    return level
