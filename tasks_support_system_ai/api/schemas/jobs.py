"""Jobs as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from tasks_support_system_ai.jobs import JobRecord, PartRecord


class PartOut(BaseModel):
    part: int
    status: str
    rows_done: int
    attempts: int
    summary: dict[str, Any] | None


class JobOut(BaseModel):
    id: str
    kind: str
    status: str
    progress: float
    stages: dict[str, Any]
    params: dict[str, Any]
    error_code: str | None
    error_message: str | None
    cancel_requested: bool
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    request_id: str | None = None
    result: dict[str, Any] | None = None
    parts: list[PartOut] | None = None

    @classmethod
    def from_record(
        cls, record: JobRecord, parts: list[PartRecord] | None = None, *, with_result: bool = True
    ) -> JobOut:
        fields = {k: getattr(record, k) for k in cls.model_fields if k not in {"result", "parts"}}
        return cls(
            **fields,
            result=record.result if with_result else None,
            parts=[PartOut(**vars(p)) for p in parts] if parts is not None else None,
        )
