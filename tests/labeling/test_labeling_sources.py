"""Ticket sources: time-range filtering, row-group skipping, SQL streaming, clear errors."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from labeling_data import SCHEMA, T0, tickets, write_parquet

from tasks_support_system_ai.errors import InvalidInputError, NotFoundError
from tasks_support_system_ai.labeling import (
    ParquetSource,
    SqlSource,
    TicketSource,
    TimeRange,
    split_time_range,
)


def _rows(source: TicketSource, start: datetime, end: datetime, **kwargs: Any) -> pa.Table:
    tables = list(source.batches(start, end, 7, **kwargs))
    assert all(t.column_names == ["id", "created_at", "text"] for t in tables)
    assert all(t.num_rows <= 7 for t in tables)
    return pa.concat_tables(tables) if tables else SCHEMA.empty_table()


def _ids(table: pa.Table) -> list[int]:
    return sorted(table.column("id").to_pylist())


@pytest.fixture
def table() -> pa.Table:
    return tickets(100)  # one ticket a minute from T0


@pytest.fixture
def parquet(table: pa.Table, tmp_path: Path) -> ParquetSource:
    return ParquetSource(write_parquet(table, tmp_path / "t.parquet", row_group_rows=10))


def test_parquet_range_is_half_open_unless_closed(parquet: ParquetSource, table: pa.Table) -> None:
    start, end = T0 + timedelta(minutes=15), T0 + timedelta(minutes=42)
    ids = table.column("id").to_pylist()
    assert _ids(_rows(parquet, start, end)) == sorted(ids[15:42])
    assert _ids(_rows(parquet, start, end, include_end=True)) == sorted(ids[15:43])
    assert parquet.count(start, end) == 27
    assert parquet.count(start, end, include_end=True) == 28
    assert parquet.time_bounds() == (T0, T0 + timedelta(minutes=99))


def test_parquet_batches_are_full_except_the_last(parquet: ParquetSource) -> None:
    sizes = [t.num_rows for t in parquet.batches(T0, T0 + timedelta(minutes=95), 30)]
    assert sizes == [30, 30, 30, 5]


def test_parquet_skips_row_groups_outside_the_range(
    parquet: ParquetSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []
    original = pq.ParquetFile.iter_batches

    def spy(self: pq.ParquetFile, *args: Any, row_groups: list[int], **kwargs: Any) -> Any:
        read.extend(row_groups)
        return original(self, *args, row_groups=row_groups, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    rows = _rows(parquet, T0 + timedelta(minutes=25), T0 + timedelta(minutes=40))
    assert rows.num_rows == 15
    assert read == [2, 3]  # minutes 20-29 and 30-39; group 4 starts exactly at the end


def test_parquet_renames_columns_and_drops_rows_without_id(tmp_path: Path) -> None:
    raw = pa.table(
        {
            "ticket": pa.array([1, None, 3], pa.int64()),
            "opened": pa.array([T0, T0, T0], pa.timestamp("ms")),
            "body": ["a", "b", None],
        }
    )
    source = ParquetSource(write_parquet(raw, tmp_path / "r.parquet"), "ticket", "opened", "body")
    rows = _rows(source, T0, T0, include_end=True)
    assert rows.column("id").to_pylist() == [1, 3]
    assert rows.column("text").to_pylist() == ["a", None]
    assert source.count(T0, T0, include_end=True) == 2


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=60),
    st.integers(1, 6),
    st.integers(1, 20),
)
def test_split_parts_read_every_row_exactly_once(
    tmp_path: Path, seconds: list[int], parts: int, group_rows: int
) -> None:
    times = sorted(T0 + timedelta(seconds=s) for s in seconds)  # duplicates and boundaries too
    table = pa.table(
        [
            pa.array(range(len(times)), pa.int64()),
            pa.array(times, pa.timestamp("us")),
            ["x"] * len(times),
        ],
        schema=SCHEMA,
    )
    source = ParquetSource(write_parquet(table, tmp_path / "h.parquet", group_rows))
    low, high = source.time_bounds()
    seen: list[int] = []
    for time_range in split_time_range(low, high, parts):
        rows = _rows(source, time_range.start, time_range.end, include_end=time_range.closed_end)
        seen.extend(rows.column("id").to_pylist())
    assert sorted(seen) == list(range(len(times)))


@pytest.mark.parametrize("statistics", [True, False])
def test_nanosecond_times_survive_the_trip_through_plan_dicts(
    tmp_path: Path, statistics: bool
) -> None:
    nanos = [1_577_880_000_123_456_789, 1_577_966_400_000_000_000, 1_578_052_800_999_999_999]
    raw = pa.table(
        {"id": [1, 2, 3], "created_at": pa.array(nanos, pa.timestamp("ns")), "text": ["a"] * 3}
    )
    path = tmp_path / "ns.parquet"
    pq.write_table(raw, path, write_statistics=statistics)
    source = ParquetSource(path)
    low, high = source.time_bounds()
    assert (low.microsecond, high) == (123_456, datetime(2020, 1, 3, 12, 0, 1))
    ranges = [TimeRange.from_dict(r.to_dict()) for r in split_time_range(low, high, 2)]
    counts = [source.count(r.start, r.end, include_end=r.closed_end) for r in ranges]
    assert counts == [2, 1]  # the middle row is just before the midpoint


def test_parquet_errors_name_what_is_wrong(tmp_path: Path, table: pa.Table) -> None:
    with pytest.raises(NotFoundError) as missing:
        ParquetSource(tmp_path / "nope.parquet")
    assert missing.value.code == "source_not_found"
    assert "nope.parquet" in missing.value.message
    path = write_parquet(table, tmp_path / "t.parquet")
    with pytest.raises(InvalidInputError) as unknown:
        ParquetSource(path, text_column="body")
    assert unknown.value.code == "unknown_column"
    assert unknown.value.details == {"column": "body", "available": ["id", "created_at", "text"]}
    with pytest.raises(InvalidInputError) as wrong_type:
        ParquetSource(path, time_column="text")
    assert wrong_type.value.code == "invalid_column_type"
    (tmp_path / "junk.parquet").write_bytes(b"not parquet")
    with pytest.raises(InvalidInputError) as junk:
        ParquetSource(tmp_path / "junk.parquet")
    assert junk.value.code == "invalid_source"


def test_empty_parquet_has_no_bounds(tmp_path: Path) -> None:
    source = ParquetSource(write_parquet(SCHEMA.empty_table(), tmp_path / "e.parquet"))
    with pytest.raises(InvalidInputError) as caught:
        source.time_bounds()
    assert caught.value.code == "empty_source"
    assert list(source.batches(T0, T0, 10, include_end=True)) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tickets.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def sql_table(sql_url: str, table: pa.Table) -> Iterator[tuple[str, str]]:
    """The test table under a unique name (the PostgreSQL database is shared by the session)."""
    name = f"tickets_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(sql_url)
    tickets_table = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("ticket_id", sa.BigInteger),
        sa.Column("opened_at", sa.DateTime),
        sa.Column("body", sa.Text),
    )
    tickets_table.create(engine)
    rows = [
        {"ticket_id": i, "opened_at": t, "body": x}
        for i, t, x in zip(*(table.column(c).to_pylist() for c in SCHEMA.names), strict=True)
    ]
    rows.append({"ticket_id": None, "opened_at": T0, "body": "no id"})
    rows.append({"ticket_id": 7, "opened_at": T0, "body": "'); DROP TABLE x; --"})
    with engine.begin() as connection:
        connection.execute(tickets_table.insert(), rows)
    yield sql_url, name
    tickets_table.drop(engine)
    engine.dispose()


def _sql_source(sql_table: tuple[str, str]) -> SqlSource:
    url, name = sql_table
    return SqlSource(url, name, "ticket_id", "opened_at", "body")


def test_sql_source_streams_the_range_in_time_order(
    sql_table: tuple[str, str], table: pa.Table
) -> None:
    source = _sql_source(sql_table)
    start, end = T0 + timedelta(minutes=15), T0 + timedelta(minutes=42)
    rows = _rows(source, start, end)
    assert rows.schema == SCHEMA
    assert rows.column("id").to_pylist() == table.column("id").to_pylist()[15:42]
    assert source.count(start, end) == 27
    assert source.count(start, end, include_end=True) == 28
    assert source.time_bounds() == (T0, T0 + timedelta(minutes=99))
    everything = _rows(source, *source.time_bounds(), include_end=True)
    assert everything.num_rows == 101  # the row without an id is skipped
    assert "'); DROP TABLE x; --" in everything.column("text").to_pylist()
    source.close()


def test_sql_split_parts_read_every_row_exactly_once(sql_table: tuple[str, str]) -> None:
    source = _sql_source(sql_table)
    seen: list[int] = []
    for time_range in split_time_range(*source.time_bounds(), 4):
        rows = _rows(source, time_range.start, time_range.end, include_end=time_range.closed_end)
        seen.extend(rows.column("id").to_pylist())
    assert len(seen) == 101
    assert source.count(*source.time_bounds(), include_end=True) == 101
    source.close()


def test_sql_errors_name_what_is_wrong(sql_table: tuple[str, str], tmp_path: Path) -> None:
    url, name = sql_table
    with pytest.raises(InvalidInputError) as unknown:
        SqlSource(url, name, "ticket_id", "created_at", "body")
    assert unknown.value.code == "unknown_column"
    assert "'created_at'" in unknown.value.message
    assert unknown.value.details["available"] == ["ticket_id", "opened_at", "body"]
    with pytest.raises(InvalidInputError) as wrong_type:
        SqlSource(url, name, "ticket_id", "body", "body")
    assert wrong_type.value.code == "invalid_column_type"
    with pytest.raises(NotFoundError) as no_table:
        SqlSource(url, "no_such_table")
    assert no_table.value.code == "table_not_found"
    assert "no_such_table" in no_table.value.message


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(NotFoundError) as caught:
        SqlSource(f"sqlite:///{path}", "tickets")
    assert caught.value.code == "source_not_found"
    assert not path.exists()


@pytest.mark.parametrize(
    ("id_type", "ids", "expected"),
    [
        (sa.String(20), ["T-2", "T-1"], ["T-2", "T-1"]),
        (sa.Numeric(10, 0), [12, 7], ["12", "7"]),
    ],
)
def test_sql_ids_that_are_not_integers_come_out_as_text(
    tmp_path: Path, id_type: sa.types.TypeEngine[Any], ids: list[Any], expected: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ids.db'}"
    engine = sa.create_engine(url)
    table = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", id_type),
        sa.Column("created_at", sa.DateTime),
        sa.Column("text", sa.Text),
    )
    table.create(engine)
    with engine.begin() as connection:
        rows = [
            {"id": i, "created_at": T0 + timedelta(minutes=k), "text": "x"}
            for k, i in enumerate(ids)
        ]
        connection.execute(table.insert(), rows)
    engine.dispose()
    source = SqlSource(url, "t")
    rows = _rows(source, *source.time_bounds(), include_end=True)
    assert rows.schema.field("id").type == pa.string()
    assert rows.column("id").to_pylist() == expected
    source.close()
