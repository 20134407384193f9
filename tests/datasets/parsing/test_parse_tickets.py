"""Tickets uploads: canonical frame, summary, and one test per validation error."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from tasks_support_system_ai.datasets.parsing import (
    DatasetKind,
    ParsedDataset,
    parse_dataset,
    sample_frame,
)
from tasks_support_system_ai.errors import DatasetValidationError

HEADER = "queueId,date,new_tickets"


def tickets_csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def parse(data: bytes, filename: str = "tickets.csv") -> ParsedDataset:
    return parse_dataset(DatasetKind.TICKETS, data, filename, max_bytes=100 * 1024 * 1024)


def rejection(*rows: str, header: str = HEADER) -> DatasetValidationError:
    with pytest.raises(DatasetValidationError) as info:
        parse(tickets_csv(*rows, header=header))
    return info.value


def test_iso_dates_give_the_canonical_frame_sorted_by_date_then_queue() -> None:
    parsed = parse(
        tickets_csv("7,2024-01-02,4", "3,2024-01-02T00:00:00,0", "7,2024-01-01 00:00:00,2")
    )
    frame = parsed.frame
    assert frame.columns.tolist() == ["queueId", "date", "new_tickets"]
    assert frame.dtypes.astype(str).tolist() == ["int64", "datetime64[ns]", "int64"]
    assert frame["queueId"].tolist() == [7, 3, 7]
    days = frame["date"].dt.strftime("%Y-%m-%d").tolist()
    assert days == ["2024-01-01", "2024-01-02", "2024-01-02"]
    assert frame["new_tickets"].tolist() == [2, 0, 4]
    assert frame.index.tolist() == [0, 1, 2]
    assert parsed.kind is DatasetKind.TICKETS
    assert parsed.summary == {
        "rows": 3,
        "queues": 2,
        "start_date": "2024-01-01",
        "end_date": "2024-01-02",
        "total_tickets": 6,
    }


def test_dotted_dates_of_the_original_service() -> None:
    frame = parse(tickets_csv("1,31.12.2023,5", "1,1.1.2024,3.0")).frame
    assert frame["date"].tolist() == [pd.Timestamp("2023-12-31"), pd.Timestamp("2024-01-01")]
    assert frame["new_tickets"].tolist() == [5, 3]


def test_parquet_round_trip_keeps_the_canonical_frame() -> None:
    original = parse(tickets_csv("2,2024-01-01,4", "1,2024-01-01,0", "1,2024-01-02,9")).frame
    buffer = io.BytesIO()
    original.to_parquet(buffer)
    parsed = parse(buffer.getvalue(), filename="tickets.parquet")
    assert parsed.source_format == "parquet"
    pd.testing.assert_frame_equal(parsed.frame, original)


def test_sample_frame_is_a_valid_upload() -> None:
    sample = sample_frame(DatasetKind.TICKETS)
    parsed = parse(sample.to_csv(index=False).encode())
    pd.testing.assert_frame_equal(parsed.frame, sample)


def test_missing_columns_are_listed_with_the_expected_ones() -> None:
    error = rejection("1,2024-01-01", header="queueId,day")
    assert error.code == "missing_columns"
    assert error.details["missing"] == ["date", "new_tickets"]
    assert error.details["expected"] == ["queueId", "date", "new_tickets"]
    assert "'date', 'new_tickets'" in error.message


def test_extra_columns_are_listed() -> None:
    error = rejection("1,2024-01-01,3,x", header=HEADER + ",comment")
    assert error.code == "extra_columns"
    assert error.details["extra"] == ["comment"]


@pytest.mark.parametrize(
    "bad", ["2024-13-01", "2024-02-30", "yesterday", "", "2024-01-01 10:30:00"]
)
def test_invalid_date(bad: str) -> None:
    error = rejection("1,2024-01-01,1", f"2,{bad},1")
    assert error.code == "invalid_date"
    assert error.details["row"] == 2


def test_invalid_date_message_names_column_row_value_and_format() -> None:
    error = rejection("1,2017-01-01,1", "2,2017-13-01,1")
    assert error.message == (
        "Column 'date', row 2: '2017-13-01' is not a date; expected YYYY-MM-DD (or DD.MM.YYYY)."
    )
    assert error.details["value"] == "2017-13-01"


def test_mixing_date_formats_is_explained() -> None:
    error = rejection("1,2024-01-01,1", "1,02.01.2024,1")
    assert error.code == "invalid_date"
    assert "one date format per file" in error.message


@pytest.mark.parametrize("bad", ["3.5", "abc", "", "inf"])
def test_invalid_count(bad: str) -> None:
    error = rejection("1,2024-01-01,1", f"2,2024-01-01,{bad}")
    assert error.code == "invalid_count"
    assert error.details["column"] == "new_tickets"
    assert error.details["row"] == 2


def test_negative_count() -> None:
    error = rejection("1,2024-01-01,0", "2,2024-01-01,-4")
    assert error.code == "negative_count"
    assert "Column 'new_tickets', row 2: '-4'" in error.message


@pytest.mark.parametrize("bad", ["0", "-3", "1.5", "queue", ""])
def test_invalid_queue_id(bad: str) -> None:
    error = rejection("1,2024-01-01,1", f"{bad},2024-01-01,1")
    assert error.code == "invalid_queue_id"
    assert error.details["column"] == "queueId"


def test_duplicate_rows_show_both_rows_and_values() -> None:
    error = rejection("5,2024-01-01,1", "6,2024-01-01,2", "5,2024-01-01,7")
    assert error.code == "duplicate_rows"
    assert error.details["rows"] == [1, 3]
    assert error.details["new_tickets"] == [1, 7]
    assert "queueId 5 on 2024-01-01" in error.message


def test_the_first_offending_row_is_reported_with_a_count_of_the_rest() -> None:
    rows = [f"{q},2024-01-01,1" for q in range(1, 10)] + ["10,2024-01-01,x", "11,2024-01-01,y"]
    error = rejection(*rows, "12,2024-01-01,z")
    assert error.details["row"] == 10
    assert error.details["rows"] == [10, 11, 12]
    assert error.details["count"] == 3
    assert "2 more rows have the same problem" in error.message


def test_a_200k_row_upload_parses() -> None:
    queues, days = 200, 1000
    dates = np.repeat(pd.date_range("2020-01-01", periods=days).strftime("%Y-%m-%d"), queues)
    frame = pd.DataFrame(
        {
            "queueId": np.tile(np.arange(1, queues + 1), days),
            "date": dates,
            "new_tickets": np.arange(queues * days) % 17,
        }
    )
    parsed = parse(frame.to_csv(index=False).encode())
    assert parsed.summary["rows"] == queues * days
    assert parsed.summary["queues"] == queues
