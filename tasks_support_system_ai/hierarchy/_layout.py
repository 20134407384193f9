"""Preorder (DFS) layout of a parent-pointer tree, computed level by level with numpy.

Laying nodes out in preorder makes every subtree a contiguous slice, so descendants,
subtree sums and leaf counts become O(1) slice arithmetic instead of recursion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.errors import DatasetValidationError

__all__ = ["Layout", "compute_layout"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Layout:
    """Per-node arrays indexed by preorder position; ``order`` maps a position to its input row."""

    order: IntArray
    parent: IntArray
    level: IntArray
    size: IntArray
    height: IntArray


def compute_layout(parent: IntArray, sibling_key: IntArray) -> Layout:
    """Lay out the tree rooted at row 0 (``parent[0] == -1``); siblings ordered by ``sibling_key``.

    Raises ``DatasetValidationError(code="cycle")`` when some rows cannot reach the root.
    """
    level = _levels(parent)
    by_level = _rows_by_level(level)
    size, height = _subtree_size_and_height(parent, by_level)
    position = _preorder_positions(parent, sibling_key, size, by_level)
    order = np.empty_like(position)
    order[position] = np.arange(position.size, dtype=np.int64)
    new_parent = np.full_like(position, -1)
    new_parent[1:] = position[parent[order[1:]]]
    return Layout(order, new_parent, level[order], size[order], height[order])


def _levels(parent: IntArray) -> IntArray:
    """Breadth-first depth of every row; rows never reached hang off a cycle."""
    level = np.full(parent.size, -1, dtype=np.int64)
    level[0] = 0
    child_parent = parent[1:]
    depth = 0
    while True:
        reached = (level[1:] < 0) & (level[child_parent] == depth)
        if not reached.any():
            break
        depth += 1
        level[1:][reached] = depth
    if (level < 0).any():
        _raise_cycle(level)
    return level


def _raise_cycle(level: IntArray) -> NoReturn:
    rows = np.flatnonzero(level < 0)
    raise DatasetValidationError(
        "Queue hierarchy contains a cycle",
        code="cycle",
        rows=[int(r) for r in rows[:20]],
    )


def _rows_by_level(level: IntArray) -> list[IntArray]:
    """Row indices grouped by level, index k holding the rows at depth k."""
    rows = np.argsort(level, kind="stable")
    bounds = np.searchsorted(level[rows], np.arange(int(level.max()) + 2))
    return [rows[bounds[k] : bounds[k + 1]] for k in range(bounds.size - 1)]


def _subtree_size_and_height(
    parent: IntArray, by_level: list[IntArray]
) -> tuple[IntArray, IntArray]:
    """Bottom-up accumulation: each level pushes its totals onto its parents."""
    size = np.ones(parent.size, dtype=np.int64)
    height = np.zeros(parent.size, dtype=np.int64)
    for rows in reversed(by_level[1:]):
        np.add.at(size, parent[rows], size[rows])
        np.maximum.at(height, parent[rows], height[rows] + 1)
    return size, height


def _preorder_positions(
    parent: IntArray, sibling_key: IntArray, size: IntArray, by_level: list[IntArray]
) -> IntArray:
    """Position = parent's position + 1 + sizes of the earlier siblings' subtrees."""
    offset = _sibling_offsets(parent, sibling_key, size)
    position = np.zeros(parent.size, dtype=np.int64)
    for rows in by_level[1:]:
        position[rows] = position[parent[rows]] + 1 + offset[rows]
    return position


def _sibling_offsets(parent: IntArray, sibling_key: IntArray, size: IntArray) -> IntArray:
    """Exclusive cumulative subtree size within each sibling group."""
    rows = np.lexsort((sibling_key[1:], parent[1:])) + 1
    sizes = size[rows]
    before = np.cumsum(sizes) - sizes
    group_parent = parent[rows]
    starts = np.ones(rows.size, dtype=bool)
    starts[1:] = group_parent[1:] != group_parent[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(rows.size), 0))
    offset = np.zeros(parent.size, dtype=np.int64)
    offset[rows] = before - before[group_start]
    return offset
