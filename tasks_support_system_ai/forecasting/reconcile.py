"""Make independent forecasts of every queue add up: parent load = own tickets + children's loads.

Tickets land on inner queues too, so the bottom level is each node's *own* series: leaves (own =
load) and inner nodes that receive tickets. The forecast vector is
``y = [loads of all n nodes; own series of the k inner nodes with tickets]`` and ``y = S b``.
Inner nodes without own tickets are structural zeros and get no bottom column, so their
reconciled own stays exactly 0.

Every method is the projection ``ỹ = ŷ - W C'(C W C')⁻¹ C ŷ`` onto the coherent subspace, where
``C y = 0`` are the parent constraints (this equals the textbook ``S (S'W⁻¹S)⁻¹ S'W⁻¹ ŷ`` but only
needs a solve with one row per inner node and tolerates near-singular ``W``). The result is
re-aggregated from its bottom rows so coherence holds to rounding error.

Intervals: ``shift_bounds`` moves each series' base interval by the change of its mean. The
base widths are calibrated per series from its own h-step errors (non-Gaussian, skewed
counts), which the G·W·G' route would replace with a one-step covariance scaled by an assumed
horizon factor; on simulated hierarchies and the demo data the shifted intervals stay within
a point or two of nominal coverage for every method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import scipy.linalg as la
import scipy.sparse as sp

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import FloatArray
from tasks_support_system_ai.hierarchy import QueueTree

__all__ = [
    "METHODS",
    "Hierarchy",
    "Method",
    "check_method",
    "nonnegative",
    "own_series_nodes",
    "reconcile",
    "shift_bounds",
    "shrunk_covariance",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Method = Literal["bottom_up", "wls_struct", "wls_var", "mint_shrink"]
METHODS: tuple[str, ...] = get_args(Method)
_FLOOR = 1e-6  # variance floor relative to the mean variance: keeps W positive definite


@dataclass(frozen=True)
class Hierarchy:
    """``y = summing @ b``; ``bottom_rows[j]`` is the row of ``y`` that holds bottom series j."""

    summing: sp.csr_matrix
    bottom_rows: IntArray

    @classmethod
    def from_tree(cls, tree: QueueTree, has_own: BoolArray) -> Hierarchy:
        """Rows: all nodes' loads, then own series of the inner nodes flagged in ``has_own``."""
        is_leaf = _leaves(tree)
        inner_own = np.zeros(len(tree), dtype=bool)
        inner_own[own_series_nodes(tree, has_own)] = True
        columns = np.flatnonzero(is_leaf | inner_own)
        loads = tree.summing_matrix().tocsc()[:, columns].tocsr()
        summing = sp.vstack([loads, _unit_rows(inner_own[columns])], format="csr")
        bottom = columns.copy()
        bottom[inner_own[columns]] = len(tree) + np.arange(int(inner_own.sum()))
        return cls(summing.astype(np.float64), bottom.astype(np.int64))

    @classmethod
    def from_summing(cls, summing: sp.spmatrix | FloatArray) -> Hierarchy:
        """Any summing matrix: each bottom series is the *last* row equal to its unit vector."""
        matrix = sp.csr_matrix(summing, dtype=np.float64)
        counts = np.diff(matrix.indptr)
        unit_rows = np.flatnonzero((counts == 1) & (matrix.sum(axis=1).A1 == 1))
        bottom = np.full(matrix.shape[1], -1, dtype=np.int64)
        np.maximum.at(bottom, matrix.indices[matrix.indptr[unit_rows]], unit_rows)
        if (bottom < 0).any():
            raise InvalidInputError(
                "Every bottom series needs a row of its own", code="invalid_hierarchy"
            )
        return cls(matrix, bottom)

    @property
    def n_all(self) -> int:
        return int(self.summing.shape[0])

    @property
    def n_bottom(self) -> int:
        return int(self.summing.shape[1])

    def aggregate(self, bottom: FloatArray) -> FloatArray:
        """All series from bottom series: ``S @ b`` for (n_bottom, h) input."""
        result: FloatArray = np.asarray(self.summing @ bottom, dtype=np.float64)
        return result

    def constraints(self) -> sp.csr_matrix:
        """C with ``C y = 0`` iff y is coherent: each non-bottom row minus its bottom sum."""
        upper = np.setdiff1d(np.arange(self.n_all), self.bottom_rows)
        pick_upper = _selector(upper, self.n_all)
        pick_bottom = _selector(self.bottom_rows, self.n_all)
        result: sp.csr_matrix = (pick_upper - self.summing[upper] @ pick_bottom).tocsr()
        return result


def reconcile(
    base: FloatArray,
    hierarchy: Hierarchy | sp.spmatrix | FloatArray,
    method: str = "mint_shrink",
    residuals: FloatArray | None = None,
) -> FloatArray:
    """Coherent (n_all, h) forecasts from base forecasts of every series in ``y``.

    ``residuals`` (n_all, T) are in-sample one-step errors, needed by "wls_var" and
    "mint_shrink".
    """
    check_method(method)
    h = hierarchy if isinstance(hierarchy, Hierarchy) else Hierarchy.from_summing(hierarchy)
    base = _check_base(base, h)
    if method == "bottom_up":
        return h.aggregate(base[h.bottom_rows])
    c = h.constraints()
    if c.shape[0] == 0:
        return base.copy()
    cw = _weighted_constraints(c, h, method, residuals)
    projected = _project(base, c, cw)
    return h.aggregate(projected[h.bottom_rows])


def check_method(method: str) -> None:
    """``invalid_method`` unless ``method`` is one of ``METHODS``."""
    if method not in METHODS:
        raise InvalidInputError(
            f"Unknown reconciliation method {method!r}; expected one of {', '.join(METHODS)}",
            code="invalid_method",
            method=method,
        )


def shift_bounds(
    bounds: dict[int, FloatArray], base: FloatArray, reconciled: FloatArray
) -> dict[int, FloatArray]:
    """Move each base interval by the change of its mean (widths stay empirically calibrated)."""
    change = reconciled - base
    return {level: bound + change for level, bound in bounds.items()}


def nonnegative(hierarchy: Hierarchy, reconciled: FloatArray) -> FloatArray:
    """Clip bottom series at 0 and re-aggregate: non-negative and still exactly coherent."""
    return hierarchy.aggregate(np.maximum(reconciled[hierarchy.bottom_rows], 0.0))


def shrunk_covariance(residuals: FloatArray) -> FloatArray:
    """Schäfer–Strimmer covariance: sample correlations shrunk towards 0, variances kept.

    The intensity λ = Σ Var(r_ij) / Σ r_ij² (off-diagonal) is estimated from the data itself;
    Var(r_ij) is the variance of the mean of z_ti·z_tj over time (z: scaled residuals).
    """
    r = np.asarray(residuals, dtype=np.float64)
    periods = r.shape[1]
    sd = np.sqrt(np.einsum("ij,ij->i", r, r) / periods)
    z = np.divide(r, sd[:, np.newaxis], out=np.zeros_like(r), where=sd[:, np.newaxis] > 0)
    corr: FloatArray = z @ z.T
    corr /= periods
    lam = _shrinkage_intensity(z, corr)
    corr *= 1.0 - lam
    np.fill_diagonal(corr, 1.0)
    scale = np.sqrt(_floored(sd**2))
    corr *= scale[:, np.newaxis]
    corr *= scale[np.newaxis, :]
    return corr


def _shrinkage_intensity(z: FloatArray, corr: FloatArray) -> float:
    """λ in [0, 1]: estimated sampling variance of the correlations over their squared size."""
    periods = z.shape[1]
    squares = z * z
    spread = squares @ squares.T
    del squares
    corr_sq = np.square(corr)
    np.fill_diagonal(corr_sq, 0.0)
    size = float(corr_sq.sum())
    corr_sq *= periods
    spread -= corr_sq
    np.fill_diagonal(spread, 0.0)
    variance = float(spread.sum()) / (periods * (periods - 1))
    return 1.0 if size == 0 else min(max(variance / size, 0.0), 1.0)


def own_series_nodes(tree: QueueTree, has_own: BoolArray) -> IntArray:
    """Tree rows of the inner nodes whose own series get rows of their own in ``y`` (in order)."""
    return np.flatnonzero(np.asarray(has_own, dtype=bool) & ~_leaves(tree)).astype(np.int64)


def _leaves(tree: QueueTree) -> BoolArray:
    """Nodes without children (the root too when the tree has no queues)."""
    has_child = np.zeros(len(tree), dtype=bool)
    parents = tree.parent_index
    has_child[parents[parents >= 0]] = True
    return ~has_child


def _unit_rows(flags: BoolArray) -> sp.csr_matrix:
    """One row per flagged column, with a single 1 in that column."""
    columns = np.flatnonzero(flags)
    return _selector(columns, flags.size)


def _selector(rows: IntArray, n: int) -> sp.csr_matrix:
    """(len(rows), n) 0/1 matrix picking ``rows`` out of an n-vector."""
    data = np.ones(rows.size)
    return sp.csr_matrix((data, (np.arange(rows.size), rows)), shape=(rows.size, n))


def _check_base(base: FloatArray, hierarchy: Hierarchy) -> FloatArray:
    values = np.asarray(base, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, np.newaxis]
    if values.ndim != 2 or values.shape[0] != hierarchy.n_all:
        raise InvalidInputError(
            f"Base forecasts must have {hierarchy.n_all} rows",
            code="invalid_shape",
            shape=list(values.shape),
        )
    return values


def _weighted_constraints(
    c: sp.csr_matrix, hierarchy: Hierarchy, method: str, residuals: FloatArray | None
) -> sp.csr_matrix | FloatArray:
    """``C W`` for the method's error covariance W (sparse for diagonal W, dense for MinT)."""
    if method == "wls_struct":
        weights = np.asarray(hierarchy.summing.sum(axis=1), dtype=np.float64).ravel()
        return _scale_columns(c, weights)
    r = _check_residuals(residuals, hierarchy)
    if method == "wls_var":
        return _scale_columns(c, _floored(np.einsum("ij,ij->i", r, r) / r.shape[1]))
    dense: FloatArray = np.asarray(c @ shrunk_covariance(r))
    return dense


def _scale_columns(c: sp.csr_matrix, weights: FloatArray) -> sp.csr_matrix:
    result: sp.csr_matrix = (c @ sp.diags(weights)).tocsr()
    return result


def _check_residuals(residuals: FloatArray | None, hierarchy: Hierarchy) -> FloatArray:
    if residuals is None or residuals.ndim != 2 or residuals.shape[0] != hierarchy.n_all:
        raise InvalidInputError(
            f"This method needs in-sample residuals with {hierarchy.n_all} rows",
            code="missing_residuals",
        )
    if residuals.shape[1] < 2:
        raise InvalidInputError("Need at least 2 residual periods", code="missing_residuals")
    return np.asarray(residuals, dtype=np.float64)


def _floored(variances: FloatArray) -> FloatArray:
    """Variances with a tiny positive floor: zero-error series (all-zero queues) stay pinned."""
    mean = float(variances.mean()) if variances.size else 0.0
    floor = _FLOOR * mean if mean > 0 else 1.0
    result: FloatArray = np.maximum(variances, floor)
    return result


def _project(base: FloatArray, c: sp.csr_matrix, cw: sp.csr_matrix | FloatArray) -> FloatArray:
    """``ŷ - (CW)'(CWC')⁻¹ C ŷ`` with a Cholesky solve (least squares if not positive definite)."""
    gram = cw @ c.T
    gram = gram.toarray() if sp.issparse(gram) else np.asarray(gram)
    gram = (gram + gram.T) / 2
    gap = np.asarray(c @ base)
    try:
        multipliers = la.cho_solve(la.cho_factor(gram), gap)
    except la.LinAlgError:
        multipliers = la.lstsq(gram, gap)[0]
    result: FloatArray = base - np.asarray(cw.T @ multipliers)
    return result
