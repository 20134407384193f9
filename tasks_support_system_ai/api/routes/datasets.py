"""Data status, samples, uploads and dataset versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.concurrency import run_in_threadpool

from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES, BaseResponse, Page
from tasks_support_system_ai.api.schemas.datasets import (
    DataFrameResponse,
    DatasetVersionOut,
    DataStatus,
    UploadResponse,
)
from tasks_support_system_ai.context import AppContext
from tasks_support_system_ai.datasets.bootstrap import restore_demo_data
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.datasets.samples import sample_rows
from tasks_support_system_ai.datasets.store import VersionInfo
from tasks_support_system_ai.errors import (
    DataNotReadyError,
    InvalidInputError,
    PayloadTooLargeError,
)

router = APIRouter(prefix="/api", tags=["data"], responses=ERROR_RESPONSES)


def _version_out(version: VersionInfo, active_ids: set[int] | None = None) -> DatasetVersionOut:
    fields = {k: v for k, v in vars(version).items() if k != "object_key"}
    fields["kind"] = version.kind.value
    return DatasetVersionOut(**fields, active=version.id in (active_ids or {version.id}))


@router.get("/data-status", response_model=DataStatus)
def data_status(context: ContextDep) -> DataStatus:
    """Whether tickets and a hierarchy are loaded, and which versions."""
    try:
        data = context.active.current()
    except DataNotReadyError as exc:
        return DataStatus(status=False, message=exc.message)
    return DataStatus(
        status=True,
        message="success",
        synthetic=data.synthetic,
        tickets=_version_out(data.tickets),
        hierarchy=_version_out(data.hierarchy),
        unknown_queue_tickets=data.load.unknown_queue_tickets,
    )


@router.get("/sample_data", response_model=DataFrameResponse)
def sample_data(
    context: ContextDep,
    df_type: Annotated[DatasetKind, Query(description="tickets or hierarchy")],
    rows: Annotated[int, Query(ge=1, le=1000)] = 5,
) -> DataFrameResponse:
    """First rows of the active dataset in upload format, and the full dataset's shape."""
    version = context.datasets.active(df_type)
    sample, shape = sample_rows(context.datasets, df_type, version, rows)
    return DataFrameResponse(
        columns=list(sample.columns),
        data=sample.to_dict(orient="records"),
        shape=shape,
        df_type=df_type.value,
    )


@router.post("/reload_local_data", response_model=BaseResponse)
def reload_local_data(context: ContextDep) -> BaseResponse:
    """Undo uploads: tickets, hierarchy and texts return to the demo (or locally imported) data."""
    settings = context.settings
    restore_demo_data(context.datasets, settings.demo_dir, seed=settings.demo_seed)
    if context.active.refresh() is None:
        raise DataNotReadyError("No local data to reload: run `support-ai data generate`")
    return BaseResponse(status="data reloaded", message="success")


@router.post("/upload_data", response_model=UploadResponse)
async def upload_data(
    context: ContextDep,
    file: Annotated[UploadFile, File(description="CSV or Parquet file")],
    df_type: Annotated[DatasetKind | None, Form(description="tickets, hierarchy or texts")] = None,
    df_type_query: Annotated[DatasetKind | None, Query(alias="df_type")] = None,
) -> UploadResponse:
    """Validate a file and make it the active version of its kind; invalid files change nothing."""
    kind = df_type or df_type_query
    if kind is None:
        raise InvalidInputError(
            "df_type is required: 'tickets', 'hierarchy' or 'texts'", code="missing_df_type"
        )
    limit = context.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError(
            f"File is larger than the {limit / 2**20:.0f} MB limit", limit_bytes=limit
        )
    return await run_in_threadpool(_ingest, context, kind, data, file.filename or "upload")


def _ingest(context: AppContext, kind: DatasetKind, data: bytes, filename: str) -> UploadResponse:
    result = context.datasets.ingest(kind, data, filename)
    loaded = context.active.refresh()
    warnings = []
    if loaded is not None and loaded.load.unknown_queue_tickets:
        share = loaded.load.unknown_queue_tickets / max(int(loaded.load.totals()[0]), 1)
        warnings.append(
            f"{loaded.load.unknown_queue_tickets} tickets ({share:.1%}) are in "
            f"{loaded.load.unknown_queue_ids} queue ids absent from the hierarchy; "
            "they count towards queue 0 (all queues) only"
        )
    return UploadResponse(
        status="success",
        message="Data updated successfully"
        if result.created
        else "Identical data already stored; re-activated",
        version=_version_out(result.version),
        created=result.created,
        warnings=warnings,
    )


@router.get("/datasets", response_model=list[DatasetVersionOut])
def list_datasets(
    context: ContextDep,
    page: Annotated[Page, Query()],
    kind: Annotated[DatasetKind | None, Query()] = None,
) -> list[DatasetVersionOut]:
    """Stored dataset versions, newest first (``limit``/``offset`` pages through them)."""
    active = {v.id for k in DatasetKind if (v := context.datasets.active(k))}
    return [_version_out(v, active) for v in page.of(context.datasets.versions(kind))]


@router.post("/datasets/{version_id}/activate", response_model=DatasetVersionOut)
def activate_dataset(
    context: ContextDep, version_id: Annotated[int, Path(ge=1, le=2**62)]
) -> DatasetVersionOut:
    """Make an earlier (or any) stored version the active one of its kind."""
    version = context.datasets.activate(version_id)
    context.active.refresh()
    return _version_out(version)
