"""Multi-million-row ticket table for scale tests, written in bounded memory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray
from rich.progress import Progress

from ._hashing import row_integers, row_uniform
from ._io import atomic_target, mark_synthetic
from ._random import rng_for
from ._timeline import hourly_cdf, times_at
from .texts import compose_drafts

DEFAULT_LARGE_TABLE_ROWS: Final = 2_376_186
ROW_GROUP_ROWS: Final = 100_000
DUPLICATE_SHARE: Final = 0.005
LARGE_TABLE_SCHEMA: Final = pa.schema(
    [("id", pa.int64()), ("created_at", pa.timestamp("us")), ("text", pa.string())]
)
_POOL_SIZE: Final = 4_096
_TEXT_SLICE_ROWS: Final = 20_000
_FIRST_ID: Final = 20_000_000
_MAX_RESUBMIT_LAG: Final = 50_000  # rows, roughly a month of tickets
# Sentence tail with a fresh number (prefix, lowest, highest): makes pooled texts distinct.
_TAILS: Final = (
    (" Заявка №", 100_000, 999_999),
    (" Лицевой счёт ", 10**9, 10**10 - 1),
    (" Телефон для связи: 89", 10**8, 10**9 - 1),
    (" Повторное обращение, заявка №", 100_000, 999_999),
)
_HASH_POOL, _HASH_TAIL, _HASH_NUMBER, _HASH_ID, _HASH_TIME = range(5)


@dataclass(frozen=True)
class Resubmissions:
    """Rows that repeat an earlier row's id and text, later in time."""

    rows: NDArray[np.int64]
    sources: NDArray[np.int64]


@dataclass(frozen=True)
class LargeTableStats:
    """What the manifest reports about a written large table."""

    rows: int
    duplicate_ids: int
    row_group_rows: int


def plan_resubmissions(rng: np.random.Generator, rows: int) -> Resubmissions:
    """~0.5% of rows re-submit an earlier, never-repeated ticket."""
    wanted = round(rows * DUPLICATE_SHARE)
    picked = 1 + np.sort(rng.choice(rows - 1, size=min(wanted, rows - 1), replace=False))
    lag = 1 + (rng.random(picked.size) * np.minimum(picked, _MAX_RESUBMIT_LAG)).astype(np.int64)
    sources = picked - lag
    _, first = np.unique(sources, return_index=True)
    keep = np.zeros(picked.size, dtype=bool)
    keep[first] = True
    keep &= ~np.isin(sources, picked)
    return Resubmissions(picked[keep], sources[keep])


def _identity_rows(positions: NDArray[np.int64], plan: Resubmissions) -> NDArray[np.int64]:
    """Row whose id and text each position carries (its source if it is a re-submission)."""
    identity = positions.copy()
    lo, hi = np.searchsorted(plan.rows, [positions[0], positions[-1] + 1])
    identity[plan.rows[lo:hi] - positions[0]] = plan.sources[lo:hi]
    return identity


def _texts(identity: NDArray[np.int64], pool: pa.Array, seed: int) -> pa.Array:
    """Pooled ticket text plus a tail with a row-specific number, built column-wise."""
    tail = row_integers(identity, seed, _HASH_TAIL, len(_TAILS))
    low = np.array([t[1] for t in _TAILS])[tail]
    span = np.array([t[2] - t[1] + 1 for t in _TAILS])[tail]
    number = low + (row_uniform(identity, seed, _HASH_NUMBER) * span).astype(np.int64)
    prefixes = pa.array([t[0] for t in _TAILS]).take(pa.array(tail))
    base = pool.take(pa.array(row_integers(identity, seed, _HASH_POOL, len(pool))))
    numbers = pc.cast(pa.array(number), pa.string())
    return pc.binary_join_element_wise(base, prefixes, numbers, ".", "")


@dataclass(frozen=True)
class TablePlan:
    """Everything fixed up front; each chunk is then a pure function of its row range."""

    rows: int
    seed: int
    pool: pa.Array
    resubmissions: Resubmissions
    cdf: NDArray[np.float64]

    @classmethod
    def make(cls, rows: int, seed: int) -> TablePlan:
        """Text pool and re-submissions from the seed's own stream."""
        rng = rng_for(seed, "large_table")
        pool = pa.array([draft.text for draft in compose_drafts(rng, _POOL_SIZE)], pa.string())
        return cls(rows, seed, pool, plan_resubmissions(rng, rows), hourly_cdf())

    def chunk(self, start: int, stop: int) -> pa.Table:
        """Rows ``start..stop-1``; identical whatever the chunking."""
        positions = np.arange(start, stop, dtype=np.int64)
        identity = _identity_rows(positions, self.resubmissions)
        ids = _FIRST_ID + 3 * identity + row_integers(identity, self.seed, _HASH_ID, 3)
        quantiles = (positions + row_uniform(positions, self.seed, _HASH_TIME)) / self.rows
        columns = [
            pa.array(ids),
            pa.array(times_at(quantiles, self.cdf)),
            self._text_column(identity),
        ]
        return pa.Table.from_arrays(columns, schema=LARGE_TABLE_SCHEMA)

    def _text_column(self, identity: NDArray[np.int64]) -> pa.ChunkedArray:
        """Built in slices: one whole-group intermediate would double peak memory."""
        slices = range(0, identity.size, _TEXT_SLICE_ROWS)
        return pa.chunked_array(
            [_texts(identity[i : i + _TEXT_SLICE_ROWS], self.pool, self.seed) for i in slices],
            pa.string(),
        )


def write_large_table(path: Path, rows: int, seed: int, progress: Progress) -> LargeTableStats:
    """Stream ``rows`` rows into ``path`` one row group at a time (bounded memory)."""
    plan = TablePlan.make(rows, seed)
    task = progress.add_task("large table rows", total=rows)
    schema = mark_synthetic(LARGE_TABLE_SCHEMA, seed)
    with (
        atomic_target(path) as tmp,
        pq.ParquetWriter(tmp, schema, compression="zstd", use_dictionary=False) as writer,
    ):
        for start in range(0, rows, ROW_GROUP_ROWS):
            stop = min(start + ROW_GROUP_ROWS, rows)
            writer.write_table(plan.chunk(start, stop).replace_schema_metadata(schema.metadata))
            progress.advance(task, stop - start)
    return LargeTableStats(rows, int(plan.resubmissions.rows.size), ROW_GROUP_ROWS)
