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
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.datasets.parsing import DatasetKind, ParsedDataset, parse_dataset
from tasks_support_system_ai.db.models import ActiveDataset, DatasetVersion, utcnow
from tasks_support_system_ai.errors import (
    DatasetValidationError,
    NotFoundError,
    QuotaExceededError,
)
from tasks_support_system_ai.storage import ObjectStore

SOURCES = ("upload", "demo", "import")
_RACE_RETRIES = 3


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


@dataclass(frozen=True)
class ParseLimits:
    """What an uploaded file may cost: dense cube cells, CSV shape, and the stored-data quota."""

    max_cube_cells: int = 30_000_000
    max_csv_columns: int = 1000
    max_csv_line_bytes: int = 1 << 20
    max_stored_bytes: int | None = None

    @classmethod
    def of(cls, settings: Settings) -> ParseLimits:
        quota = settings.max_stored_mb
        return cls(
            max_cube_cells=settings.max_cube_cells,
            max_csv_columns=settings.max_csv_columns,
            max_csv_line_bytes=settings.max_csv_line_bytes,
            max_stored_bytes=int(quota * 2**20) if quota is not None else None,
        )


class DatasetStore:
    def __init__(
        self,
        engine: Engine,
        objects: ObjectStore,
        *,
        max_upload_bytes: int,
        limits: ParseLimits | None = None,
    ) -> None:
        self.engine = engine
        self.objects = objects
        self.max_upload_bytes = max_upload_bytes
        self.limits = limits or ParseLimits()

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
        parsed = parse_dataset(
            kind,
            data,
            filename,
            max_bytes=limit,
            max_columns=self.limits.max_csv_columns,
            max_line_bytes=self.limits.max_csv_line_bytes,
        )
        self._check_cube(parsed)
        content_hash = hashlib.sha256(data).hexdigest()
        for attempt in range(_RACE_RETRIES):
            try:
                return self._record(
                    parsed,
                    content_hash=content_hash,
                    filename=filename,
                    source=source,
                    synthetic=synthetic,
                    size=len(data),
                    activate=activate,
                )
            except IntegrityError:
                # The same content (or the first active pointer) was stored by a concurrent
                # upload a moment ago: the next attempt finds it and reuses it.
                if attempt == _RACE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _record(
        self,
        parsed: ParsedDataset,
        *,
        content_hash: str,
        filename: str,
        source: str,
        synthetic: bool,
        size: int,
        activate: bool,
    ) -> IngestResult:
        kind = parsed.kind
        with Session(self.engine) as session, session.begin():
            existing = session.scalars(
                select(DatasetVersion).where(
                    DatasetVersion.kind == kind.value, DatasetVersion.content_hash == content_hash
                )
            ).one_or_none()
            created = existing is None
            if created and source == "upload":
                self._check_quota(session, size)
            row = existing or self._store_new(
                session,
                parsed,
                content_hash=content_hash,
                filename=filename,
                source=source,
                synthetic=synthetic,
                size=size,
            )
            session.flush()  # assigns row.id for a new version
            if activate:
                _point_active(session, kind, row.id)
            return IngestResult(VersionInfo.from_row(row), created)

    def _check_cube(self, parsed: ParsedDataset) -> None:
        """The loaded data is a dense queues × days matrix: refuse files that would make it
        huge (a 55-byte file spanning three centuries, or a tree of a million queues)."""
        if parsed.kind not in (DatasetKind.TICKETS, DatasetKind.HIERARCHY):
            return
        tickets = self.active(DatasetKind.TICKETS)
        hierarchy = self.active(DatasetKind.HIERARCHY)
        summary = parsed.summary
        if parsed.kind is DatasetKind.TICKETS:
            days = _days(summary)
            queues = max(int(summary["queues"]), int(_queues(hierarchy)))
        else:
            days = _days(tickets.summary) if tickets else 1
            queues = int(summary["queues"])
        cells = (queues + 1) * days
        limit = self.limits.max_cube_cells
        if cells > limit:
            raise DatasetValidationError(
                f"The data would span {days:,} days × {queues + 1:,} queues = {cells:,} cells; "
                f"the limit is {limit:,} (SUPPORT_AI_MAX_CUBE_CELLS). Upload a shorter period "
                "or a smaller tree.",
                code="data_too_large",
                days=days,
                queues=queues + 1,
                limit_cells=limit,
            )

    def _check_quota(self, session: Session, size: int) -> None:
        quota = self.limits.max_stored_bytes
        if quota is None:
            return
        stored = int(session.scalar(select(func.sum(DatasetVersion.size_bytes))) or 0)
        if stored + size > quota:
            raise QuotaExceededError(
                f"Storing this file ({size / 2**20:.1f} MB) would exceed the "
                f"{quota / 2**20:.0f} MB quota on stored data ({stored / 2**20:.1f} MB used); "
                "ask an admin to raise SUPPORT_AI_MAX_STORED_MB",
                quota_bytes=quota,
                stored_bytes=stored,
            )

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


def _days(summary: dict[str, Any]) -> int:
    start, end = date.fromisoformat(summary["start_date"]), date.fromisoformat(summary["end_date"])
    return (end - start).days + 1


def _queues(hierarchy: VersionInfo | None) -> int:
    return int(hierarchy.summary.get("queues") or 0) if hierarchy else 0


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
