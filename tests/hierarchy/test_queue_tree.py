"""QueueTree against a naive recursive reference on random forests, plus validation errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import forests

from tasks_support_system_ai.errors import DatasetValidationError, NotFoundError
from tasks_support_system_ai.hierarchy import ROOT_ID, QueueTree


class Reference:
    """Naive recursive answers; the root (0) parents every top-level queue."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.parent: dict[int, int | None] = {ROOT_ID: None}
        self.children: dict[int, list[int]] = {ROOT_ID: []}
        for q, p in zip(frame["queueId"], frame["parentId"], strict=True):
            self.parent[int(q)] = ROOT_ID if pd.isna(p) else int(p)
            self.children.setdefault(int(q), [])
        for q, p in self.parent.items():
            if p is not None:
                self.children.setdefault(p, []).append(q)

    def descendants(self, q: int) -> list[int]:
        return [d for c in self.children[q] for d in [c, *self.descendants(c)]]

    def level(self, q: int) -> int:
        p = self.parent[q]
        return 0 if p is None else 1 + self.level(p)

    def height(self, q: int) -> int:
        return max((1 + self.height(c) for c in self.children[q]), default=0)

    def leaves(self, q: int) -> int:
        return sum(1 for d in self.descendants(q) if not self.children[d])


@settings(max_examples=60, deadline=None)
@given(frame=forests())
def test_structure_matches_reference(frame: pd.DataFrame) -> None:
    tree = QueueTree.from_frame(frame)
    ref = Reference(frame)
    assert len(tree) == len(frame) + 1
    assert tree.ids[0] == ROOT_ID
    assert sorted(tree.ids.tolist()) == sorted(ref.parent)
    for i, q in enumerate(tree.ids.tolist()):
        assert tree.index_of(q) == i
        assert tree.children(q) == sorted(ref.children[q])
        assert sorted(tree.descendants(q).tolist()) == sorted(ref.descendants(q))
        assert tree.n_descendants(q) == len(ref.descendants(q))
        assert tree.level(q) == tree.levels[i] == ref.level(q)
        assert tree.height(q) == ref.height(q)
        assert tree.n_leaves(q) == ref.leaves(q)
        expected_parent = ref.parent[q]
        assert tree.parent(q) == (None if expected_parent in (None, ROOT_ID) else expected_parent)
        parent_row = tree.parent_index[i]
        assert (parent_row == -1) if q == ROOT_ID else tree.ids[parent_row] == ref.parent[q]
    assert (tree.levels[1:] == frame.set_index("queueId").loc[tree.ids[1:], "level"]).all()


@settings(max_examples=60, deadline=None)
@given(frame=forests())
def test_summing_matrix_marks_self_and_descendants(frame: pd.DataFrame) -> None:
    tree = QueueTree.from_frame(frame)
    ref = Reference(frame)
    dense = tree.summing_matrix().toarray()
    expected = np.zeros_like(dense)
    position = {q: i for i, q in enumerate(tree.ids.tolist())}
    for q, i in position.items():
        expected[i, [position[d] for d in [q, *ref.descendants(q)]]] = 1
    np.testing.assert_array_equal(dense, expected)


@settings(max_examples=60, deadline=None)
@given(frame=forests(), extra=st.lists(st.integers(-5, 20_000), max_size=20))
def test_indices_of_matches_index_of(frame: pd.DataFrame, extra: list[int]) -> None:
    tree = QueueTree.from_frame(frame)
    wanted = np.array([*tree.ids.tolist(), *extra], dtype=np.int64)
    expected = [tree.index_of(q) if q in tree else -1 for q in wanted.tolist()]
    assert tree.indices_of(wanted).tolist() == expected


@pytest.fixture
def small_tree() -> QueueTree:
    frame = pd.DataFrame(
        {
            "queueId": [30, 10, 20, 40, 5],
            "parentId": pd.array([10, None, 10, 20, None], dtype="Int64"),
            "name": ["c", "a", "b", "d", "e"],
            "level": [2, 1, 2, 3, 1],
        }
    )
    return QueueTree.from_frame(frame)


def test_small_tree_layout_is_preorder_by_id(small_tree: QueueTree) -> None:
    assert small_tree.ids.tolist() == [0, 5, 10, 20, 40, 30]
    assert small_tree.names == ["All queues", "e", "a", "b", "d", "c"]
    assert small_tree.levels.tolist() == [0, 1, 1, 2, 3, 2]
    assert small_tree.parent_index.tolist() == [-1, 0, 0, 2, 3, 2]
    assert small_tree.descendants(10).tolist() == [20, 40, 30]
    assert small_tree.children(ROOT_ID) == [5, 10]
    assert small_tree.name(40) == "d"
    assert small_tree.parent(5) is None
    assert small_tree.parent(ROOT_ID) is None
    assert small_tree.parent(40) == 20
    assert (small_tree.n_leaves(ROOT_ID), small_tree.height(ROOT_ID)) == (3, 3)
    assert (small_tree.n_leaves(40), small_tree.height(40)) == (0, 0)


def test_contains_and_unknown_queue(small_tree: QueueTree) -> None:
    assert 40 in small_tree
    assert np.int64(40) in small_tree
    assert ROOT_ID in small_tree
    assert 41 not in small_tree
    assert [40] not in small_tree
    with pytest.raises(NotFoundError) as info:
        small_tree.children(41)
    assert info.value.code == "queue_not_found"
    assert info.value.details == {"queue_id": 41}
    assert str(info.value) == "Queue 41 does not exist"


def test_arrays_are_read_only(small_tree: QueueTree) -> None:
    for array in (small_tree.ids, small_tree.levels, small_tree.parent_index):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    small_tree.names[0] = "changed"
    assert small_tree.name(ROOT_ID) == "All queues"


def test_lenient_parent_encodings() -> None:
    frame = pd.DataFrame(
        {"queueId": [1, 2, 3], "parentId": [np.nan, 0.0, 1.0], "name": ["a", "b", "c"]}
    )
    tree = QueueTree.from_frame(frame)
    assert tree.children(ROOT_ID) == [1, 2]
    assert tree.parent(3) == 1


def test_empty_frame_is_just_the_root() -> None:
    frame = pd.DataFrame(
        {
            "queueId": np.array([], dtype=np.int64),
            "parentId": pd.array([], dtype="Int64"),
            "name": [],
        }
    )
    tree = QueueTree.from_frame(frame)
    assert tree.ids.tolist() == [ROOT_ID]
    assert (tree.n_leaves(ROOT_ID), tree.height(ROOT_ID), tree.n_descendants(ROOT_ID)) == (0, 0, 0)
    assert tree.indices_of(np.array([0, 7])).tolist() == [0, -1]
    assert tree.summing_matrix().toarray().tolist() == [[1]]


@pytest.mark.parametrize(
    ("queue_ids", "parent_ids", "code"),
    [
        ([1, 2, 3], [None, 3, 2], "cycle"),
        ([1, 2], [None, 2], "cycle"),
        ([1, 2, 3, 4], [2, 3, 1, 1], "cycle"),
        ([1, 2], [None, 9], "unknown_parent"),
        ([1, 1], [None, None], "duplicate_queue_id"),
        ([0, 1], [None, None], "reserved_queue_id"),
    ],
)
def test_bad_frames_are_rejected(
    queue_ids: list[int], parent_ids: list[int | None], code: str
) -> None:
    frame = pd.DataFrame(
        {
            "queueId": queue_ids,
            "parentId": pd.array(parent_ids, dtype="Int64"),
            "name": [str(q) for q in queue_ids],
        }
    )
    with pytest.raises(DatasetValidationError) as info:
        QueueTree.from_frame(frame)
    assert info.value.code == code


def test_missing_column_is_rejected() -> None:
    with pytest.raises(DatasetValidationError) as info:
        QueueTree.from_frame(pd.DataFrame({"queueId": [1], "name": ["a"]}))
    assert info.value.code == "missing_column"
    assert info.value.details == {"columns": ["parentId"]}
