"""Versioned, immutable dataset storage.

An upload is parsed and validated completely before anything is written; the canonical
Parquet goes to the object store under its content hash, then one transaction records the
version and points the kind's "active" pointer at it. A rejected upload therefore changes
nothing, and an accepted one never overwrites an earlier version.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tasks_support_system_ai.datasets.parsing import DatasetKind, ParsedDataset, parse_dataset
from tasks_support_system_ai.db.models import ActiveDataset, DatasetVersion, utcnow
from tasks_support_system_ai.errors import NotFoundError
from tasks_support_system_ai.storage import ObjectStore

SOURCES = ("upload", "demo", "import")


@dataclass(frozen=True)
class VersionInfo:
    """A dataset version as the rest of the service sees it (detached from the ORM)."""

    id: int
    kind: DatasetKind
    content_hash: str
    object_key: str
    filename: str
    source: str
    source_format: str
    synthetic: bool
    rows: int
    size_bytes: int
    summary: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_row(cls, row: DatasetVersion) -> VersionInfo:
        return cls(
            id=row.id,
            kind=DatasetKind(row.kind),
            content_hash=row.content_hash,
            object_key=row.object_key,
            filename=row.filename,
            source=row.source,
            source_format=row.source_format,
            synthetic=row.synthetic,
            rows=row.rows,
            size_bytes=row.size_bytes,
            summary=dict(row.summary),
            created_at=row.created_at,
        )


@dataclass(frozen=True)
class IngestResult:
    version: VersionInfo
    created: bool  # False when identical content was already stored (then it is re-activated)


class DatasetStore:
    def __init__(self, engine: Engine, objects: ObjectStore, *, max_upload_bytes: int) -> None:
        self.engine = engine
        self.objects = objects
        self.max_upload_bytes = max_upload_bytes

    def ingest(
        self,
        kind: DatasetKind,
        data: bytes,
        filename: str,
        *,
        source: str = "upload",
        synthetic: bool = False,
        activate: bool = True,
        size_limited: bool = True,
    ) -> IngestResult:
        """Validate ``data`` and store it as a new version (or reuse identical content).

        Trusted local imports pass ``size_limited=False`` to skip the upload size limit.
        """
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}")
        limit = self.max_upload_bytes if size_limited else len(data)
        parsed = parse_dataset(kind, data, filename, max_bytes=limit)
        content_hash = hashlib.sha256(data).hexdigest()
        with Session(self.engine) as session, session.begin():
            existing = session.scalars(
                select(DatasetVersion).where(
                    DatasetVersion.kind == kind.value, DatasetVersion.content_hash == content_hash
                )
            ).one_or_none()
            created = existing is None
            row = existing or self._store_new(
                session,
                parsed,
                content_hash=content_hash,
                filename=filename,
                source=source,
                synthetic=synthetic,
                size=len(data),
            )
            session.flush()  # assigns row.id for a new version
            if activate:
                _point_active(session, kind, row.id)
            return IngestResult(VersionInfo.from_row(row), created)

    def _store_new(
        self,
        session: Session,
        parsed: ParsedDataset,
        *,
        content_hash: str,
        filename: str,
        source: str,
        synthetic: bool,
        size: int,
    ) -> DatasetVersion:
        key = f"datasets/{parsed.kind.value}/{content_hash}.parquet"
        self.objects.put_bytes(key, _to_parquet(parsed.frame, synthetic=synthetic))
        row = DatasetVersion(
            kind=parsed.kind.value,
            content_hash=content_hash,
            object_key=key,
            filename=filename,
            source=source,
            source_format=parsed.source_format,
            synthetic=synthetic,
            rows=len(parsed.frame),
            size_bytes=size,
            summary=parsed.summary,
            created_at=utcnow(),
        )
        session.add(row)
        return row

    def active(self, kind: DatasetKind) -> VersionInfo | None:
        with Session(self.engine) as session:
            row = session.scalars(
                select(DatasetVersion)
                .join(ActiveDataset, ActiveDataset.version_id == DatasetVersion.id)
                .where(ActiveDataset.kind == kind.value)
            ).one_or_none()
            return VersionInfo.from_row(row) if row else None

    def get(self, version_id: int) -> VersionInfo:
        with Session(self.engine) as session:
            row = session.get(DatasetVersion, version_id)
            if row is None:
                raise NotFoundError(
                    f"Dataset version {version_id} does not exist",
                    code="dataset_version_not_found",
                    version_id=version_id,
                )
            return VersionInfo.from_row(row)

    def versions(self, kind: DatasetKind | None = None) -> list[VersionInfo]:
        """Newest first."""
        query = select(DatasetVersion).order_by(DatasetVersion.id.desc())
        if kind is not None:
            query = query.where(DatasetVersion.kind == kind.value)
        with Session(self.engine) as session:
            return [VersionInfo.from_row(r) for r in session.scalars(query)]

    def activate(self, version_id: int) -> VersionInfo:
        version = self.get(version_id)
        with Session(self.engine) as session, session.begin():
            _point_active(session, version.kind, version.id)
        return version

    def restore_defaults(self) -> list[VersionInfo]:
        """Re-activate, per kind, the newest version that did not come from a user upload."""
        restored = []
        for kind in DatasetKind:
            local = [v for v in self.versions(kind) if v.source != "upload"]
            if local:
                restored.append(self.activate(local[0].id))
        return restored

    def load_frame(self, version: VersionInfo) -> pd.DataFrame:
        return pd.read_parquet(io.BytesIO(self.objects.get_bytes(version.object_key)))


def _point_active(session: Session, kind: DatasetKind, version_id: int) -> None:
    pointer = session.get(ActiveDataset, kind.value)
    if pointer is None:
        session.add(ActiveDataset(kind=kind.value, version_id=version_id, activated_at=utcnow()))
    else:
        pointer.version_id = version_id
        pointer.activated_at = utcnow()


def _to_parquet(frame: pd.DataFrame, *, synthetic: bool) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), b"synthetic": str(synthetic).lower().encode()}
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), buffer, compression="zstd")
    return buffer.getvalue()
