"""Levels of a queue forest given as a parent array, by vectorised pointer jumping.

``parent[i]`` is the position of row ``i``'s parent, or -1 for a top-level queue. Each round
doubles how far every row has jumped, so a valid tree of at most 20 levels is done in 5 rounds
and any input in ``log2(n)`` rounds (17 for 100k queues); rows still pointing somewhere after
that never reach a top-level queue, i.e. they sit on or below a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.datasets.parsing.problems import Offenders
from tasks_support_system_ai.errors import DatasetValidationError

MAX_LEVELS = 20
CYCLE_SHOWN = 12

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Forest:
    """A validated hierarchy in file-row order: ids, parent positions (-1 = top) and levels."""

    ids: IntArray
    parent: IntArray
    level: IntArray


def levels(parent: IntArray, ids: IntArray, *, column: str) -> IntArray:
    """Level of every row (1 = top-level); raises ``cycle`` or ``too_deep``."""
    level, jump = _pointer_jump(parent)
    stuck = Offenders.of(jump >= 0)
    if stuck is not None:
        raise _cycle_error(parent, ids, int(jump[stuck.first]), stuck, column)
    _check_depth(level, ids)
    return level


def _pointer_jump(parent: IntArray) -> tuple[IntArray, IntArray]:
    """Levels, and where each row's jumps end: -1 at the top, else a row on a cycle."""
    level = np.ones(parent.size, dtype=np.int64)
    jump = parent.copy()
    for _ in range(max(1, parent.size.bit_length())):
        moving = np.flatnonzero(jump >= 0)
        if moving.size == 0:
            break
        target = jump[moving]
        level[moving] += level[target]
        jump[moving] = jump[target]
    return level, jump


def ancestor_pairs(parent: IntArray, level: IntArray) -> tuple[IntArray, IntArray]:
    """All (ancestor position, descendant position) pairs, one vectorised step per level."""
    ancestors: list[IntArray] = []
    descendants: list[IntArray] = []
    rows = np.flatnonzero(parent >= 0)
    above = parent[rows]
    for _ in range(int(level.max(initial=1)) - 1):
        ancestors.append(above)
        descendants.append(rows)
        keep = parent[above] >= 0
        rows, above = rows[keep], parent[above[keep]]
    if not ancestors:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(ancestors), np.concatenate(descendants).astype(np.int64)


def _cycle_error(
    parent: IntArray, ids: IntArray, on_cycle: int, stuck: Offenders, column: str
) -> DatasetValidationError:
    """Show the cycle that the first stuck row is on or leads into, if it is short enough."""
    start = stuck.first
    queue, row = int(ids[start]), start + 1
    path, relation = _walk(parent, start), "is in"
    if not _closed(path) and _closed(entered := _walk(parent, on_cycle)):
        path, relation = entered, "leads into"
    shown = " → ".join(str(int(ids[p])) for p in path)
    if parent[start] == start:
        text = f"Row {row}: queue {queue} is its own parent."
    elif _closed(path):
        text = f"Row {row}: queue {queue} {relation} a cycle of parents: {shown}."
    else:
        text = (
            f"Row {row}: queue {queue} never reaches a top-level queue; its parents go round "
            f"a cycle of over {CYCLE_SHOWN} queues: {shown} → …"
        )
    return DatasetValidationError(
        text + " Every queue must lead up to a top-level queue." + stuck.more(),
        code="cycle",
        column=column,
        row=row,
        value=str(queue),
        cycle=[int(ids[p]) for p in path],
        rows=stuck.rows,
        count=stuck.count,
    )


def _walk(parent: IntArray, start: int) -> list[int]:
    """Rows met following parents from ``start`` back to it, for at most ``CYCLE_SHOWN`` steps."""
    path, node = [start], start
    while len(path) <= CYCLE_SHOWN:
        node = int(parent[node])
        path.append(node)
        if node == start:
            break
    return path


def _closed(path: list[int]) -> bool:
    return len(path) > 1 and path[-1] == path[0]


def _check_depth(level: IntArray, ids: IntArray) -> None:
    offenders = Offenders.of(level > MAX_LEVELS)
    if offenders is not None:
        first = offenders.first
        raise DatasetValidationError(
            f"Row {first + 1}: queue {int(ids[first])} is at level {int(level[first])}; "
            f"the hierarchy may have at most {MAX_LEVELS} levels." + offenders.more(),
            code="too_deep",
            row=first + 1,
            value=str(int(ids[first])),
            level=int(level[first]),
            max_levels=MAX_LEVELS,
            rows=offenders.rows,
            count=offenders.count,
        )
