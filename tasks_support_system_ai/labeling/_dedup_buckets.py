"""Deduplicating downloaded staging parts in bounded memory, one id range ("bucket") at a time.

Split points come from a strided sample of the ids, so each bucket holds about ``bucket_rows``
staged rows whatever the table size or id type. Every id falls in exactly one bucket, and
buckets are processed in id order, so writing them one after another gives a file sorted by id.
Each bucket pass re-reads the narrow (id, created_at, label) parts, skipping row groups whose
id statistics lie outside the bucket; that costs a little I/O and saves holding every row.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tasks_support_system_ai.errors import InvalidInputError

DEFAULT_LABEL_KEY: Final = b"labeling.default_label"
EMPTY_SCHEMA: Final = pa.schema(
    [("id", pa.int64()), ("created_at", pa.timestamp("us")), ("label", pa.string())]
)
SAMPLE_ROWS: Final = 100_000
RESULT_ROW_GROUP_ROWS: Final = 250_000
# Only labels repeat: dictionary-encoding unique ids and times just grows a hash table
# (outside Arrow's pool, growing with each row group) until Parquet gives up on it.
WRITE_OPTIONS: Final[dict[str, Any]] = {"compression": "zstd", "use_dictionary": ["label"]}


@dataclass
class DedupStats:
    rows_in: int = 0
    kept: int = 0
    default_label: str = ""
    counts: Counter[str] = field(default_factory=Counter)


class StagedParts:
    """Local staging files in part order, read one row group at a time."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.rows = 0
        self.default_label = ""
        self.schema: pa.Schema | None = None
        for path in paths:
            self._inspect(path)

    def _inspect(self, path: Path) -> None:
        meta = pq.read_metadata(path)
        schema = pq.read_schema(path).remove_metadata()
        labels = (pq.read_schema(path).metadata or {}).get(DEFAULT_LABEL_KEY, b"")
        self.default_label = self.default_label or labels.decode()
        self.rows += meta.num_rows
        if meta.num_rows == 0:
            return
        if self.schema is None:
            self.schema = schema
        elif not schema.equals(self.schema):
            raise InvalidInputError(
                f"Staging part {path.name} has columns {schema} unlike {self.schema}",
                code="staging_schema_mismatch",
            )

    def groups(self, columns: list[str], bucket: Bucket | None = None) -> Iterator[pa.Table]:
        """Row groups (narrow columns, labels dictionary-encoded) that may hold ``bucket`` ids."""
        for path in self.paths:
            with pq.ParquetFile(path, read_dictionary=["label"]) as file:
                for group in range(file.num_row_groups):
                    if bucket is None or bucket.may_hold(_id_stats(file, group)):
                        yield file.read_row_group(group, columns=columns, use_threads=False)


@dataclass(frozen=True)
class Bucket:
    """Ids ``low <= id < high``; ``None`` is unbounded."""

    low: pa.Scalar | None
    high: pa.Scalar | None

    def mask(self, ids: pa.ChunkedArray) -> Any:
        conditions = []
        if self.low is not None:
            conditions.append(pc.greater_equal(ids, self.low))
        if self.high is not None:
            conditions.append(pc.less(ids, self.high))
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else pc.and_(*conditions)

    def may_hold(self, stats: tuple[Any, Any] | None) -> bool:
        if stats is None:
            return True
        low, high = stats
        below = self.low is not None and high < self.low.as_py()
        above = self.high is not None and low >= self.high.as_py()
        return not (below or above)


def _id_stats(file: pq.ParquetFile, group: int) -> tuple[Any, Any] | None:
    column = file.metadata.row_group(group).column(0)
    stats = column.statistics
    if column.path_in_schema != "id" or stats is None or not stats.has_min_max:
        return None
    return stats.min, stats.max


def buckets(staged: StagedParts, bucket_rows: int) -> list[Bucket]:
    """Id ranges of about ``bucket_rows`` staged rows each, from a strided sample of ids."""
    count = math.ceil(staged.rows / max(bucket_rows, 1))
    if count <= 1:
        return [Bucket(None, None)]
    sample = _sorted_sample(staged)
    picks = [sample[len(sample) * k // count] for k in range(1, count)]
    points = [p for k, p in enumerate(picks) if k == 0 or p != picks[k - 1]]
    edges: list[pa.Scalar | None] = [None, *points, None]
    return [Bucket(edges[k], edges[k + 1]) for k in range(len(edges) - 1)]


def _sorted_sample(staged: StagedParts) -> pa.Array:
    step = max(1, staged.rows // SAMPLE_ROWS)
    pieces = []
    for table in staged.groups(["id"]):
        ids = table.column(0).combine_chunks()
        pieces.append(ids.take(pa.array(np.arange(0, len(ids), step))))
    sample = pa.concat_arrays(pieces)
    return sample.take(pc.sort_indices(sample))


def deduplicate(staged: StagedParts, path: Path, bucket_rows: int) -> DedupStats:
    """Write the latest row of every id to ``path``, sorted by id, a bucket at a time."""
    stats = DedupStats(rows_in=staged.rows, default_label=staged.default_label)
    schema = staged.schema or EMPTY_SCHEMA
    out_schema = schema.set(schema.get_field_index("label"), pa.field("label", pa.string()))
    with pq.ParquetWriter(path, out_schema, **WRITE_OPTIONS) as writer:
        if staged.schema is None:
            writer.write_table(out_schema.empty_table())
            return stats
        for bucket in buckets(staged, bucket_rows):
            winners = _bucket_winners(staged, bucket)
            stats.kept += winners.num_rows
            stats.counts.update(_label_counts(winners.column("label")))
            for start in range(0, winners.num_rows, RESULT_ROW_GROUP_ROWS):
                writer.write_table(winners.slice(start, RESULT_ROW_GROUP_ROWS).cast(out_schema))
            pa.default_memory_pool().release_unused()
    return stats


def _bucket_winners(staged: StagedParts, bucket: Bucket) -> pa.Table:
    """The bucket's rows in part/row order, then one winner per id."""
    tables = []
    for table in staged.groups(["id", "created_at", "label"], bucket):
        mask = bucket.mask(table.column("id"))
        tables.append(table if mask is None else table.filter(mask))
    if not tables:
        return _empty_like(staged)
    rows = pa.concat_tables(tables).unify_dictionaries()
    del tables
    winners = latest_per_id(rows)
    columns = {}
    for name in rows.column_names:  # drop each staged column once taken: one copy at a time
        columns[name] = rows.column(name).take(winners)
        rows = rows.drop_columns([name])
    return pa.table(columns)


def _empty_like(staged: StagedParts) -> pa.Table:
    schema = staged.schema or EMPTY_SCHEMA
    label = pa.field("label", pa.dictionary(pa.int32(), pa.string()))
    return schema.set(schema.get_field_index("label"), label).empty_table()


def latest_per_id(staged: pa.Table) -> pa.Array:
    """Row positions of each id's winner, in id order.

    The sort is stable, so within one (id, created_at) the concatenation order (part, then
    row) is kept and the last row of each id run is the winner.
    """
    if staged.num_rows == 0:
        return pa.array([], pa.uint64())
    order = pc.sort_indices(
        staged.select(["id", "created_at"]),
        sort_keys=[("id", "ascending"), ("created_at", "ascending")],
    )
    ids = staged.column("id").take(order)
    last = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
    del ids
    return order.filter(pa.concat_arrays([*last.chunks, pa.array([True])]))


def _label_counts(labels: pa.ChunkedArray) -> dict[str, int]:
    counts = pc.value_counts(labels)
    values = counts.field("values")
    names = values.dictionary_decode() if pa.types.is_dictionary(values.type) else values
    return dict(zip(names.to_pylist(), counts.field("counts").to_pylist(), strict=True))
