"""Daily new-ticket counts per queue, heavy-tailed and seasonal like the real load data."""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from ._calendar import period_days
from ._load_profile import FloatMatrix, expected_load
from .hierarchy import MAX_QUEUE_ID, leaf_mask

TICKETS_SCHEMA: Final = pa.schema(
    [("queueId", pa.int64()), ("date", pa.date32()), ("new_tickets", pa.int64())]
)
_LEAF_SHARE: Final = 0.75


def pick_known_queues(
    rng: np.random.Generator, hierarchy: pa.Table, total: int
) -> NDArray[np.int64]:
    """Hierarchy queues with tickets, mostly leaves but some inner ones too."""
    ids = hierarchy.column("queueId").to_numpy()
    leaf = leaf_mask(hierarchy)
    n_leaves = min(round(total * _LEAF_SHARE), int(leaf.sum()))
    leaves = rng.choice(ids[leaf], size=n_leaves, replace=False)
    inner = rng.choice(ids[~leaf], size=total - n_leaves, replace=False)
    return np.sort(np.concatenate([leaves, inner]))


def pick_unknown_queues(
    rng: np.random.Generator, hierarchy: pa.Table, total: int
) -> NDArray[np.int64]:
    """Ids that look real but are missing from the hierarchy (renamed or deleted queues)."""
    candidates = np.setdiff1d(np.arange(1, MAX_QUEUE_ID + 1), hierarchy.column("queueId"))
    return np.sort(rng.choice(candidates, size=total, replace=False))


def _scaled(load: FloatMatrix, total: float) -> FloatMatrix:
    scaled: FloatMatrix = load * (total / load.sum())
    return scaled


def expected_matrix(rng: np.random.Generator, n_known: int, n_unknown: int) -> FloatMatrix:
    """days x queues expectations; unknown-queue columns (last) carry 7.5-8.5% of the total."""
    total = rng.uniform(14.6e6, 15.4e6)
    unknown_share = rng.uniform(0.075, 0.085)
    scale = rng.lognormal(0.0, 1.8, n_known + n_unknown)
    load = expected_load(rng, scale)
    load[:, :n_known] = _scaled(load[:, :n_known], total * (1 - unknown_share))
    load[:, n_known:] = _scaled(load[:, n_known:], total * unknown_share)
    return load


def negative_binomial(rng: np.random.Generator, mean: FloatMatrix) -> NDArray[np.int64]:
    """Poisson-gamma counts: overdispersed like real ticket flows, dispersion per queue."""
    shape = rng.uniform(4.0, 40.0, size=int(mean.shape[1]))[None, :]
    counts: NDArray[np.int64] = rng.poisson(rng.gamma(shape, mean / shape)).astype(np.int64)
    return counts


def to_long(counts: NDArray[np.int64], queue_ids: NDArray[np.int64]) -> pa.Table:
    """Long format sorted by queue then day; zero days have no row."""
    by_queue = counts.T
    order = np.argsort(queue_ids, kind="stable")
    by_queue = by_queue[order]
    q_idx, d_idx = np.nonzero(by_queue)
    columns = [
        pa.array(queue_ids[order][q_idx]),
        pa.array(period_days()[d_idx]),
        pa.array(by_queue[q_idx, d_idx]),
    ]
    return pa.Table.from_arrays(columns, schema=TICKETS_SCHEMA)


def make_tickets(rng: np.random.Generator, hierarchy: pa.Table) -> pa.Table:
    """``queueId``, ``date``, ``new_tickets`` for 2017-01-01..2020-09-30."""
    n_queues, n_unknown = int(rng.integers(815, 846)), int(rng.integers(30, 46))
    known = pick_known_queues(rng, hierarchy, n_queues - n_unknown)
    unknown = pick_unknown_queues(rng, hierarchy, n_unknown)
    mean = expected_matrix(rng, known.size, unknown.size)
    return to_long(negative_binomial(rng, mean), np.concatenate([known, unknown]))
