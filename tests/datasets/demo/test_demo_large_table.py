"""The large table: row groups, sorted times, rare re-submitted ids, bounded-memory chunking."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks_support_system_ai.datasets.demo import DEFAULT_LARGE_TABLE_ROWS, generate_large_table
from tasks_support_system_ai.datasets.demo.large_table import ROW_GROUP_ROWS, TablePlan
from tasks_support_system_ai.errors import InvalidInputError

ROWS = 250_000


@pytest.fixture(scope="module")
def large_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.parquet"
    return generate_large_table(path, rows=ROWS, seed=42, progress=False)


@pytest.fixture(scope="module")
def large(large_path: Path) -> pd.DataFrame:
    return pd.read_parquet(large_path)


def test_default_row_count() -> None:
    assert DEFAULT_LARGE_TABLE_ROWS == 2_376_186


def test_schema_metadata_and_row_groups(large_path: Path) -> None:
    parquet = pq.ParquetFile(large_path)
    schema = parquet.schema_arrow
    assert schema.metadata[b"synthetic"] == b"true"
    assert schema.metadata[b"seed"] == b"42"
    assert schema.field("created_at").type == pa.timestamp("us")
    assert parquet.metadata.num_rows == ROWS
    assert parquet.metadata.num_row_groups == math.ceil(ROWS / ROW_GROUP_ROWS)
    assert parquet.metadata.row_group(0).num_rows == ROW_GROUP_ROWS


def test_sorted_over_the_period(large: pd.DataFrame) -> None:
    created = large["created_at"]
    assert created.is_monotonic_increasing
    assert created.iloc[0] < pd.Timestamp("2017-01-03")
    assert created.iloc[-1] > pd.Timestamp("2020-09-28")


def test_about_half_a_percent_of_ids_repeat_once(large: pd.DataFrame) -> None:
    counts = large["id"].value_counts()
    assert counts.max() == 2
    assert 0.004 <= (counts == 2).sum() / len(counts) <= 0.006


def test_resubmission_repeats_text_later(large: pd.DataFrame) -> None:
    repeated = large[large["id"].duplicated(keep=False)].groupby("id")
    assert (repeated["text"].nunique() == 1).all()
    assert (repeated["created_at"].agg(lambda s: s.iloc[1] > s.iloc[0])).all()


def test_texts_vary(large: pd.DataFrame) -> None:
    assert large["text"].nunique() > 0.99 * large["id"].nunique()
    assert large["text"].str.len().between(200, 550).all()


def test_chunking_does_not_change_rows() -> None:
    plan = TablePlan.make(10_000, seed=3)
    whole = plan.chunk(0, 10_000)
    pieces = pa.concat_tables([plan.chunk(0, 3_333), plan.chunk(3_333, 10_000)])
    assert whole.equals(pieces)


def test_same_seed_same_file(large_path: Path, tmp_path: Path) -> None:
    again = generate_large_table(tmp_path / "again.parquet", rows=ROWS, seed=42, progress=False)
    assert pq.read_table(again).equals(pq.read_table(large_path))
    other = generate_large_table(tmp_path / "other.parquet", rows=1_000, seed=7, progress=False)
    assert not np.array_equal(
        pq.read_table(other)["text"].to_numpy(),
        pq.read_table(large_path)["text"][:1_000].to_numpy(),
    )


def test_rejects_empty_table(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        generate_large_table(tmp_path / "x.parquet", rows=0, progress=False)
