"""Where tickets to label come from: a Parquet file or a SQL table, read a time range at a time.

Every source yields ``pyarrow`` tables with columns ``id``, ``created_at``, ``text`` for rows with
``start <= created_at < end`` (``<= end`` when ``include_end``), so the ranges of
``plan.split_time_range`` cover each row exactly once. Rows without an id are skipped: they
could never be published under a ticket id. Memory stays bounded by the batch size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import NoSuchTableError

from tasks_support_system_ai.errors import InvalidInputError, NotFoundError

OUTPUT_COLUMNS: Final = ("id", "created_at", "text")
# Parquet is decoded in small record batches and re-joined (zero-copy) into ``batch_rows``
# tables: decoding 50k texts at once peaks at several times their size in the string builders.
READ_ROWS: Final = 10_000
READ_BUFFER_BYTES: Final = 1 << 20
"""Pages are read through a 1 MiB buffer instead of a whole column chunk at once (a demo row
group's texts are tens of MB): a labeling process stays small whatever the row-group size."""


@runtime_checkable
class TicketSource(Protocol):
    """A ticket table readable by time range; see the module docstring for the row contract."""

    def time_bounds(self) -> tuple[datetime, datetime]:
        """Earliest and latest ``created_at`` (a superset of the labelled rows is fine)."""
        ...

    def count(self, start: datetime, end: datetime, *, include_end: bool = False) -> int: ...

    def batches(
        self, start: datetime, end: datetime, batch_rows: int, *, include_end: bool = False
    ) -> Iterator[pa.Table]: ...


def _check_batch_rows(batch_rows: int) -> None:
    if batch_rows < 1:
        raise InvalidInputError("batch_rows must be at least 1", code="invalid_batch_rows")


def _unknown_column(column: str, available: Sequence[str], where: str) -> InvalidInputError:
    return InvalidInputError(
        f"Column {column!r} not found in {where}; available: {', '.join(available)}",
        code="unknown_column",
        column=column,
        available=list(available),
    )


def _check_columns(wanted: Iterable[str], available: Sequence[str], where: str) -> None:
    for column in wanted:
        if column not in available:
            raise _unknown_column(column, available, where)


def _empty_source(where: str) -> InvalidInputError:
    return InvalidInputError(f"{where} has no rows to label", code="empty_source")


def rebatch(tables: Iterable[pa.Table], batch_rows: int) -> Iterator[pa.Table]:
    """Exactly ``batch_rows`` rows per table (the last may be shorter), without copying."""
    pending: list[pa.Table] = []
    size = 0
    for table in tables:
        if table.num_rows == 0:
            continue
        pending.append(table)
        size += table.num_rows
        while size >= batch_rows:
            joined = pa.concat_tables(pending)
            yield joined.slice(0, batch_rows)
            rest = joined.slice(batch_rows)
            pending, size = ([rest], rest.num_rows) if rest.num_rows else ([], 0)
    if size:
        yield pa.concat_tables(pending)


class ParquetSource:
    """A Parquet file streamed one row group at a time; row-group statistics skip whole groups."""

    def __init__(
        self,
        path: Path | str,
        id_column: str = "id",
        time_column: str = "created_at",
        text_column: str = "text",
    ) -> None:
        self.path = Path(path)
        self.columns = (id_column, time_column, text_column)
        if not self.path.is_file():
            raise NotFoundError(
                f"Ticket file {str(self.path)!r} does not exist",
                code="source_not_found",
                path=str(self.path),
            )
        with self._open() as file:
            schema = file.schema_arrow
        _check_columns(self.columns, schema.names, f"{self.path.name}")
        self.time_type = schema.field(time_column).type
        if not pa.types.is_timestamp(self.time_type):
            raise InvalidInputError(
                f"Column {time_column!r} must be a timestamp, not {self.time_type}",
                code="invalid_column_type",
                column=time_column,
            )

    def _open(self) -> pq.ParquetFile:
        try:
            return pq.ParquetFile(self.path, pre_buffer=False, buffer_size=READ_BUFFER_BYTES)
        except (pa.ArrowInvalid, OSError) as error:
            raise InvalidInputError(
                f"{self.path.name} is not a readable Parquet file: {error}", code="invalid_source"
            ) from error

    def time_bounds(self) -> tuple[datetime, datetime]:
        """From row-group statistics (a group without them reads its time column only).

        Rounded outwards to whole microseconds, so finer (ns) times stay inside the bounds
        after a trip through ``datetime`` and ISO strings.
        """
        lows, highs = [], []
        with self._open() as file:
            for group in range(file.num_row_groups):
                stats = self._time_stats(file, group) or self._read_min_max(file, group)
                if stats is not None:
                    lows.append(pa.scalar(stats[0], type=self.time_type))
                    highs.append(pa.scalar(stats[1], type=self.time_type))
        if not lows:
            raise _empty_source(self.path.name)
        low = pc.min(pa.array(lows, self.time_type))
        high = pc.max(pa.array(highs, self.time_type))
        return _whole_microsecond(low, up=False), _whole_microsecond(high, up=True)

    def _read_min_max(self, file: pq.ParquetFile, group: int) -> tuple[Any, Any] | None:
        times = file.read_row_group(group, columns=[self.columns[1]]).column(0)
        low, high = pc.min_max(times).values()
        return (low.as_py(), high.as_py()) if low.is_valid else None

    def count(self, start: datetime, end: datetime, *, include_end: bool = False) -> int:
        """Rows in the range, reading only the id and time columns of overlapping groups."""
        window = _Window(start, end, include_end, self.time_type)
        total = 0
        with self._open() as file:
            for group in range(file.num_row_groups):
                if window.may_hold(self._time_stats(file, group)):
                    table = file.read_row_group(group, columns=list(self.columns[:2]))
                    total += int(pc.sum(self._mask(table, window)).as_py() or 0)
        return total

    def batches(
        self, start: datetime, end: datetime, batch_rows: int, *, include_end: bool = False
    ) -> Iterator[pa.Table]:
        _check_batch_rows(batch_rows)
        window = _Window(start, end, include_end, self.time_type)
        return rebatch(self._filtered(window, batch_rows), batch_rows)

    def _filtered(self, window: _Window, batch_rows: int) -> Iterator[pa.Table]:
        with self._open() as file:
            for group in range(file.num_row_groups):
                if window.may_hold(self._time_stats(file, group)):
                    yield from self._group_rows(file, group, window, batch_rows)

    def _group_rows(
        self, file: pq.ParquetFile, group: int, window: _Window, batch_rows: int
    ) -> Iterator[pa.Table]:
        for batch in file.iter_batches(
            batch_size=min(batch_rows, READ_ROWS),
            row_groups=[group],
            columns=list(self.columns),
            use_threads=False,
        ):
            table = pa.Table.from_batches([batch]).select(list(self.columns))
            mask = self._mask(table, window)
            if not pc.all(mask).as_py():  # filtering copies the texts: only when needed
                table = table.filter(mask)
            yield table.rename_columns(list(OUTPUT_COLUMNS))

    def _mask(self, table: pa.Table, window: _Window) -> pa.ChunkedArray:
        ids, times = table.column(self.columns[0]), table.column(self.columns[1])
        return pc.and_kleene(window.contains(times), pc.is_valid(ids)).fill_null(False)

    def _time_stats(self, file: pq.ParquetFile, group: int) -> tuple[Any, Any] | None:
        """(min, max) of the time column in a row group, or None when not recorded."""
        meta = file.metadata.row_group(group)
        for index in range(meta.num_columns):
            column = meta.column(index)
            if column.path_in_schema == self.columns[1]:
                stats = column.statistics
                if stats is None or not stats.has_min_max:
                    return None
                return stats.min, stats.max
        return None


def _whole_microsecond(moment: pa.Scalar, *, up: bool) -> datetime:
    rounded = (pc.ceil_temporal if up else pc.floor_temporal)(moment, unit="microsecond")
    value: datetime = rounded.cast(pa.timestamp("us", tz=moment.type.tz)).as_py()
    return value


class _Window:
    """A time range as pyarrow scalars of the column's type, so comparisons stay in Arrow."""

    def __init__(self, start: datetime, end: datetime, include_end: bool, kind: pa.DataType):
        if end < start:
            raise InvalidInputError(
                f"Time range end {end} is before start {start}", code="invalid_time_range"
            )
        self.start = pa.scalar(start, type=kind)
        self.end = pa.scalar(end, type=kind)
        self.include_end = include_end
        self.kind = kind

    def contains(self, times: pa.ChunkedArray | pa.Array) -> Any:
        upper = pc.less_equal if self.include_end else pc.less
        return pc.and_kleene(pc.greater_equal(times, self.start), upper(times, self.end))

    def may_hold(self, stats: tuple[Any, Any] | None) -> bool:
        """False when a row group's time [min, max] (None: unknown) misses the range."""
        if stats is None:
            return True
        low, high = (pa.scalar(v, type=self.kind) for v in stats)
        above = pc.greater(low, self.end) if self.include_end else pc.greater_equal(low, self.end)
        below = pc.less(high, self.start)
        return not (above.as_py() or below.as_py())


class SqlSource:
    """A SQL table read with SQLAlchemy Core: one parameterised, time-ordered, streamed query.

    ``yield_per`` makes the driver use a server-side cursor (PostgreSQL) or fetch incrementally
    (SQLite), so a part never holds more than one batch of rows.
    """

    def __init__(
        self,
        url: str | Engine,
        table: str,
        id_column: str = "id",
        time_column: str = "created_at",
        text_column: str = "text",
        *,
        schema: str | None = None,
        owns_engine: bool | None = None,
    ) -> None:
        self._owns_engine = not isinstance(url, Engine) if owns_engine is None else owns_engine
        self.engine = url if isinstance(url, Engine) else _engine_for(url)
        self.table = _reflect(self.engine, table, schema)
        names = [c.name for c in self.table.columns]
        _check_columns((id_column, time_column, text_column), names, f"table {table!r}")
        self.id_col, self.time_col, self.text_col = (
            self.table.c[id_column],
            self.table.c[time_column],
            self.table.c[text_column],
        )
        if not isinstance(self.time_col.type, sa.DateTime):
            raise InvalidInputError(
                f"Column {time_column!r} must be a date-time column, not {self.time_col.type}",
                code="invalid_column_type",
                column=time_column,
            )
        self._schema = _arrow_schema(self.id_col, self.time_col)
        self._stringify_ids = _python_type(self.id_col) not in (int, str)

    def close(self) -> None:
        """Release pooled connections (only of an engine this source created)."""
        if self._owns_engine:
            self.engine.dispose()

    def time_bounds(self) -> tuple[datetime, datetime]:
        query = sa.select(sa.func.min(self.time_col), sa.func.max(self.time_col))
        with self.engine.connect() as connection:
            low, high = connection.execute(query).one()
        if low is None or high is None:
            raise _empty_source(f"Table {self.table.name!r}")
        return low, high

    def count(self, start: datetime, end: datetime, *, include_end: bool = False) -> int:
        query = sa.select(sa.func.count()).select_from(self.table)
        query = query.where(*self._where(start, end, include_end))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def batches(
        self, start: datetime, end: datetime, batch_rows: int, *, include_end: bool = False
    ) -> Iterator[pa.Table]:
        _check_batch_rows(batch_rows)
        query = (
            sa.select(self.id_col, self.time_col, self.text_col)
            .where(*self._where(start, end, include_end))
            .order_by(self.time_col, self.id_col)
        )
        with self.engine.connect() as connection:
            result = connection.execution_options(yield_per=batch_rows).execute(query)
            for rows in result.partitions():
                yield self._table(rows)

    def _where(self, start: datetime, end: datetime, include_end: bool) -> list[Any]:
        if end < start:
            raise InvalidInputError(
                f"Time range end {end} is before start {start}", code="invalid_time_range"
            )
        upper = self.time_col <= end if include_end else self.time_col < end
        return [self.time_col >= start, upper, self.id_col.is_not(None)]

    def _table(self, rows: Sequence[Any]) -> pa.Table:
        columns = list(zip(*rows, strict=True))
        if self._stringify_ids:  # e.g. NUMERIC or UUID ids: published as their text
            columns[0] = tuple(None if v is None else str(v) for v in columns[0])
        fields = zip(self._schema, columns, strict=True)
        arrays = [pa.array(values, field.type) for field, values in fields]
        return pa.Table.from_arrays(arrays, schema=self._schema)


def _engine_for(url: str) -> Engine:
    """An engine for ``url``; a missing SQLite file is an error, not a new empty database."""
    parsed = make_url(url)
    database = parsed.database or ""
    memory = database in ("", ":memory:") or database.startswith("file:")
    if parsed.get_backend_name() == "sqlite" and not memory and not Path(database).is_file():
        raise NotFoundError(
            f"SQLite database {database!r} does not exist", code="source_not_found", path=database
        )
    return sa.create_engine(url)


def _reflect(engine: Engine, table: str, schema: str | None) -> sa.Table:
    try:
        return sa.Table(table, sa.MetaData(), autoload_with=engine, schema=schema)
    except NoSuchTableError as error:
        where = f"{schema}.{table}" if schema else table
        raise NotFoundError(
            f"Table {where!r} does not exist in the ticket database",
            code="table_not_found",
            table=where,
        ) from error


def _python_type(column: sa.Column[Any]) -> type:
    try:
        kind: type = column.type.python_type
    except NotImplementedError:
        return object
    return int if issubclass(kind, int) and kind is not bool else kind


def _arrow_schema(id_col: sa.Column[Any], time_col: sa.Column[Any]) -> pa.Schema:
    """Fixed output types, so every batch (and every staging part) has the same schema."""
    id_type = pa.int64() if _python_type(id_col) is int else pa.string()
    timezone = "UTC" if getattr(time_col.type, "timezone", False) else None
    return pa.schema(
        [
            ("id", id_type),
            ("created_at", pa.timestamp("us", tz=timezone)),
            ("text", pa.string()),
        ]
    )
