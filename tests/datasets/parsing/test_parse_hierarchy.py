"""Hierarchy uploads in both forms: canonical frame, summary, and each validation error."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks_support_system_ai.datasets.parsing import (
    DatasetKind,
    ParsedDataset,
    parse_dataset,
    sample_frame,
)
from tasks_support_system_ai.errors import DatasetValidationError

EDGES = "queueId,parentId,name"
ORIGINAL = "queueId,level,immediateDescendants,allDescendants,full_load"
# 1 ─┬─ 2 ── 4
#    └─ 3
# 5
ORIGINAL_ROWS = (
    '1,1,"[2, 3]","[2, 3, 4]",10',
    "2,2,[4],[4],4",
    "3,2,[],[],1",
    "4,3,[],[],4",
    "5,1,[],[],0",
)


def hierarchy_csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def parse(data: bytes, filename: str = "hierarchy.csv") -> ParsedDataset:
    return parse_dataset(DatasetKind.HIERARCHY, data, filename, max_bytes=10 * 1024 * 1024)


def rejection(header: str, *rows: str) -> DatasetValidationError:
    with pytest.raises(DatasetValidationError) as info:
        parse(hierarchy_csv(header, *rows))
    return info.value


def test_edge_list_gives_the_canonical_frame() -> None:
    parsed = parse(hierarchy_csv(EDGES, "4,2,Refunds", "2,1,Billing", "1,,Support", "3,1,"))
    frame = parsed.frame
    assert frame.columns.tolist() == ["queueId", "parentId", "name", "level"]
    assert frame.dtypes.astype(str).tolist() == ["int64", "Int64", "string", "int64"]
    assert frame["queueId"].tolist() == [1, 2, 3, 4]
    assert frame["parentId"].tolist() == [pd.NA, 1, 1, 2]
    assert frame["name"].tolist() == ["Support", "Billing", "Queue 3", "Refunds"]
    assert frame["level"].tolist() == [1, 2, 2, 3]
    assert parsed.summary == {"queues": 4, "top_level_queues": 1, "max_level": 3, "leaves": 2}


def test_edge_list_without_names_gets_default_names_and_parent_zero_means_top_level() -> None:
    frame = parse(hierarchy_csv("queueId,parentId", "1,0", "2,1")).frame
    assert frame["name"].tolist() == ["Queue 1", "Queue 2"]
    assert frame["parentId"].isna().tolist() == [True, False]


@pytest.mark.parametrize("self_listed", [True, False])
def test_original_form_derives_parents(self_listed: bool) -> None:
    rows = list(ORIGINAL_ROWS)
    if self_listed:
        rows[0] = '1,1,"[2, 3]","[1, 2, 3, 4]",10'
    parsed = parse(hierarchy_csv(ORIGINAL, *rows))
    frame = parsed.frame
    assert frame["parentId"].tolist() == [pd.NA, 1, 1, 2, pd.NA]
    assert frame["level"].tolist() == [1, 2, 2, 3, 1]
    assert parsed.summary == {"queues": 5, "top_level_queues": 2, "max_level": 3, "leaves": 3}


def test_parquet_round_trip_of_the_canonical_frame() -> None:
    original = parse(hierarchy_csv(EDGES, "1,,Support", "2,1,Billing")).frame
    buffer = io.BytesIO()
    original.drop(columns="level").to_parquet(buffer)
    parsed = parse(buffer.getvalue(), filename="hierarchy.parquet")
    assert parsed.source_format == "parquet"
    pd.testing.assert_frame_equal(parsed.frame, original)


def test_parquet_with_list_columns_in_the_original_form() -> None:
    table = pa.table(
        {
            "queueId": [1, 2, 3],
            "level": [1, 2, 2],
            "immediateDescendants": [[2, 3], [], []],
            "allDescendants": [[1, 2, 3], [2], [3]],
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    frame = parse(buffer.getvalue()).frame
    assert frame["parentId"].tolist() == [pd.NA, 1, 1]


def test_sample_frame_is_a_valid_upload() -> None:
    sample = sample_frame(DatasetKind.HIERARCHY)
    parsed = parse(sample.to_csv(index=False).encode())
    assert parsed.summary["queues"] == len(sample)


def test_missing_columns_of_the_original_form() -> None:
    error = rejection("queueId,level,immediateDescendants", "1,1,[]")
    assert error.code == "missing_columns"
    assert error.details["missing"] == ["allDescendants"]


def test_extra_columns_of_the_edge_list() -> None:
    error = rejection("queueId,parentId,owner", "1,,me")
    assert error.code == "extra_columns"
    assert error.details["extra"] == ["owner"]


@pytest.mark.parametrize(
    ("row", "column"), [("0,", "queueId"), ("x,", "queueId"), ("2,-1", "parentId")]
)
def test_invalid_queue_id(row: str, column: str) -> None:
    error = rejection("queueId,parentId", "1,", row)
    assert error.code == "invalid_queue_id"
    assert error.details == error.details | {"column": column, "row": 2}


def test_duplicate_queue() -> None:
    error = rejection("queueId,parentId", "1,", "2,1", "1,")
    assert error.code == "duplicate_queue"
    assert error.details["rows"] == [1, 3]


def test_unknown_parent_names_column_row_and_queue() -> None:
    error = rejection("queueId,parentId", "1,", "2,9")
    assert error.code == "unknown_parent"
    assert error.message.startswith("Column 'parentId', row 2: '9' names queue 9")


def test_unknown_listed_child() -> None:
    error = rejection(ORIGINAL, '1,1,"[2, 9]","[2]",0', "2,2,[],[],0")
    assert error.code == "unknown_parent"
    assert error.details["column"] == "immediateDescendants"


def test_cycle_shows_the_ids_on_it() -> None:
    error = rejection("queueId,parentId", "1,", "12,15", "15,12", "20,15")
    assert error.code == "cycle"
    assert "12 → 15 → 12" in error.message
    assert error.details["row"] == 2


def test_a_queue_that_is_its_own_parent_is_a_cycle() -> None:
    error = rejection("queueId,parentId", "1,", "7,7")
    assert error.code == "cycle"
    assert "queue 7 is its own parent" in error.message


def test_a_queue_listing_itself_as_child_is_a_cycle() -> None:
    assert rejection(ORIGINAL, "1,1,[1],[],0").code == "cycle"


def test_too_deep() -> None:
    rows = ["1,"] + [f"{queue},{queue - 1}" for queue in range(2, 23)]
    error = rejection("queueId,parentId", *rows)
    assert error.code == "too_deep"
    assert error.details["row"] == 21
    assert error.details["level"] == 21


@pytest.mark.parametrize("bad", ["2, 3", "[2; 3]", "[2, x]", ""])
def test_invalid_list(bad: str) -> None:
    error = rejection(ORIGINAL, "2,2,[],[],0", f'1,1,"{bad}","[2]",0')
    assert error.code == "invalid_list"
    assert error.details["row"] == 2


def test_a_child_of_two_parents_is_inconsistent() -> None:
    error = rejection(ORIGINAL, "1,1,[3],[3],0", "2,1,[3],[3],0", "3,2,[],[],0")
    assert error.code == "inconsistent_hierarchy"
    assert "queue 3 is listed as a child of queues 1 and 2" in error.message


def test_a_wrong_level_is_inconsistent() -> None:
    rows = list(ORIGINAL_ROWS)
    rows[3] = "4,2,[],[],4"
    error = rejection(ORIGINAL, *rows)
    assert error.code == "inconsistent_hierarchy"
    assert error.details == error.details | {"column": "level", "row": 4, "derived_level": 3}


def test_wrong_all_descendants_are_inconsistent() -> None:
    rows = list(ORIGINAL_ROWS)
    rows[0] = '1,1,"[2, 3]","[2, 3, 5]",10'
    error = rejection(ORIGINAL, *rows)
    assert error.code == "inconsistent_hierarchy"
    assert error.details == error.details | {"column": "allDescendants", "row": 1}
    assert error.details["missing"] == [4]
    assert error.details["extra"] == [5]
