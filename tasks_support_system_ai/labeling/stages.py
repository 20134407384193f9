"""The two stages of a labeling job: label each time-range part, then publish one result.

``label_part`` writes exactly one staging object per part at a deterministic key, uploaded only
once complete, so a retried or re-run part replaces its earlier output instead of adding to it:
the stage is idempotent and parts can run on different workers. ``publish`` keeps one row per
ticket id (the latest ``created_at`` wins) and writes the result sorted by id. Both work on
narrow Arrow columns (id, time, dictionary-encoded label), never on the texts at once.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tasks_support_system_ai.errors import InvalidInputError, NotFoundError, SupportAIError
from tasks_support_system_ai.labeling._dedup_buckets import (
    DEFAULT_LABEL_KEY,
    EMPTY_SCHEMA,
    WRITE_OPTIONS,
    StagedParts,
    deduplicate,
)
from tasks_support_system_ai.labeling.labelers import ArrowLabeler, Labeler
from tasks_support_system_ai.labeling.plan import TimeRange
from tasks_support_system_ai.labeling.sources import TicketSource
from tasks_support_system_ai.storage.base import ObjectStore, check_key

DEFAULT_BATCH_ROWS: Final = 5_000
"""Rows labeled at a time: twice as many raised a labeling process's peak and gained no speed."""
DEFAULT_BUCKET_ROWS: Final = 500_000


class LabelingCancelled(SupportAIError):  # noqa: N818  # the job layer's name for it
    """``should_stop`` asked a part to stop; nothing was written for it."""

    code = "labeling_cancelled"


@dataclass(frozen=True)
class PartSummary:
    part: int
    key: str
    rows_in: int
    labeled: int
    label_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PublishSummary:
    results_key: str
    rows_in: int
    labeled: int
    deduplicated: int
    duplicates_dropped: int
    label_distribution: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def staging_key(staging_prefix: str, part: int) -> str:
    """The one object a part writes; the same on every retry."""
    return check_key(f"{staging_prefix.rstrip('/')}/part-{part:05d}.parquet")


def label_part(  # noqa: PLR0917  # the job layer passes the six in this order
    source: TicketSource,
    time_range: TimeRange,
    labeler: Labeler,
    objects: ObjectStore,
    staging_prefix: str,
    part: int,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    on_progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PartSummary:
    """Label every row of ``time_range`` into ``{staging_prefix}/part-{part:05d}.parquet``.

    ``on_progress(rows_done)`` runs after each batch; ``should_stop()`` is polled before each
    batch and raises ``LabelingCancelled`` when true, leaving the staging object untouched.
    """
    if part < 0:
        raise InvalidInputError(f"part must be >= 0, got {part}", code="invalid_part")
    key = staging_key(staging_prefix, part)
    counts: Counter[str] = Counter()
    rows = 0
    batches = source.batches(
        time_range.start, time_range.end, batch_rows, include_end=time_range.closed_end
    )
    with tempfile.TemporaryDirectory(prefix="labeling-") as tmp:
        path = Path(tmp) / "part.parquet"
        with _PartWriter(path, labeler.default_label) as writer:
            for batch in _until_stopped(batches, should_stop, part):
                labels = _label_batch(labeler, batch.column("text"))
                writer.write(batch, labels)
                counts.update(_value_counts(labels))
                rows += batch.num_rows
                del batch, labels
                pa.default_memory_pool().release_unused()  # else the allocator keeps peaks
                if on_progress is not None:
                    on_progress(rows)
        objects.put_file(key, path)
    unlabeled = counts.get(labeler.default_label, 0) if labeler.default_label is not None else 0
    return PartSummary(part, key, rows, rows - unlabeled, dict(counts.most_common()))


def _until_stopped(
    batches: Iterator[pa.Table], should_stop: Callable[[], bool] | None, part: int
) -> Iterator[pa.Table]:
    """Poll before each batch: a cancel waits at most one batch's labeling time.

    The source is closed on the way out, so a SQL cursor is released at once on cancel.
    """
    try:
        while True:
            if should_stop is not None and should_stop():
                raise LabelingCancelled(f"Labeling of part {part} was cancelled", part=part)
            batch = next(batches, None)
            if batch is None:
                return
            yield batch
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()


def _label_batch(labeler: Labeler, texts: pa.ChunkedArray) -> pa.Array:
    if isinstance(labeler, ArrowLabeler):
        labels = labeler.label_arrow(texts)
    else:
        labels = labeler.label(texts.fill_null("").to_pylist())
    if len(labels) != len(texts):
        raise SupportAIError(
            f"Labeler returned {len(labels)} labels for {len(texts)} texts",
            code="labeler_mismatch",
        )
    return labels if isinstance(labels, pa.Array) else pa.array(labels, pa.string())


def _value_counts(labels: pa.Array) -> dict[str, int]:
    counts = pc.value_counts(labels)
    return dict(
        zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    )


class _PartWriter:
    """Staging Parquet (id, created_at, label), one row group per batch; empty parts too."""

    def __init__(self, path: Path, default_label: str | None) -> None:
        self.path = path
        self.metadata = {DEFAULT_LABEL_KEY: (default_label or "").encode()}
        self.writer: pq.ParquetWriter | None = None

    def __enter__(self) -> _PartWriter:
        return self

    def write(self, batch: pa.Table, labels: pa.Array) -> None:
        table = pa.Table.from_arrays(
            [batch.column("id"), batch.column("created_at"), labels],
            names=["id", "created_at", "label"],
        )
        if self.writer is None:
            schema = table.schema.with_metadata(self.metadata)
            self.writer = pq.ParquetWriter(self.path, schema, **WRITE_OPTIONS)
        self.writer.write_table(table.replace_schema_metadata(self.metadata))

    def __exit__(self, failed: type[BaseException] | None, *exc: object) -> None:
        if self.writer is None and failed is None:
            schema = EMPTY_SCHEMA.with_metadata(self.metadata)
            self.writer = pq.ParquetWriter(self.path, schema, **WRITE_OPTIONS)
        if self.writer is not None:
            self.writer.close()


def publish(
    objects: ObjectStore,
    staging_prefix: str,
    parts: int | Iterable[int],
    results_key: str,
    *,
    bucket_rows: int = DEFAULT_BUCKET_ROWS,
) -> PublishSummary:
    """One row per ticket id from the staging parts, sorted by id, written to ``results_key``.

    For an id seen more than once the row with the latest ``created_at`` wins; on equal times
    the later part (then the later row) wins. Every listed part must exist: publishing a
    partial job would silently drop tickets. Memory is bounded by ``bucket_rows`` (ids are
    deduplicated one id range at a time), not by the table size.
    """
    keys = _staging_keys(objects, staging_prefix, parts)
    check_key(results_key)
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        paths = [Path(tmp) / f"part-{k}.parquet" for k in range(len(keys))]
        for key, path in zip(keys, paths, strict=True):
            objects.download(key, path)
        result = Path(tmp) / "result.parquet"
        stats = deduplicate(StagedParts(paths), result, bucket_rows)
        objects.put_file(results_key, result)
    distribution = dict(sorted(stats.counts.items(), key=lambda p: (-p[1], p[0])))
    unlabeled = distribution.get(stats.default_label, 0) if stats.default_label else 0
    return PublishSummary(
        results_key,
        stats.rows_in,
        stats.kept - unlabeled,
        stats.kept,
        stats.rows_in - stats.kept,
        distribution,
    )


def _staging_keys(objects: ObjectStore, prefix: str, parts: int | Iterable[int]) -> list[str]:
    numbers = list(range(parts)) if isinstance(parts, int) else sorted(set(parts))
    if not numbers:
        raise InvalidInputError("publish needs at least one part", code="invalid_parts")
    keys = [staging_key(prefix, n) for n in numbers]
    missing = [n for n, key in zip(numbers, keys, strict=True) if not objects.exists(key)]
    if missing:
        shown = ", ".join(str(n) for n in missing[:10])
        raise NotFoundError(
            f"Staging part(s) {shown} missing under {prefix!r} "
            f"(first: {staging_key(prefix, missing[0])}); label them before publishing",
            code="staging_part_missing",
            parts=missing,
        )
    return keys


def discard_staging(objects: ObjectStore, staging_prefix: str) -> int:
    """Delete a job's staging parts (after publishing); returns how many were deleted."""
    keys = [k for k in objects.list(staging_prefix.rstrip("/") + "/") if k.endswith(".parquet")]
    for key in keys:
        objects.delete(key)
    return len(keys)


def sample(objects: ObjectStore, results_key: str, n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` random published rows (all when fewer), in id order, JSON-ready.

    Reads only the row groups holding the picked rows.
    """
    if n < 1:
        raise InvalidInputError(f"Sample size must be at least 1, got {n}", code="invalid_sample")
    with _downloaded(objects, results_key) as path, pq.ParquetFile(path) as file:
        total = file.metadata.num_rows
        picked = np.sort(np.random.default_rng(seed).choice(total, min(n, total), replace=False))
        starts = np.cumsum(
            [0] + [file.metadata.row_group(g).num_rows for g in range(file.num_row_groups)]
        )
        rows: list[dict[str, Any]] = []
        for group in range(file.num_row_groups):
            lo, hi = np.searchsorted(picked, starts[group : group + 2])
            if lo < hi:
                table = file.read_row_group(group).take(pa.array(picked[lo:hi] - starts[group]))
                rows.extend(table.to_pylist())
    return [_json_row(row) for row in rows]


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    created = row.get("created_at")
    return {**row, "created_at": created.isoformat() if created is not None else None}


@contextmanager
def _downloaded(objects: ObjectStore, key: str) -> Iterator[Path]:
    if not objects.exists(key):
        raise NotFoundError(
            f"Labeling results {key!r} not found; publish the job first",
            code="results_not_found",
            key=key,
        )
    with tempfile.TemporaryDirectory(prefix="labeling-") as tmp:
        path = Path(tmp) / "result.parquet"
        objects.download(key, path)
        yield path
