"""Entry points: write the whole demo set, or just the large table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from ...errors import InvalidInputError
from ._io import write_json, write_parquet
from ._progress import make_progress
from ._random import rng_for
from .files import DemoFiles
from .hierarchy import make_hierarchy
from .large_table import DEFAULT_LARGE_TABLE_ROWS, LargeTableStats, write_large_table
from .manifest import build_manifest, summarise_tables
from .texts import make_ticket_texts
from .tickets import make_tickets


def _check(seed: int, rows: int, *, allow_zero: bool) -> None:
    if seed < 0:
        raise InvalidInputError("seed must be non-negative", seed=seed)
    if rows < 0 or (rows == 0 and not allow_zero):
        raise InvalidInputError("row count out of range", rows=rows)


def _known_ticket_queues(tickets: pa.Table, hierarchy: pa.Table) -> NDArray[np.int64]:
    """Hierarchy queues that receive tickets: where labelled texts plausibly land."""
    with_tickets = pc.unique(tickets["queueId"]).to_numpy()
    return np.intersect1d(with_tickets, hierarchy["queueId"].to_numpy())


def _make_tables(seed: int, show_progress: bool) -> dict[str, pa.Table]:
    """The three small tables, each from its own random stream."""
    with make_progress(show_progress) as progress:
        task = progress.add_task("demo tables", total=3)
        hierarchy = make_hierarchy(rng_for(seed, "hierarchy"))
        progress.advance(task)
        tickets = make_tickets(rng_for(seed, "tickets"), hierarchy)
        progress.advance(task)
        queues = _known_ticket_queues(tickets, hierarchy)
        texts = make_ticket_texts(rng_for(seed, "ticket_texts"), queues)
        progress.advance(task)
    return {"hierarchy": hierarchy, "tickets": tickets, "ticket_texts": texts}


def _write_tables(files: DemoFiles, seed: int, show_progress: bool) -> dict[str, Any]:
    """Write the small tables and return their manifest summaries (tables are freed after)."""
    tables = _make_tables(seed, show_progress)
    for name, table in tables.items():
        write_parquet(table, getattr(files, name), seed)
    return summarise_tables(tables)


def _write_large(path: Path, rows: int, seed: int, show_progress: bool) -> LargeTableStats:
    with make_progress(show_progress) as progress:
        return write_large_table(path, rows, seed, progress)


def generate_large_table(
    path: Path, *, rows: int = DEFAULT_LARGE_TABLE_ROWS, seed: int = 42, progress: bool = True
) -> Path:
    """Write only the large table (scale tests for ingestion and batch jobs)."""
    _check(seed, rows, allow_zero=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_large(path, rows, seed, progress)
    return path


def generate_demo(
    out_dir: Path, *, seed: int = 42, large_table_rows: int = 0, progress: bool = True
) -> DemoFiles:
    """Write the synthetic demo set into ``out_dir``; the same seed gives the same data."""
    _check(seed, large_table_rows, allow_zero=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = DemoFiles.in_dir(out_dir, with_large_table=large_table_rows > 0)
    summaries = _write_tables(files, seed, progress)
    large = None
    if files.large_table is not None:
        large = _write_large(files.large_table, large_table_rows, seed, progress)
    write_json(build_manifest(seed, files, summaries, large), files.manifest)
    return files
