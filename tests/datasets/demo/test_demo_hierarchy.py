"""The queue tree looks like the real one: size, depth, level widths, ids and names."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

from tasks_support_system_ai.datasets.demo import DemoFiles


def _levels(hierarchy: pd.DataFrame) -> pd.Series:
    parent = hierarchy.set_index("queueId")["parentId"]
    level = pd.Series(1, index=parent.index)
    current = parent.copy()
    while current.notna().any():
        level[current.notna()] += 1
        current = current.map(parent).astype("Int64")
    return level


def test_schema(demo_files: DemoFiles) -> None:
    schema = pq.read_schema(demo_files.hierarchy)
    assert str(schema.field("queueId").type) == "int64"
    assert str(schema.field("parentId").type) == "int64"
    assert str(schema.field("name").type) == "string"


def test_size_and_ids(demo_hierarchy: pd.DataFrame) -> None:
    ids = demo_hierarchy["queueId"]
    assert 1_600 <= len(demo_hierarchy) <= 1_700
    assert ids.is_unique
    assert (ids > 0).all()
    assert ids.max() > 10 * len(ids), "ids should be sparse like real ones"


def test_parents_exist_and_top_level_is_null(demo_hierarchy: pd.DataFrame) -> None:
    parents = demo_hierarchy["parentId"]
    assert str(parents.dtype) == "Int64"
    assert 15 <= parents.isna().sum() <= 30
    assert parents.dropna().isin(demo_hierarchy["queueId"]).all()


def test_depth_and_level_widths(demo_hierarchy: pd.DataFrame) -> None:
    per_level = _levels(demo_hierarchy).value_counts()
    assert per_level.index.max() == 6
    assert per_level.idxmax() == 2


def test_names_unique_and_short(demo_hierarchy: pd.DataFrame) -> None:
    names = demo_hierarchy["name"]
    assert names.is_unique
    assert names.str.len().between(3, 60).all()
