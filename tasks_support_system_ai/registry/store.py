"""Versioned model registry: metadata in the database, artifacts in the object store.

Each model has an id, a version per name, the dataset it was trained on, parameters, metrics,
a status (training → ready | failed) and a stage (none, staging, production). Protected
models (the defaults) survive ``remove_all`` unless forced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tasks_support_system_ai.db.models import RegisteredModel, utcnow
from tasks_support_system_ai.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from tasks_support_system_ai.registry.artifacts import dump_artifact, load_artifact
from tasks_support_system_ai.storage import ObjectStore

Status = Literal["training", "ready", "failed"]
Stage = Literal["none", "staging", "production"]
STAGES: tuple[Stage, ...] = ("none", "staging", "production")
#: Ids are ``model_`` + 12 hex digits; anything much longer is not one (and never a file name).
MAX_ID_CHARS = 100


@dataclass(frozen=True)
class ModelRecord:
    id: str
    name: str
    version: int
    kind: str
    status: str
    stage: str
    protected: bool
    dataset_ref: str | None
    params: dict[str, Any]
    metrics: dict[str, Any]
    artifact_key: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: RegisteredModel) -> ModelRecord:
        return cls(**{f: getattr(row, f) for f in cls.__dataclass_fields__})

    @property
    def macro_f1(self) -> float | None:
        """Held-out macro-F1 of a trained classifier (None for other models)."""
        value = self.metrics.get("macro_avg", {}).get("f1_score")
        return float(value) if value is not None else None


class ModelRegistry:
    def __init__(self, engine: Engine, objects: ObjectStore) -> None:
        self.engine = engine
        self.objects = objects

    def create(
        self,
        name: str,
        kind: str,
        params: dict[str, Any],
        *,
        dataset_ref: str | None = None,
        protected: bool = False,
    ) -> ModelRecord:
        """Register a new version of ``name`` in status "training"."""
        with Session(self.engine) as session, session.begin():
            latest = session.scalar(
                select(func.max(RegisteredModel.version)).where(RegisteredModel.name == name)
            )
            row = RegisteredModel(
                id=f"model_{uuid.uuid4().hex[:12]}",
                name=name,
                version=(latest or 0) + 1,
                kind=kind,
                status="training",
                stage="none",
                protected=protected,
                dataset_ref=dataset_ref,
                params=params,
                metrics={},
                artifact_key=None,
                error=None,
                created_at=utcnow(),
                updated_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return ModelRecord.from_row(row)

    def complete(self, model_id: str, model: Any, metrics: dict[str, Any]) -> ModelRecord:
        """Store the trained artifact and mark the version ready."""
        key = f"models/{model_id}.skops"
        self.objects.put_bytes(key, dump_artifact(model))
        try:
            return self._update(model_id, status="ready", metrics=metrics, artifact_key=key)
        except NotFoundError:
            self._delete_files(model_id)  # removed while it trained: leave nothing behind
            raise

    def update_metrics(self, model_id: str, metrics: dict[str, Any]) -> ModelRecord:
        """Replace a model's metrics/annotations (e.g. user-given cluster names)."""
        return self._update(model_id, metrics=metrics)

    def fail(self, model_id: str, error: str) -> ModelRecord:
        return self._update(model_id, status="failed", error=error[:2000])

    def promote(self, model_id: str, stage: Stage, *, force: bool = False) -> ModelRecord:
        """Move a ready model to ``stage``; one production model per name. Moving the production
        model elsewhere would leave none, so it needs ``force`` (promote another one instead)."""
        if stage not in STAGES:
            raise InvalidInputError(f"stage must be one of {STAGES}", code="invalid_stage")
        record = self.get(model_id)
        if record.stage == "production" and stage != "production" and not force:
            raise ConflictError(
                f"Model {model_id} is the production model of {record.name!r}; promote another "
                "model to production first, or pass force to leave none",
                code="model_protected",
                model_id=model_id,
            )
        if record.status != "ready":
            raise ConflictError(
                f"Model {model_id} is {record.status}, only ready models can be promoted",
                code="model_not_ready",
            )
        if stage == "production":
            with Session(self.engine) as session, session.begin():
                for row in session.scalars(
                    select(RegisteredModel).where(
                        RegisteredModel.name == record.name, RegisteredModel.stage == "production"
                    )
                ):
                    row.stage = "staging"
        return self._update(model_id, stage=stage)

    def get(self, model_id: str, kind: str | None = None) -> ModelRecord:
        """The model ``model_id``; with ``kind``, a model of another kind is not found either
        (a forecaster's id sent to a classifier route is a 404, not a crash)."""
        if len(model_id) > MAX_ID_CHARS:
            raise NotFoundError("Model not found", code="model_not_found")
        with Session(self.engine) as session:
            row = session.get(RegisteredModel, model_id)
            if row is None or (kind is not None and row.kind != kind):
                # The original service's exact message; details say which id and kind.
                raise NotFoundError(
                    "Model not found", code="model_not_found", model_id=model_id, kind=kind
                )
            return ModelRecord.from_row(row)

    def records(self, kind: str | None = None) -> list[ModelRecord]:
        """Newest first."""
        query = select(RegisteredModel).order_by(RegisteredModel.created_at.desc())
        if kind:
            query = query.where(RegisteredModel.kind == kind)
        with Session(self.engine) as session:
            return [ModelRecord.from_row(r) for r in session.scalars(query)]

    def production(self, name: str) -> ModelRecord | None:
        with Session(self.engine) as session:
            row = session.scalars(
                select(RegisteredModel).where(
                    RegisteredModel.name == name, RegisteredModel.stage == "production"
                )
            ).first()
            return ModelRecord.from_row(row) if row else None

    def load(self, model_id: str, kind: str | None = None) -> Any:
        record = self.get(model_id, kind)
        if record.status != "ready" or record.artifact_key is None:
            raise ConflictError(
                f"Model {model_id} is {record.status} and has no artifact yet",
                code="model_not_ready",
            )
        return load_artifact(self.objects.get_bytes(record.artifact_key))

    def remove(self, model_id: str, *, force: bool = False) -> ModelRecord:
        """Delete a model and its files; protected models (see ``is_protected``) need ``force``."""
        record = self.get(model_id)
        if is_protected(record) and not force:
            why = "the production model" if record.stage == "production" else "a default model"
            raise ConflictError(
                f"Model {model_id} is protected ({why}); pass force to remove it",
                code="model_protected",
                model_id=model_id,
            )
        with Session(self.engine) as session, session.begin():
            row = session.get(RegisteredModel, model_id)
            if row is not None:
                session.delete(row)
        self._delete_files(model_id)
        return record

    def _delete_files(self, model_id: str) -> None:
        for key in self.objects.list(f"models/{model_id}."):  # the artifact and derived ones
            self.objects.delete(key)

    def derived_key(self, model_id: str, name: str) -> str:
        """Where a file derived from a model's artifact lives (removed with the model)."""
        return f"models/{model_id}.{name}"

    def remove_all(self, kind: str | None = None, *, force: bool = False) -> list[str]:
        """Remove every model (of ``kind``) except protected ones unless ``force``."""
        doomed = [m for m in self.records(kind) if force or not is_protected(m)]
        return [self.remove(m.id, force=True).id for m in doomed]

    def _update(self, model_id: str, **fields: Any) -> ModelRecord:
        with Session(self.engine) as session, session.begin():
            row = session.get(RegisteredModel, model_id)
            if row is None:
                raise NotFoundError("Model not found", code="model_not_found", model_id=model_id)
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
            session.flush()
            return ModelRecord.from_row(row)


def is_protected(record: ModelRecord) -> bool:
    """Kept unless the caller forces it: the default models the service trained itself, and
    every production model, so a service never ends up without one by accident."""
    return record.protected or record.stage == "production"
