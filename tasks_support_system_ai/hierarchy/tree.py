"""``QueueTree``: the immutable queue hierarchy with O(1) structural queries.

Nodes are stored in DFS preorder under a virtual root, so a queue's subtree is the
contiguous slice ``[i, i + size[i])``; every structural answer is slice arithmetic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from tasks_support_system_ai.errors import NotFoundError
from tasks_support_system_ai.hierarchy._frame import ROOT_ID, parse_frame
from tasks_support_system_ai.hierarchy._layout import Layout, compute_layout

__all__ = ["ROOT_ID", "QueueTree"]

IntArray = npt.NDArray[np.int64]


def _frozen(array: IntArray) -> IntArray:
    array.flags.writeable = False
    return array


class QueueTree:
    """Queue hierarchy under a virtual root (``ROOT_ID``), built once per hierarchy version."""

    __slots__ = (
        "_child_ptr",
        "_child_rows",
        "_height",
        "_ids",
        "_index",
        "_leaves",
        "_level",
        "_names",
        "_parent",
        "_size",
        "_sorted_ids",
        "_sorted_rows",
    )

    def __init__(self, ids: IntArray, names: list[str], layout: Layout) -> None:
        """Prefer ``from_frame``; ``ids``/``names`` are in input order, ``layout`` reorders them."""
        self._ids = _frozen(ids[layout.order].copy())
        self._names: tuple[str, ...] = tuple(names[i] for i in layout.order)
        self._parent = _frozen(layout.parent)
        self._level = _frozen(layout.level)
        self._size = _frozen(layout.size)
        self._height = _frozen(layout.height)
        self._index = {int(q): i for i, q in enumerate(self._ids.tolist())}
        self._sorted_rows = _frozen(np.argsort(self._ids, kind="stable"))
        self._sorted_ids = _frozen(self._ids[self._sorted_rows])
        self._leaves = _frozen(self._count_leaves())
        self._child_ptr, self._child_rows = self._children_csr()

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> QueueTree:
        """Build from columns ``queueId``, ``parentId`` (<NA> = top level) and ``name``."""
        parsed = parse_frame(frame)
        return cls(parsed.ids, parsed.names, compute_layout(parsed.parent, parsed.ids))

    def _count_leaves(self) -> IntArray:
        is_leaf = (self._size == 1).astype(np.int64)
        is_leaf[0] = 0  # the virtual root is never a queue
        before: IntArray = np.concatenate(([0], np.cumsum(is_leaf)))
        rows = np.arange(self._ids.size)
        leaves: IntArray = before[rows + self._size] - before[rows + 1]
        return leaves

    def _children_csr(self) -> tuple[IntArray, IntArray]:
        """Children grouped by parent; preorder already sorts siblings by id."""
        parents = self._parent[1:]
        rows = np.argsort(parents, kind="stable") + 1
        counts = np.bincount(parents, minlength=self._ids.size)
        ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return _frozen(ptr), _frozen(rows.astype(np.int64))

    @property
    def ids(self) -> IntArray:
        """All node ids in DFS preorder; index 0 is ``ROOT_ID``."""
        return self._ids

    @property
    def levels(self) -> IntArray:
        """Depth of each node (root 0, top-level queues 1), aligned with ``ids``."""
        return self._level

    @property
    def names(self) -> list[str]:
        """Node names aligned with ``ids`` (a copy: the tree is immutable)."""
        return list(self._names)

    @property
    def parent_index(self) -> IntArray:
        """Index of each node's parent, -1 for the root."""
        return self._parent

    def __len__(self) -> int:
        return int(self._ids.size)

    def __contains__(self, queue_id: object) -> bool:
        try:
            return queue_id in self._index
        except TypeError:
            return False

    def index_of(self, queue_id: int) -> int:
        """Position of ``queue_id`` in ``ids``; ``NotFoundError`` if absent."""
        try:
            return self._index[queue_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"Queue {queue_id} does not exist", code="queue_not_found", queue_id=queue_id
            ) from None

    def indices_of(self, queue_ids: npt.ArrayLike) -> IntArray:
        """Vectorised ``index_of``: -1 where an id is not in the tree."""
        wanted = np.asarray(queue_ids, dtype=np.int64)
        found = np.searchsorted(self._sorted_ids, wanted)
        np.minimum(found, self._ids.size - 1, out=found)
        rows = self._sorted_rows[found]
        rows[self._sorted_ids[found] != wanted] = -1
        return rows

    def name(self, queue_id: int) -> str:
        return self._names[self.index_of(queue_id)]

    def level(self, queue_id: int) -> int:
        return int(self._level[self.index_of(queue_id)])

    def parent(self, queue_id: int) -> int | None:
        """Parent id; ``None`` for top-level queues and for the root."""
        row = int(self._parent[self.index_of(queue_id)])
        return None if row <= 0 else int(self._ids[row])

    def children(self, queue_id: int) -> list[int]:
        """Direct children ids, ascending."""
        row = self.index_of(queue_id)
        rows = self._child_rows[self._child_ptr[row] : self._child_ptr[row + 1]]
        return [int(q) for q in self._ids[rows]]

    def descendants(self, queue_id: int) -> IntArray:
        """Ids of all descendants (excluding the queue), in DFS preorder; a read-only view."""
        row = self.index_of(queue_id)
        return self._ids[row + 1 : row + self._size[row]]

    def n_descendants(self, queue_id: int) -> int:
        return int(self._size[self.index_of(queue_id)]) - 1

    def n_leaves(self, queue_id: int) -> int:
        """Leaf queues among the descendants (0 for a leaf)."""
        return int(self._leaves[self.index_of(queue_id)])

    def height(self, queue_id: int) -> int:
        """Edges down to the deepest descendant (0 for a leaf)."""
        return int(self._height[self.index_of(queue_id)])

    def summing_matrix(self) -> sp.csr_matrix:
        """n×n 0/1 matrix with ``S[i, j] = 1`` iff node j is i or one of its descendants.

        ``S @ own`` turns per-node own counts into subtree totals in one sparse product.
        """
        n = self._ids.size
        rows = np.repeat(np.arange(n, dtype=np.int64), self._size)
        starts = np.concatenate(([0], np.cumsum(self._size)))
        cols = np.arange(starts[-1], dtype=np.int64) - starts[rows] + rows
        data = np.ones(cols.size, dtype=np.int64)
        return sp.csr_matrix((data, cols, starts), shape=(n, n))
