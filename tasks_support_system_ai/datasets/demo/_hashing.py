"""Counter-based randomness: a row's values depend only on (seed, row), never on chunking."""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

_GOLDEN: Final = 0x9E3779B97F4A7C15
_MUL_1: Final = np.uint64(0xBF58476D1CE4E5B9)
_MUL_2: Final = np.uint64(0x94D049BB133111EB)


def row_hash(rows: NDArray[np.int64], seed: int, stream: int) -> NDArray[np.uint64]:
    """SplitMix64 of the row number, salted by seed and stream (wraps by design)."""
    salt = np.uint64((seed * 1_000_003 + stream) * _GOLDEN % 2**64)
    x = rows.astype(np.uint64) + salt
    x = (x ^ (x >> np.uint64(30))) * _MUL_1
    x = (x ^ (x >> np.uint64(27))) * _MUL_2
    return x ^ (x >> np.uint64(31))


def row_uniform(rows: NDArray[np.int64], seed: int, stream: int) -> NDArray[np.float64]:
    """Uniform [0, 1) per row from the top 53 bits of the hash."""
    return (row_hash(rows, seed, stream) >> np.uint64(11)).astype(np.float64) / 2.0**53


def row_integers(rows: NDArray[np.int64], seed: int, stream: int, high: int) -> NDArray[np.int64]:
    """Integer in [0, high) per row."""
    return (row_hash(rows, seed, stream) % np.uint64(high)).astype(np.int64)
