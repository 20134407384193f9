"""Batch-labeling requests (the labeling system's ``create_task`` body)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from tasks_support_system_ai.labeling import DEFAULT_BATCH_ROWS


class SourceSpec(BaseModel):
    """Where the tickets are: a Parquet file under the data folder or in the object store
    (local folder or S3/MinIO), or a table of a SQL connection an admin configured by name
    (setting ``SUPPORT_AI_SQL_SOURCES``); a request never carries a connection URL."""

    kind: Literal["parquet", "object", "sql"] = "parquet"
    file: str | None = Field(
        "demo/large_table.parquet", max_length=1000, description="parquet: path in data_dir"
    )
    key: str | None = Field(
        None, max_length=1000, description="object: key of a Parquet file in the object store"
    )
    connection: str | None = Field(
        None, max_length=100, description="sql: name of a connection in SUPPORT_AI_SQL_SOURCES"
    )
    url: str | None = Field(
        None, description="not accepted: SQL sources are connections an admin names"
    )
    table: str | None = Field(None, max_length=200, description="sql: table name")
    id_column: str = Field("id", max_length=200)
    time_column: str = Field("created_at", max_length=200)
    text_column: str = Field("text", max_length=200)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.url is not None:
            raise ValueError(
                "connection URLs are not accepted; name a connection an admin configured in "
                "SUPPORT_AI_SQL_SOURCES with 'connection'"
            )
        if self.kind == "sql" and not (self.connection and self.table):
            raise ValueError("a sql source needs both 'connection' and 'table'")
        if self.kind == "parquet" and not self.file:
            raise ValueError("a parquet source needs 'file'")
        if self.kind == "object" and not self.key:
            raise ValueError("an object source needs 'key'")
        return self


class RuleIn(BaseModel):
    keyword: str = Field(max_length=1000)
    label: str = Field(max_length=200)
    priority: int = Field(0, ge=-1_000_000, le=1_000_000)


class LabelingRequest(BaseModel):
    """Label with a registered model (``model_id``, "production" allowed) or keyword rules."""

    source: SourceSpec = Field(default_factory=SourceSpec)
    model_id: str | None = Field(None, max_length=200, examples=["production"])
    rules: list[RuleIn] | None = Field(
        None,
        max_length=10_000,
        examples=[[{"keyword": "роуминг", "label": "roaming", "priority": 10}]],
    )
    default_label: str = Field(
        "unlabeled", max_length=200, description="rules: label of unmatched tickets"
    )
    start: datetime | None = Field(None, description="only tickets created at or after this")
    end: datetime | None = Field(None, description="only tickets created at or before this")
    parts: int = Field(2, ge=1, le=256, description="time-range parts labeled in parallel")
    batch_rows: int = Field(
        DEFAULT_BATCH_ROWS, ge=100, le=500_000, description="rows read per batch"
    )

    @model_validator(mode="after")
    def _one_labeler(self) -> Self:
        if (self.model_id is None) == (self.rules is None):
            raise ValueError("give exactly one of 'model_id' and 'rules'")
        return self
