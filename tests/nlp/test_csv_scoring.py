"""CSV in, the same CSV with a prediction column out; every problem found before scoring."""

from __future__ import annotations

import csv
import io
import time

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.csv_scoring import check_csv, score_csv


def _score(content: str, block_bytes: int = 32) -> list[list[str]]:
    stream = io.BytesIO(content.encode())
    check_csv(stream, "text")
    upper = score_csv(stream, "text", pc.utf8_upper, block_bytes)
    out = b"".join(upper).decode()
    assert not stream.closed  # the caller's upload stays usable
    return list(csv.reader(io.StringIO(out)))


def test_rows_keep_their_fields_and_order() -> None:
    content = 'id,text\n1,"a, quoted\nline"\n2,b\n\n3,""\n4,d\n5,e\n'
    assert _score(content) == [
        ["id", "text", "prediction"],
        ["1", "a, quoted\nline", "A, QUOTED\nLINE"],
        ["2", "b", "B"],
        ["3", "", ""],
        ["4", "d", "D"],
        ["5", "e", "E"],
    ]


def test_byte_order_mark_is_dropped() -> None:
    assert _score("\ufefftext\nx\n")[0] == ["text", "prediction"]


@pytest.mark.parametrize(
    ("content", "code", "detail"),
    [
        (b"id,text\n1,a\n2,b,extra\n", "malformed_csv", "line 3 has 3 fields"),
        (b"id,text\n1\n", "malformed_csv", "line 2 has 1 fields"),
        (b"id,body\n1,a\n", "missing_columns", "no 'text' column"),
        (b"\n\n", "empty_file", "empty"),
        ("text\nпривет\n".encode("cp1251"), "not_utf8", "byte 5"),
    ],
)
def test_problems_are_client_errors(content: bytes, code: str, detail: str) -> None:
    with pytest.raises(InvalidInputError, match=detail) as error:
        check_csv(io.BytesIO(content), "text")
    assert error.value.code == code


def test_values_come_back_as_written() -> None:
    assert _score("id,text\n007,1.50\n")[1] == ["007", "1.50", "1.50"]


def test_header_only_file_gives_the_header() -> None:
    assert _score("id,text\n") == [["id", "text", "prediction"]]


def test_duplicate_column_names_are_a_client_error() -> None:
    with pytest.raises(InvalidInputError, match="'id' more than once") as error:
        check_csv(io.BytesIO(b"id,text,id\n1,a,2\n"), "text")
    assert error.value.code == "malformed_csv"


def test_many_blocks_score_every_row_once() -> None:
    rows = [[str(i), f'ticket {i}, "quoted"\nsecond line'] for i in range(3_000)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["id", "text"], *rows])
    scored = _score(buffer.getvalue(), block_bytes=4_096)
    assert scored[1:] == [[*row, row[1].upper()] for row in rows]


def test_output_is_quoted_like_the_csv_module() -> None:
    rows = [["1", "plain"], ["", 'say "hi"'], ["a,b", "two\nlines"], ["tab\t", "ёж ₽"]]
    source = io.StringIO()
    csv.writer(source, lineterminator="\n").writerows([["id", "text"], *rows])
    stream = io.BytesIO(source.getvalue().encode())
    check_csv(stream, "text")
    scored = b"".join(
        score_csv(stream, "text", lambda texts: pa.array(["x,y"] * len(texts)))
    ).decode()
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows(
        [["id", "text", "prediction"], *[[*row, "x,y"] for row in rows]]
    )
    assert scored == expected.getvalue()


class _SlowUpload(io.BytesIO):
    """A spooled upload on a slow disk: each read leaves room for other threads to read."""

    def read(self, size: int | None = -1) -> bytes:
        time.sleep(0.001)
        return super().read(size)


def test_one_reader_at_a_time_reads_the_upload() -> None:
    """Arrow readers read ahead on a background thread: one opened only for the header kept
    reading while the next one read, and rows went missing ("Expected 1 columns, got 2")."""
    rows = [[str(i), f"ticket {i} " + "x" * 200] for i in range(20_000)]
    source = io.StringIO()
    csv.writer(source, lineterminator="\n").writerows([["id", "text"], *rows])
    expected = [["id", "text", "prediction"], *[[*row, str(len(row[1]))] for row in rows]]
    for _ in range(10):
        stream = _SlowUpload(source.getvalue().encode())
        check_csv(stream, "text")
        lengths = lambda texts: pc.cast(pc.utf8_length(texts), pa.string())  # noqa: E731
        scored = b"".join(score_csv(stream, "text", lengths, block_bytes=1 << 16)).decode()
        assert list(csv.reader(io.StringIO(scored))) == expected
