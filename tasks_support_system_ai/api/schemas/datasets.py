"""Dataset status, versions, samples and uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class DatasetVersionOut(BaseModel):
    id: int
    kind: str
    content_hash: str
    filename: str
    source: str = Field(description="upload, demo or import")
    source_format: str
    synthetic: bool
    rows: int
    size_bytes: int
    summary: dict[str, Any]
    created_at: datetime
    active: bool = False


class DataStatus(BaseModel):
    status: bool
    message: str
    synthetic: bool | None = Field(
        None,
        description="true when the loaded tickets are generated demo data (each version below "
        "carries its own flag)",
    )
    tickets: DatasetVersionOut | None = None
    hierarchy: DatasetVersionOut | None = None
    unknown_queue_tickets: int | None = Field(
        None, description="tickets in queue ids absent from the hierarchy (count towards queue 0)"
    )


class DataFrameResponse(BaseModel):
    columns: list[str]
    data: list[dict[str, Any]]
    shape: list[int] = Field(min_length=2, max_length=2, description="[rows, columns]")
    df_type: str


class UploadResponse(BaseModel):
    status: str
    message: str
    version: DatasetVersionOut
    created: bool = Field(description="false when identical content was already stored")
    warnings: list[str] = []
