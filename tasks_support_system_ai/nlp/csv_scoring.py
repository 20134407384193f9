"""Score a CSV of tickets: the same CSV back with a ``prediction`` column, chunk by chunk.

The stdlib ``csv`` module streams rows with a few MB of memory whatever the file size (pandas'
chunked reader held ~45 MB per 10,000-row chunk here). Every problem is found by ``check_csv``
in one pass before scoring starts, so a caller can still answer with a clear error instead of
breaking off a response halfway.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from itertools import islice
from typing import BinaryIO, Final

from tasks_support_system_ai.errors import InvalidInputError

PREDICTION: Final = "prediction"
CHUNK_ROWS: Final = 10_000
_BLOCK: Final = 1 << 20
csv.field_size_limit(1 << 30)  # a ticket may be long; the upload size limit bounds it anyway


def check_csv(stream: BinaryIO, column: str) -> None:
    """UTF-8, a header naming ``column``, and every row as wide as the header; rewinds."""
    _check_utf8(stream)
    with _Rows(stream) as rows:
        header = rows.header(column)
        try:
            for row in rows:
                if len(row) != len(header):
                    raise InvalidInputError(
                        f"CSV line {rows.line} has {len(row)} fields; the header has {len(header)}",
                        code="malformed_csv",
                        line=rows.line,
                    )
        except csv.Error as error:
            raise InvalidInputError(
                f"CSV line {rows.line} cannot be read: {error}", code="malformed_csv"
            ) from None
    stream.seek(0)


def score_csv(
    stream: BinaryIO,
    column: str,
    predict: Callable[[list[str]], list[str]],
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[str]:
    """The header, then ``chunk_rows`` scored rows at a time, as CSV text (checked input)."""
    with _Rows(stream) as rows:
        header = rows.header(column)
        at = header.index(column)
        yield _write([[*header, PREDICTION]])
        while chunk := list(islice(rows, chunk_rows)):
            labels = predict([row[at] for row in chunk])
            yield _write([[*row, label] for row, label in zip(chunk, labels, strict=True)])


class _Rows:
    """Non-blank CSV rows of a binary stream; a leading byte-order mark is dropped. Leaving
    the ``with`` block detaches the decoder, so the caller's stream stays open."""

    def __init__(self, stream: BinaryIO) -> None:
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text)

    def __enter__(self) -> _Rows:
        return self

    def __exit__(self, *_: object) -> None:
        self._text.detach()

    def __iter__(self) -> Iterator[list[str]]:
        return (row for row in self._reader if row)

    @property
    def line(self) -> int:
        return self._reader.line_num

    def header(self, column: str) -> list[str]:
        header = next(iter(self), None)
        if header is None:
            raise InvalidInputError("The CSV file is empty", code="empty_file")
        if column not in header:
            raise InvalidInputError(
                f"The CSV has no {column!r} column; columns: {', '.join(header)}",
                code="missing_columns",
                missing=[column],
            )
        return header


def _write(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _check_utf8(stream: BinaryIO) -> None:
    decoder, offset = codecs.getincrementaldecoder("utf-8")(), 0
    while block := stream.read(_BLOCK):
        try:
            decoder.decode(block)
        except UnicodeDecodeError as error:
            raise InvalidInputError(
                f"The CSV is not UTF-8 (byte {offset + error.start} is invalid)", code="not_utf8"
            ) from None
        offset += len(block)
    stream.seek(0)
