"""Atomic writes and the synthetic-data markers every demo file carries."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

GENERATOR_NAME: Final = "support-ai demo"
PARQUET_COMPRESSION: Final = "zstd"


def demo_metadata(seed: int) -> dict[bytes, bytes]:
    """Schema metadata that lets any reader tell demo data from real data."""
    return {
        b"synthetic": b"true",
        b"generator": GENERATOR_NAME.encode(),
        b"seed": str(seed).encode(),
    }


def mark_synthetic(schema: pa.Schema, seed: int) -> pa.Schema:
    """``schema`` with the demo markers added to whatever metadata it had."""
    return schema.with_metadata({**(schema.metadata or {}), **demo_metadata(seed)})


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Temp path next to ``path``; renamed over it only if the block succeeds."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(table: pa.Table, path: Path, seed: int) -> Path:
    """Write ``table`` atomically, marked synthetic."""
    marked = table.replace_schema_metadata(mark_synthetic(table.schema, seed).metadata)
    with atomic_target(path) as tmp:
        pq.write_table(marked, tmp, compression=PARQUET_COMPRESSION)
    return path


def write_json(payload: dict[str, Any], path: Path) -> Path:
    """Write ``payload`` atomically as pretty UTF-8 JSON."""
    with atomic_target(path) as tmp:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
