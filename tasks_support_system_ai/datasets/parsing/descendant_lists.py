"""Hierarchy form (b), the original service's: per queue its level and child/descendant lists.

Parents come from ``immediateDescendants``; ``level`` and ``allDescendants`` are redundant, so
they are checked against the derived tree rather than trusted.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.datasets.parsing.cells import Cells, Numbers
from tasks_support_system_ai.datasets.parsing.header import check_columns
from tasks_support_system_ai.datasets.parsing.id_lists import parse_id_lists
from tasks_support_system_ai.datasets.parsing.ids import locate, unique_queue_ids
from tasks_support_system_ai.datasets.parsing.problems import Offenders, cell_error, join_and
from tasks_support_system_ai.datasets.parsing.tree import Forest, ancestor_pairs, levels
from tasks_support_system_ai.errors import DatasetValidationError

REQUIRED = ("queueId", "level", "immediateDescendants", "allDescendants")
OPTIONAL = ("name", "full_load")
CHILDREN, ALL = "immediateDescendants", "allDescendants"

IntArray = npt.NDArray[np.int64]


def descendant_lists_forest(raw: pd.DataFrame) -> Forest:
    """Build the tree from child lists, then verify the level and allDescendants columns."""
    check_columns(
        raw, required=REQUIRED, optional=OPTIONAL, what="A hierarchy in the original form"
    )
    ids = unique_queue_ids(raw)
    parent = _parents(raw, ids)
    forest = Forest(ids, parent, levels(parent, ids, column=CHILDREN))
    _check_levels(raw, forest)
    _check_all_descendants(raw, forest)
    return forest


def _parents(raw: pd.DataFrame, ids: IntArray) -> IntArray:
    lists = parse_id_lists(raw, CHILDREN)
    children = locate(pd.Index(ids), lists.ids, lists.owners, raw, CHILDREN)
    pairs = pd.DataFrame({"owner": lists.owners, "child": children}).drop_duplicates()
    _check_one_parent(raw, ids, pairs)
    parent = np.full(ids.size, -1, dtype=np.int64)
    parent[pairs["child"].to_numpy()] = pairs["owner"].to_numpy()
    return parent


def _check_one_parent(raw: pd.DataFrame, ids: IntArray, pairs: pd.DataFrame) -> None:
    again = pairs["child"].duplicated().to_numpy()
    if not again.any():
        return
    pair = pairs.iloc[int(np.flatnonzero(again)[0])]
    child, owner = int(pair["child"]), int(pair["owner"])
    owners = pairs.loc[pairs["child"] == child, "owner"].to_numpy()
    rows = [int(p) + 1 for p in owners[:5]]
    raise DatasetValidationError(
        f"Column '{CHILDREN}', row {owner + 1}: queue {int(ids[child])} is listed as a child of "
        f"queues {join_and([int(ids[p]) for p in owners[:5]])} (rows {join_and(rows)}); "
        "a queue can have only one parent.",
        code="inconsistent_hierarchy",
        column=CHILDREN,
        row=owner + 1,
        value=str(int(ids[child])),
        rows=rows,
    )


def _check_levels(raw: pd.DataFrame, forest: Forest) -> None:
    numbers = Numbers.of(Cells.of(raw, "level"))
    given = numbers.values[numbers.cells.codes]
    offenders = Offenders.of(given != forest.level)
    if offenders is None:
        return
    first = offenders.first
    derived, queue = int(forest.level[first]), int(forest.ids[first])
    problem = "is not a level" if np.isnan(given[first]) else f"is not the level of queue {queue}"
    raise cell_error(
        "inconsistent_hierarchy",
        "level",
        offenders,
        numbers.cells.value_at(first),
        problem=problem,
        expected=f"{derived}, its depth in the tree given by {CHILDREN} (top-level queues are 1)",
        queue_id=queue,
        derived_level=derived,
    )


def _check_all_descendants(raw: pd.DataFrame, forest: Forest) -> None:
    lists = parse_id_lists(raw, ALL)
    listed_pos = locate(pd.Index(forest.ids), lists.ids, lists.owners, raw, ALL)
    n = forest.ids.size
    not_self = listed_pos != lists.owners
    listed = _sorted_unique(lists.owners[not_self] * n + listed_pos[not_self])
    ancestors, descendants = ancestor_pairs(forest.parent, forest.level)
    derived = np.sort(ancestors * n + descendants)  # a tree yields each pair once
    if np.array_equal(listed, derived):
        return
    lacking, surplus = _not_in(derived, listed), _not_in(listed, derived)
    bad_rows = np.zeros(n, dtype=np.bool_)
    bad_rows[np.concatenate([lacking, surplus]) // n] = True
    offenders = Offenders.of(bad_rows)
    if offenders is not None:
        raise _descendants_error(raw, forest, offenders, lacking, surplus)


def _sorted_unique(values: IntArray) -> IntArray:
    """Like ``np.unique`` but sort-based, which is several times faster for int64 pair codes."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered


def _not_in(values: IntArray, sorted_pool: IntArray) -> IntArray:
    """Elements of ``values`` absent from ``sorted_pool``."""
    if sorted_pool.size == 0:
        return values
    at = np.minimum(np.searchsorted(sorted_pool, values), sorted_pool.size - 1)
    present: npt.NDArray[np.bool_] = sorted_pool[at] == values
    return values[~present]


def _descendants_error(
    raw: pd.DataFrame, forest: Forest, offenders: Offenders, lacking: IntArray, surplus: IntArray
) -> DatasetValidationError:
    row, n = offenders.first, forest.ids.size
    missing = [int(q) for q in forest.ids[lacking[lacking // n == row] % n][:5]]
    extra = [int(q) for q in forest.ids[surplus[surplus // n == row] % n][:5]]
    differences = ([f"lacks {join_and(missing)}"] if missing else []) + (
        [f"should not list {join_and(extra)}"] if extra else []
    )
    return cell_error(
        "inconsistent_hierarchy",
        ALL,
        offenders,
        raw[ALL].iloc[row],
        problem=f"disagrees with {CHILDREN}: it {' and '.join(differences)}",
        expected=f"every queue below queue {int(forest.ids[row])} in the tree given by {CHILDREN}",
        queue_id=int(forest.ids[row]),
        missing=missing,
        extra=extra,
    )
