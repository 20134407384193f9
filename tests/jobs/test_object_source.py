"""Labeling sources in S3 (a real S3-compatible server): fetched once, then read locally."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks_support_system_ai.config import S3Settings, Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.errors import NotFoundError


def test_s3_parquet_source_is_fetched_once(tmp_path: Path, s3_endpoint: str) -> None:
    s3 = S3Settings(endpoint=s3_endpoint, access_key="a", secret_key="bbbbbbbb", bucket="tickets")  # type: ignore[arg-type]
    context = build_context(Settings(data_dir=tmp_path, s3=s3, _env_file=None))  # type: ignore[call-arg]
    times = pa.array([datetime(2024, 1, 1, h) for h in range(5)], pa.timestamp("us"))
    table = pa.table({"id": range(5), "created_at": times, "text": ["a", "b", "c", "d", "e"]})
    pq.write_table(table, tmp_path / "t.parquet")
    context.objects.put_file("in/t.parquet", tmp_path / "t.parquet")
    spec = {"kind": "object", "key": "in/t.parquet"}

    source = context.labeling.open_source(spec)
    assert source.count(datetime(2024, 1, 1), datetime(2024, 1, 2)) == 5
    context.objects.delete("in/t.parquet")
    again = context.labeling.open_source(spec)  # the local copy: no second download
    assert again.count(datetime(2024, 1, 1, 2), datetime(2024, 1, 2)) == 3
    assert not list((tmp_path / "cache").rglob("*.part"))
    with pytest.raises(NotFoundError) as missing:
        context.labeling.open_source({"kind": "object", "key": "in/other.parquet"})
    assert missing.value.code == "source_not_found"
    context.close()
