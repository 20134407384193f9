"""CSV in, the same CSV with a prediction column out; every problem found before scoring."""

from __future__ import annotations

import csv
import io

import pytest

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.csv_scoring import check_csv, score_csv


def _score(content: str, chunk_rows: int = 2) -> list[list[str]]:
    stream = io.BytesIO(content.encode())
    check_csv(stream, "text")
    out = "".join(score_csv(stream, "text", lambda texts: [t.upper() for t in texts], chunk_rows))
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
