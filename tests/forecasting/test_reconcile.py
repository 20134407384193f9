"""Reconciliation on random trees with own tickets on inner nodes: coherence and coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import forests

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.reconcile import (
    METHODS,
    Hierarchy,
    nonnegative,
    own_series_nodes,
    reconcile,
    shift_bounds,
    shrunk_covariance,
)
from tasks_support_system_ai.forecasting.vectorised import VectorisedETS
from tasks_support_system_ai.hierarchy import QueueTree


def incoherence(tree: QueueTree, has_own: np.ndarray, y: np.ndarray) -> float:
    """Largest |load - own - sum of children's loads| over nodes and horizons."""
    n = len(tree)
    loads = y[:n]
    parents = tree.parent_index
    children = np.zeros_like(loads)
    np.add.at(children, parents[1:], loads[1:])
    is_leaf = np.ones(n, dtype=bool)
    is_leaf[parents[1:]] = False
    own = np.where(is_leaf[:, np.newaxis], loads, 0.0)
    own[own_series_nodes(tree, has_own)] = y[n:]
    return float(np.abs(loads - own - children).max())


@st.composite
def problems(draw: st.DrawFn) -> tuple[QueueTree, np.ndarray, np.ndarray, np.ndarray]:
    """A random forest, random own-ticket flags, base forecasts and residuals for y."""
    tree = QueueTree.from_frame(draw(forests()))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    has_own = rng.random(len(tree)) < draw(st.floats(0, 1))
    n_all = len(tree) + own_series_nodes(tree, has_own).size
    base = rng.gamma(2.0, 20.0, size=(n_all, 4))
    residuals = rng.normal(0, 1, size=(n_all, 30)) * rng.uniform(0, 5, size=(n_all, 1))
    return tree, has_own, base, residuals


@settings(max_examples=40, deadline=None)
@given(problem=problems())
def test_every_method_is_coherent(
    problem: tuple[QueueTree, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    tree, has_own, base, residuals = problem
    hierarchy = Hierarchy.from_tree(tree, has_own)
    assert hierarchy.n_all == base.shape[0]
    for method in METHODS:
        reconciled = reconcile(base, hierarchy, method, residuals)
        assert reconciled.shape == base.shape
        assert incoherence(tree, has_own, reconciled) <= 1e-6, method
        clipped = nonnegative(hierarchy, reconciled)
        assert (clipped >= 0).all()
        assert incoherence(tree, has_own, clipped) <= 1e-6


@settings(max_examples=40, deadline=None)
@given(problem=problems())
def test_bottom_up_sums_bottom_forecasts(
    problem: tuple[QueueTree, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    tree, has_own, base, _ = problem
    hierarchy = Hierarchy.from_tree(tree, has_own)
    reconciled = reconcile(base, hierarchy, "bottom_up")
    expected = hierarchy.summing @ base[hierarchy.bottom_rows]
    np.testing.assert_allclose(reconciled, expected)
    np.testing.assert_allclose(reconciled[hierarchy.bottom_rows], base[hierarchy.bottom_rows])
    inferred = Hierarchy.from_summing(hierarchy.summing)
    np.testing.assert_array_equal(inferred.bottom_rows, hierarchy.bottom_rows)


@settings(max_examples=40, deadline=None)
@given(problem=problems())
def test_coherent_forecasts_are_left_unchanged(
    problem: tuple[QueueTree, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    tree, has_own, base, residuals = problem
    hierarchy = Hierarchy.from_tree(tree, has_own)
    coherent = hierarchy.aggregate(base[: hierarchy.n_bottom])
    for method in METHODS:
        reconciled = reconcile(coherent, hierarchy, method, residuals)
        np.testing.assert_allclose(reconciled, coherent, rtol=1e-9, atol=1e-7)


def test_structure_with_own_tickets_on_inner_nodes() -> None:
    frame = pd.DataFrame(
        {
            "queueId": [1, 2, 3, 4, 5],
            "parentId": pd.array([pd.NA, 1, 1, pd.NA, 4], dtype="Int64"),
            "name": list("abcde"),
        }
    )
    tree = QueueTree.from_frame(frame)  # rows: root, 1, 2, 3, 4, 5
    has_own = np.array([True, True, False, True, False, False])
    hierarchy = Hierarchy.from_tree(tree, has_own)
    # bottom: own of root, own of 1, leaves 2, 3, 5; y: 6 loads + own of root and of 1
    assert hierarchy.summing.shape == (8, 5)
    np.testing.assert_array_equal(hierarchy.bottom_rows, [6, 7, 2, 3, 5])
    dense = hierarchy.summing.toarray()
    np.testing.assert_array_equal(dense[0], [1, 1, 1, 1, 1])
    np.testing.assert_array_equal(dense[1], [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(dense[4], [0, 0, 0, 0, 1])  # queue 4: no own tickets


def test_mint_uses_the_reliable_series() -> None:
    """A precise parent and a noisy child: the child is pulled towards parent - sibling."""
    frame = pd.DataFrame(
        {"queueId": [1, 2, 3], "parentId": pd.array([pd.NA, 1, 1], dtype="Int64"), "name": "x"}
    )
    tree = QueueTree.from_frame(frame)
    hierarchy = Hierarchy.from_tree(tree, np.zeros(4, dtype=bool))
    rng = np.random.default_rng(0)
    residuals = rng.normal(0, 1, size=(4, 200)) * np.array([[0.1], [0.1], [0.1], [10.0]])
    base = np.array([[100.0], [100.0], [40.0], [80.0]])  # rows: root, 1, 2, 3
    reconciled = reconcile(base, hierarchy, "wls_var", residuals)
    assert reconciled[3, 0] == pytest.approx(60.0, abs=0.1)
    assert reconciled[1, 0] == pytest.approx(100.0, abs=0.1)


def test_shrunk_covariance_keeps_variances_and_shrinks_noise() -> None:
    rng = np.random.default_rng(1)
    independent = rng.normal(0, 2, size=(30, 500))
    covariance = shrunk_covariance(independent)
    np.testing.assert_allclose(np.diag(covariance), (independent**2).mean(axis=1))
    off = covariance[~np.eye(30, dtype=bool)]
    assert np.abs(off).max() < 0.05 * 4
    np.testing.assert_allclose(covariance, covariance.T)
    common = rng.normal(0, 1, size=(1, 500))
    correlated = common + rng.normal(0, 0.2, size=(30, 500))
    shrunk = shrunk_covariance(correlated)
    sd = np.sqrt(np.diag(shrunk))
    corr = shrunk / np.outer(sd, sd)
    assert corr[~np.eye(30, dtype=bool)].min() > 0.85
    assert np.linalg.eigvalsh(shrunk_covariance(np.zeros((5, 10)))).min() > 0


def test_reconciled_intervals_cover_on_simulated_hierarchies() -> None:
    """Poisson weekly-seasonal own tickets on a two-level tree with busy inner queues."""
    parents = [pd.NA] * 4 + [1 + i // 5 for i in range(20)]
    frame = pd.DataFrame(
        {"queueId": range(1, 25), "parentId": pd.array(parents, dtype="Int64"), "name": "q"}
    )
    tree = QueueTree.from_frame(frame)
    has_own = np.ones(len(tree), dtype=bool)
    has_own[0] = False
    hierarchy = Hierarchy.from_tree(tree, has_own)
    week = np.array([1.0, 1.1, 1.0, 1.0, 0.9, 0.5, 0.4])
    hits: dict[int, list[float]] = {80: [], 95: []}
    for seed in range(6):
        rng = np.random.default_rng(seed)
        rate = rng.uniform(2, 40, size=(hierarchy.n_bottom, 1)) * week[np.arange(428) % 7]
        y = hierarchy.aggregate(rng.poisson(rate).astype(float))
        model = VectorisedETS(7).fit(y[:, :400])
        base = model.predict(28)
        for method in ("bottom_up", "mint_shrink"):
            mean = reconcile(base.mean, hierarchy, method, model.residuals)
            lower = shift_bounds(base.lower, base.mean, mean)
            upper = shift_bounds(base.upper, base.mean, mean)
            for level, found in hits.items():
                inside = (y[:, 400:] >= lower[level]) & (y[:, 400:] <= upper[level])
                found.append(inside.mean())
    assert 0.72 <= np.mean(hits[80]) <= 0.88
    assert 0.90 <= np.mean(hits[95]) <= 0.99


def test_rejects_bad_requests() -> None:
    frame = pd.DataFrame(
        {"queueId": [1], "parentId": pd.array([pd.NA], dtype="Int64"), "name": "a"}
    )
    hierarchy = Hierarchy.from_tree(QueueTree.from_frame(frame), np.zeros(2, dtype=bool))
    base = np.ones((2, 3))
    with pytest.raises(InvalidInputError) as method:
        reconcile(base, hierarchy, "magic", np.ones((2, 5)))
    assert method.value.code == "invalid_method"
    for name in ("wls_var", "mint_shrink"):
        with pytest.raises(InvalidInputError) as missing:
            reconcile(base, hierarchy, name)
        assert missing.value.code == "missing_residuals"
    with pytest.raises(InvalidInputError) as shape:
        reconcile(np.ones((3, 3)), hierarchy, "bottom_up")
    assert shape.value.code == "invalid_shape"
    with pytest.raises(InvalidInputError) as structure:
        Hierarchy.from_summing(np.array([[1.0, 1.0]]))
    assert structure.value.code == "invalid_hierarchy"
