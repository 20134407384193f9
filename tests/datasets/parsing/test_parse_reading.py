"""Reading uploads: size limit, format detection, encoding, delimiters and headers."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tasks_support_system_ai.datasets.parsing import DatasetKind, ParsedDataset, parse_dataset
from tasks_support_system_ai.errors import DatasetValidationError, PayloadTooLargeError

HEADER = "queueId,date,new_tickets"
MB = 1024 * 1024


def tickets_csv(*rows: str, header: str = HEADER, sep: str = ",") -> bytes:
    """A tickets CSV from comma-separated lines, re-joined with ``sep``."""
    lines = [header, *rows]
    return ("\n".join(line.replace(",", sep) for line in lines) + "\n").encode()


def parse(data: bytes, filename: str = "tickets.csv", max_bytes: int = 10 * MB) -> ParsedDataset:
    return parse_dataset(DatasetKind.TICKETS, data, filename, max_bytes=max_bytes)


def rejection(data: bytes, filename: str = "tickets.csv") -> DatasetValidationError:
    with pytest.raises(DatasetValidationError) as info:
        parse(data, filename)
    return info.value


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf", HEADER.encode() + b"\n"])
def test_empty_file(data: bytes) -> None:
    assert rejection(data).code == "empty_file"


def test_file_too_large_says_size_and_limit_in_mb() -> None:
    data = tickets_csv("1,2024-01-01,1") + b" " * (2 * MB)
    with pytest.raises(PayloadTooLargeError) as info:
        parse(data, max_bytes=1 * MB)
    assert info.value.code == "file_too_large"
    assert "2.0 MB" in info.value.message
    assert "1.0 MB" in info.value.message
    assert info.value.details["limit_bytes"] == MB


def test_not_utf8_gives_offset_and_line() -> None:
    data = tickets_csv("1,2024-01-01,1") + b"2,2024-01-01,caf\xe9\n"
    error = rejection(data)
    assert error.code == "not_utf8"
    assert error.details["line"] == 3
    assert error.details["offset"] == data.index(b"\xe9")
    assert "line 3" in error.message


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"PAR1 this is not really parquet", "tickets.parquet"),
        (b"queueId,date,new_tickets\n1,2024-01-01,1\n", "tickets.parquet"),
        (b"PK\x03\x04 zipped workbook", "tickets.xlsx"),
        (b"queueId,date,new_tickets\n1,2024-01-01,1,9\n", "tickets.csv"),
    ],
)
def test_unreadable_file(data: bytes, filename: str) -> None:
    assert rejection(data, filename).code == "unreadable_file"


@pytest.mark.parametrize("sep", [";", "\t"])
def test_sniffs_semicolon_and_tab(sep: str) -> None:
    parsed = parse(tickets_csv("1,2024-01-01,4", "2,2024-01-01,5", sep=sep))
    assert parsed.frame["new_tickets"].tolist() == [4, 5]


def test_bom_and_padded_header_names_are_tolerated() -> None:
    data = "\ufeff queueId , date,new_tickets \r\n1,2024-01-01,4\r\n".encode()
    parsed = parse(data)
    assert parsed.frame.columns.tolist() == ["queueId", "date", "new_tickets"]
    assert parsed.source_format == "csv"


def test_a_column_named_twice_is_rejected() -> None:
    error = rejection(tickets_csv("1,2024-01-01,4", header="queueId,date,queueId"))
    assert error.code == "extra_columns"
    assert "'queueId' appears 2 times" in error.message


def test_parquet_is_detected_by_magic_bytes_whatever_the_name() -> None:
    frame = pd.DataFrame({"queueId": [1], "date": ["2024-01-01"], "new_tickets": [3]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    parsed = parse(buffer.getvalue(), filename="upload.csv")
    assert parsed.source_format == "parquet"
    assert parsed.frame["new_tickets"].tolist() == [3]
