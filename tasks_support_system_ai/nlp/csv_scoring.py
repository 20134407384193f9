"""Score a CSV of tickets: the same CSV back with a ``prediction`` column, block by block.

Arrow parses in C++, 1 MB at a time whatever the file size, and rows are written with Arrow's
string kernels; the stdlib ``csv`` module took a third of the scoring time. Every
value is read as a string and written back as the ``csv`` module would (quoted only when it holds
a comma, a quote or a line break), so ids like "007" come back unchanged. ``check_csv`` reads
the whole file once before scoring starts, so a caller can still answer with a clear error
instead of breaking off a response halfway; when Arrow rejects a file, a plain Python pass finds
the line and the reason to report.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tasks_support_system_ai.errors import InvalidInputError

if TYPE_CHECKING:
    import _csv

PREDICTION: Final = "prediction"
BLOCK_BYTES: Final = 1 << 20
"""Below ``memory``'s mapping threshold, so a block's buffers reuse the heap (see there)."""
_UTF8_BLOCK: Final = 1 << 20
_QUOTE_IF: Final = r'[,"\r\n]'  # the ``csv`` module's minimal quoting, and \r too
#: Cells a spreadsheet would run as a formula (CSV injection); written with a ``'`` in front.
FORMULA_START: Final = r"^[=+\-@\t\r]"
_PARSE: Final = pacsv.ParseOptions(newlines_in_values=True)
csv.field_size_limit(1 << 30)  # a ticket may be long; the upload size limit bounds it anyway


def check_csv(stream: BinaryIO, column: str) -> None:
    """UTF-8, a header naming ``column`` once, and every row as wide as the header; rewinds."""
    try:
        for _ in _batches(stream, column, BLOCK_BYTES):
            pass
    except pa.ArrowInvalid as error:
        stream.seek(0)
        _explain(stream)
        raise InvalidInputError(
            f"The CSV cannot be read: {str(error).removeprefix('CSV parse error: ')}",
            code="malformed_csv",
        ) from None
    finally:
        stream.seek(0)


def score_csv(
    stream: BinaryIO,
    column: str,
    predict: Callable[[pa.Array], pa.Array],
    block_bytes: int = BLOCK_BYTES,
    *,
    formula_guard: bool = True,
) -> Iterator[bytes]:
    """The header, then each block of rows with its predictions, as CSV (checked input).

    With ``formula_guard`` every cell starting like a formula (``=``, ``+``, ``-``, ``@``, tab,
    CR), predictions included, gets a ``'`` prefix so spreadsheets show it as text."""
    for number, batch in enumerate(_batches(stream, column, block_bytes)):
        if number == 0:
            names = [*batch.schema.names, PREDICTION]
            if formula_guard:
                names = [f"'{n}" if re.match(FORMULA_START, n) else n for n in names]
            yield _csv_line(names).encode()
        columns = [*batch.columns, predict(batch.column(column))]
        yield _csv_rows([_neutralised(c) for c in columns] if formula_guard else columns)


def _neutralised(column: pa.Array) -> pa.Array:
    formula = pc.match_substring_regex(column, FORMULA_START)
    return pc.if_else(formula, pc.binary_join_element_wise("'", column, ""), column)


def _csv_rows(columns: list[pa.Array]) -> bytes:
    """Rows of equally long string columns as CSV lines, built by Arrow kernels."""
    if not len(columns[0]):
        return b""
    fields = [pc.if_else(pc.match_substring_regex(c, _QUOTE_IF), _quoted(c), c) for c in columns]
    lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*fields, ","), "", "\n")
    _, offsets, data = lines.buffers()
    end = int(np.frombuffer(offsets, np.int32, count=1, offset=4 * len(lines))[0])
    return b"" if data is None else data.slice(0, end).to_pybytes()


def _quoted(column: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")


def _csv_line(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def _batches(stream: BinaryIO, column: str, block_bytes: int) -> Iterator[pa.RecordBatch]:
    """Record batches of string columns; a header-only file gives one empty batch."""
    names = _header(stream, column)
    stream.seek(0)
    reader = pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(block_size=block_bytes),
        parse_options=_PARSE,
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )
    try:
        empty = True
        for batch in reader:
            empty = False
            yield batch
        if empty:
            yield pa.RecordBatch.from_pylist([], schema=reader.schema)
    finally:
        reader.close()  # its read-ahead thread must not read the stream after this


def _header(stream: BinaryIO, column: str) -> list[str]:
    """The column names, read by the ``csv`` module: an Arrow reader opened only for them
    would go on reading the stream ahead in the background while the next one reads it."""
    stream.seek(0)
    try:
        with _csv_reader(stream) as reader:
            names = next((row for row in reader if row), None)
    except UnicodeDecodeError:
        stream.seek(0)
        _check_utf8(stream)
        raise
    if names is None:
        raise InvalidInputError("The CSV file is empty", code="empty_file")
    if column not in names:
        raise InvalidInputError(
            f"The CSV has no {column!r} column; columns: {', '.join(names)}",
            code="missing_columns",
            missing=[column],
        )
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        raise InvalidInputError(
            f"The CSV header names {', '.join(map(repr, twice))} more than once",
            code="malformed_csv",
        )
    return names


def _explain(stream: BinaryIO) -> None:
    """Raise the first problem a plain Python reading finds: bad UTF-8, or a row's width."""
    _check_utf8(stream)
    with _csv_reader(stream) as reader:
        rows = (row for row in reader if row)
        width = len(next(rows, []))
        for row in rows:
            if len(row) != width:
                raise InvalidInputError(
                    f"CSV line {reader.line_num} has {len(row)} fields; the header has {width}",
                    code="malformed_csv",
                    line=reader.line_num,
                )


@contextmanager
def _csv_reader(stream: BinaryIO) -> Iterator[_csv.Reader]:
    """The ``csv`` module reading the stream as UTF-8 text; the stream stays open after."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        yield reader
    except csv.Error as error:
        raise InvalidInputError(
            f"CSV line {reader.line_num} cannot be read: {error}", code="malformed_csv"
        ) from None
    finally:
        text.detach()


def _check_utf8(stream: BinaryIO) -> None:
    decoder, offset = codecs.getincrementaldecoder("utf-8")(), 0
    while block := stream.read(_UTF8_BLOCK):
        try:
            decoder.decode(block)
        except UnicodeDecodeError as error:
            raise InvalidInputError(
                f"The CSV is not UTF-8 (byte {offset + error.start} is invalid)", code="not_utf8"
            ) from None
        offset += len(block)
    stream.seek(0)
