"""label_part + publish end to end: one row per id, latest wins, retries, cancel, sample."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from labeling_data import SCHEMA, T0, tickets, write_parquet

from tasks_support_system_ai.errors import InvalidInputError, NotFoundError
from tasks_support_system_ai.labeling import (
    KeywordRules,
    LabelingCancelled,
    ParquetSource,
    PublishSummary,
    RuleLabeler,
    TimeRange,
    discard_staging,
    label_part,
    publish,
    sample,
    split_time_range,
)
from tasks_support_system_ai.storage import LocalObjectStore

PREFIX = "labeling/job-1/staging"
RESULTS = "labeling/job-1/result.parquet"
ROWS, RESUBMITTED = 600, 40


@pytest.fixture
def table() -> pa.Table:
    return tickets(ROWS, seed=1, resubmit=RESUBMITTED)


@pytest.fixture
def source(table: pa.Table, tmp_path: Path) -> ParquetSource:
    return ParquetSource(write_parquet(table, tmp_path / "tickets.parquet", row_group_rows=64))


def _label_all(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore, parts: int
) -> list[Any]:
    ranges = split_time_range(*source.time_bounds(), parts)
    labeler = RuleLabeler(rules)
    return [
        label_part(source, r, labeler, objects, PREFIX, k, batch_rows=50)
        for k, r in enumerate(ranges)
    ]


def _result(objects: LocalObjectStore, tmp_path: Path) -> pa.Table:
    objects.download(RESULTS, tmp_path / "result.parquet")
    return pq.read_table(tmp_path / "result.parquet")


def _expected_winners(table: pa.Table, rules: KeywordRules) -> dict[int, tuple[datetime, str]]:
    """Latest row per id (rows are in time order), labelled in plain Python."""
    labels = rules.label(table.column("text").to_pylist()).tolist()
    ids, times = table.column("id").to_pylist(), table.column("created_at").to_pylist()
    rows = zip(ids, times, labels, strict=True)
    return {i: (t, label) for i, t, label in rows}


@pytest.mark.parametrize("bucket_rows", [1_000_000, 97, 5])  # one id range, several, many
def test_every_id_once_and_the_latest_row_wins(
    *,
    source: ParquetSource,
    rules: KeywordRules,
    objects: LocalObjectStore,
    table: pa.Table,
    tmp_path: Path,
    bucket_rows: int,
) -> None:
    summaries = _label_all(source, rules, objects, parts=3)
    assert sum(s.rows_in for s in summaries) == ROWS
    assert objects.list(PREFIX) == [f"{PREFIX}/part-0000{k}.parquet" for k in range(3)]

    summary = publish(objects, PREFIX, 3, RESULTS, bucket_rows=bucket_rows)
    result = _result(objects, tmp_path)
    expected = _expected_winners(table, rules)
    assert result.column_names == ["id", "created_at", "label"]
    assert result.schema.field("label").type == pa.string()
    assert result.column("id").to_pylist() == sorted(expected)
    assert {i: (t, lab) for i, t, lab in zip(*result.to_pydict().values(), strict=True)} == expected
    assert summary.rows_in == ROWS
    assert summary.deduplicated == ROWS - RESUBMITTED
    assert summary.duplicates_dropped == RESUBMITTED
    assert sum(summary.label_distribution.values()) == summary.deduplicated
    assert summary.labeled == summary.deduplicated - summary.label_distribution["unlabeled"]


def test_retried_part_replaces_its_output(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore
) -> None:
    first = _label_all(source, rules, objects, parts=3)
    published = publish(objects, PREFIX, 3, RESULTS)
    time_range = split_time_range(*source.time_bounds(), 3)[1]
    again = label_part(source, time_range, RuleLabeler(rules), objects, PREFIX, 1, batch_rows=17)
    assert again == first[1]
    assert len(objects.list(PREFIX)) == 3
    assert publish(objects, PREFIX, range(3), RESULTS) == published


def test_part_summary_counts_labels(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore, table: pa.Table
) -> None:
    whole = TimeRange(*source.time_bounds(), closed_end=True)
    progress: list[int] = []
    summary = label_part(
        source,
        whole,
        RuleLabeler(rules),
        objects,
        PREFIX,
        0,
        batch_rows=128,
        on_progress=progress.append,
    )
    assert progress == [128, 256, 384, 512, 600]
    assert summary.key == f"{PREFIX}/part-00000.parquet"
    assert summary.rows_in == ROWS
    assert sum(summary.label_counts.values()) == ROWS
    assert summary.labeled == ROWS - summary.label_counts["unlabeled"]
    assert summary.to_dict()["label_counts"] == summary.label_counts


def test_cancel_stops_before_the_next_batch_and_writes_nothing(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore
) -> None:
    whole = TimeRange(*source.time_bounds(), closed_end=True)
    progress: list[int] = []
    with pytest.raises(LabelingCancelled) as caught:
        label_part(
            source,
            whole,
            RuleLabeler(rules),
            objects,
            PREFIX,
            2,
            batch_rows=100,
            on_progress=progress.append,
            should_stop=lambda: len(progress) >= 2,
        )
    assert caught.value.code == "labeling_cancelled"
    assert caught.value.details == {"part": 2}
    assert progress == [100, 200]
    assert objects.list() == []


def test_publish_requires_every_part(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore
) -> None:
    _label_all(source, rules, objects, parts=3)
    objects.delete(f"{PREFIX}/part-00001.parquet")
    with pytest.raises(NotFoundError) as caught:
        publish(objects, PREFIX, 3, RESULTS)
    assert caught.value.code == "staging_part_missing"
    assert caught.value.details == {"parts": [1]}
    assert "part-00001" in caught.value.message
    assert not objects.exists(RESULTS)


class ListSource:
    """A source replaying fixed tables (whatever the range): order of rows is under test."""

    def __init__(self, *tables: pa.Table) -> None:
        self.tables = tables

    def time_bounds(self) -> tuple[datetime, datetime]:
        return T0, T0

    def count(self, start: datetime, end: datetime, *, include_end: bool = False) -> int:
        return sum(t.num_rows for t in self.tables)

    def batches(
        self, start: datetime, end: datetime, batch_rows: int, *, include_end: bool = False
    ) -> Iterator[pa.Table]:
        return iter(self.tables)


def _rows(*rows: tuple[int, datetime, str]) -> pa.Table:
    return pa.table([list(c) for c in zip(*rows, strict=True)], schema=SCHEMA)


def test_ties_on_time_go_to_the_later_part_then_row(
    rules: KeywordRules, objects: LocalObjectStore, tmp_path: Path
) -> None:
    later = T0 + timedelta(hours=1)
    part0 = ListSource(_rows((1, later, "платёж"), (2, T0, "платёж"), (1, T0, "роуминг")))
    part1 = ListSource(_rows((1, later, "интернет"), (2, T0, "роуминг")), _rows((2, T0, "пароль")))
    labeler = RuleLabeler(rules)
    whole = TimeRange(T0, later, closed_end=True)
    for part, source in enumerate((part0, part1)):
        label_part(source, whole, labeler, objects, PREFIX, part)
    summary = publish(objects, PREFIX, 2, RESULTS)
    result = _result(objects, tmp_path).to_pylist()
    assert result == [
        {"id": 1, "created_at": later, "label": "internet"},
        {"id": 2, "created_at": T0, "label": "access"},
    ]
    assert summary == PublishSummary(RESULTS, 6, 2, 2, 4, {"access": 1, "internet": 1})


def test_string_ids_split_into_id_ranges(
    rules: KeywordRules, objects: LocalObjectStore, tmp_path: Path
) -> None:
    schema = pa.schema(
        [("id", pa.string()), ("created_at", pa.timestamp("us")), ("text", pa.string())]
    )
    ids = [f"T-{k % 50:03d}" for k in range(120)]  # 50 ids, most seen 2-3 times
    times = [T0 + timedelta(minutes=k) for k in range(120)]
    texts = ["платёж" if k >= 100 else "роуминг" for k in range(120)]
    source = ListSource(pa.table([ids, times, texts], schema=schema))
    whole = TimeRange(T0, times[-1], closed_end=True)
    label_part(source, whole, RuleLabeler(rules), objects, PREFIX, 0)
    summary = publish(objects, PREFIX, 1, RESULTS, bucket_rows=16)
    result = _result(objects, tmp_path)
    assert result.column("id").to_pylist() == sorted(set(ids))
    last_seen = [max(k for k in range(120) if k % 50 == j) for j in range(50)]
    assert result.column("created_at").to_pylist() == [times[k] for k in last_seen]
    assert summary.label_distribution == {"billing": 20, "roaming": 30}


def test_empty_parts_publish_fine(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore, tmp_path: Path
) -> None:
    nothing = TimeRange(T0 - timedelta(days=2), T0 - timedelta(days=1))
    empty = label_part(source, nothing, RuleLabeler(rules), objects, PREFIX, 0)
    assert (empty.rows_in, empty.labeled, empty.label_counts) == (0, 0, {})
    summary = publish(objects, PREFIX, 1, RESULTS)
    assert (summary.rows_in, summary.deduplicated, summary.label_distribution) == (0, 0, {})
    assert _result(objects, tmp_path).num_rows == 0


def test_sample_returns_published_rows(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore, tmp_path: Path
) -> None:
    _label_all(source, rules, objects, parts=2)
    publish(objects, PREFIX, 2, RESULTS)
    published = {row["id"]: row for row in _result(objects, tmp_path).to_pylist()}

    rows = sample(objects, RESULTS, 25, seed=4)
    assert len(rows) == 25
    assert len({r["id"] for r in rows}) == 25
    for row in rows:
        original = published[row["id"]]
        assert row == {**original, "created_at": original["created_at"].isoformat()}
    assert sample(objects, RESULTS, 25, seed=4) == rows
    assert len(sample(objects, RESULTS, 10_000, seed=0)) == len(published)


def test_sample_errors(objects: LocalObjectStore) -> None:
    with pytest.raises(NotFoundError) as missing:
        sample(objects, RESULTS, 5, seed=0)
    assert missing.value.code == "results_not_found"
    with pytest.raises(InvalidInputError):
        sample(objects, RESULTS, 0, seed=0)


def test_discard_staging_removes_only_the_parts(
    source: ParquetSource, rules: KeywordRules, objects: LocalObjectStore
) -> None:
    _label_all(source, rules, objects, parts=2)
    publish(objects, PREFIX, 2, RESULTS)
    assert discard_staging(objects, PREFIX) == 2
    assert objects.list() == [RESULTS]
