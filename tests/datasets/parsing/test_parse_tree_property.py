"""Property tests: random forests get brute-force levels; random parent arrays find cycles."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks_support_system_ai.datasets.parsing import DatasetKind, parse_dataset
from tasks_support_system_ai.datasets.parsing.tree import CYCLE_SHOWN, levels
from tasks_support_system_ai.errors import DatasetValidationError


def brute_force_depth(parent: dict[int, int | None], queue: int) -> int:
    depth = 1
    while (above := parent[queue]) is not None:
        queue, depth = above, depth + 1
    return depth


@st.composite
def forests(draw: st.DrawFn) -> dict[int, int | None]:
    """Queue id → parent id; a parent always comes earlier, so there are no cycles."""
    size = draw(st.integers(1, 40))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True))
    parents: list[int | None] = [None]
    for position in range(1, size):
        earlier = ids[:position]
        # Preferring the previous queue builds long chains, so too-deep trees occur too.
        choice = st.one_of(st.none(), st.sampled_from(earlier), st.just(earlier[-1]))
        parents.append(draw(choice))
    return dict(zip(ids, parents, strict=True))


def edge_list_csv(parent: dict[int, int | None]) -> bytes:
    rows = [f"{queue},{'' if above is None else above}" for queue, above in parent.items()]
    return ("\n".join(["queueId,parentId", *rows]) + "\n").encode()


@settings(max_examples=150, deadline=None)
@given(forests())
def test_random_forest_levels_equal_brute_force_depth(parent: dict[int, int | None]) -> None:
    depths = {queue: brute_force_depth(parent, queue) for queue in parent}
    data = edge_list_csv(parent)
    if max(depths.values()) > 20:
        with pytest.raises(DatasetValidationError, match="at most 20 levels"):
            parse_dataset(DatasetKind.HIERARCHY, data, "h.csv", max_bytes=1 << 20)
        return
    frame = parse_dataset(DatasetKind.HIERARCHY, data, "h.csv", max_bytes=1 << 20).frame
    assert dict(zip(frame["queueId"], frame["level"], strict=True)) == depths


def has_cycle_from(parent: list[int], start: int) -> bool:
    seen, node = set(), start
    while node >= 0 and node not in seen:
        seen.add(node)
        node = parent[node]
    return node >= 0


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_parent_arrays_fail_exactly_when_a_queue_cannot_reach_the_top(
    data: st.DataObject,
) -> None:
    size = data.draw(st.integers(1, 20))  # at most 20 rows, so never too deep
    parent = data.draw(st.lists(st.integers(-1, size - 1), min_size=size, max_size=size))
    stuck = [row for row in range(size) if has_cycle_from(parent, row)]
    ids = np.arange(1, size + 1, dtype=np.int64)
    if not stuck:
        levels(np.array(parent, dtype=np.int64), ids, column="parentId")
        return
    with pytest.raises(DatasetValidationError) as info:
        levels(np.array(parent, dtype=np.int64), ids, column="parentId")
    assert info.value.code == "cycle"
    assert info.value.details["row"] == stuck[0] + 1
    path = [queue - 1 for queue in info.value.details["cycle"]]
    assert all(parent[a] == b for a, b in itertools.pairwise(path))
    assert path[-1] in path[:-1] or len(path) > CYCLE_SHOWN
