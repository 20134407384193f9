"""Registered models as the API shows them (classifiers, clusterings, forecasters)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from tasks_support_system_ai.registry import ModelRecord


class ModelOut(BaseModel):
    id: str
    name: str
    version: int
    kind: str
    status: str
    stage: str
    protected: bool
    dataset_ref: str | None
    params: dict[str, Any]
    error: str | None
    created_at: datetime
    macro_f1: float | None = None

    @classmethod
    def from_record(cls, record: ModelRecord) -> ModelOut:
        return cls(**{k: getattr(record, k) for k in cls.model_fields})
