"""The batch-labeling job: plan time-range parts, label each on any worker, publish once.

The job's params say everything a worker needs (source, labeler, ranges), so a part can run on
any machine; the model is resolved to a concrete id at submission, so every part labels with
the same version even if production changes mid-job.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pyarrow.parquet as pq
from sqlalchemy.exc import SQLAlchemyError

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.errors import ConflictError, InvalidInputError, NotFoundError, shown
from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress, PartsPending
from tasks_support_system_ai.jobs.store import JobRecord
from tasks_support_system_ai.labeling import (
    DEFAULT_BATCH_ROWS,
    KeywordRules,
    Labeler,
    LabelingCancelled,
    LinearLabeler,
    ModelLabeler,
    ParquetSource,
    PartSummary,
    RuleLabeler,
    SqlSource,
    TicketSource,
    TimeRange,
    discard_staging,
    label_part,
    publish,
    sample,
    split_by_rows,
    split_time_range,
)
from tasks_support_system_ai.labeling.sql_sources import open_sql_source, unavailable
from tasks_support_system_ai.nlp.linear import LinearTextModel
from tasks_support_system_ai.storage import ObjectStore
from tasks_support_system_ai.storage.base import check_key

if TYPE_CHECKING:
    from tasks_support_system_ai.context import AppContext

LABEL_SHARE: Final = 90.0  # % of job progress the label stage stands for
REQUEST_DEFAULTS: Final = {
    "default_label": "unlabeled",
    "parts": 2,
    "batch_rows": DEFAULT_BATCH_ROWS,
}
_MAX_LINEAR_MODELS: Final = 4
_LINEAR_MODELS: dict[str, LinearTextModel] = {}


def staging_prefix(job_id: str) -> str:
    return f"labeling/{job_id}/staging"


def results_key(job_id: str) -> str:
    return f"labeling/{job_id}/labels.parquet"


# submission ------------------------------------------------------------------------------


def submit(context: AppContext, request: dict[str, Any]) -> JobRecord:
    """Validate the request fully (source readable, labeler usable), plan parts, queue it."""
    params = {**REQUEST_DEFAULTS, **request}
    if params.get("model_id"):
        params["model_id"] = context.nlp.resolve(params["model_id"])
        # unknown or unfinished model → 4xx now; workers load the array form when there is one
        params["scorer_key"] = context.nlp.linear_export(params["model_id"])
    else:
        KeywordRules.from_config(params.get("rules") or [], default_label=params["default_label"])
    with opened_source(context, params["source"]) as source:
        start, end = source.time_bounds()
        start = max(start, _naive_utc(params.get("start")) or start)
        end = min(end, _naive_utc(params.get("end")) or end)
        if start > end:
            raise InvalidInputError(
                "The requested time range holds no tickets", code="empty_time_range"
            )
        ranges = _plan(source, start, end, params["parts"])
    params |= {"start": None, "end": None, "ranges": [r.to_dict() for r in ranges]}
    return context.jobs.submit_labeling(params, len(ranges))


def _plan(source: TicketSource, start: datetime, end: datetime, parts: int) -> list[TimeRange]:
    """Parts of equal row counts when the times are cheap to read (Parquet), else equal spans."""
    if isinstance(source, ParquetSource) and start.tzinfo is None:
        column = source.columns[1]
        times = pq.read_table(source.path, columns=[column]).column(column).to_numpy()
        return split_by_rows(times, start, end, parts)
    return split_time_range(start, end, parts)


def _naive_utc(moment: datetime | str | None) -> datetime | None:
    """Ticket tables store UTC without a zone; requests may carry one."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@contextmanager
def opened_source(context: AppContext, spec: dict[str, Any]) -> Iterator[TicketSource]:
    """``open_source``, closed afterwards; a SQL failure while reading is a coded 502."""
    source = open_source(context, spec)
    try:
        yield source
    except SQLAlchemyError as error:
        raise unavailable(str(spec.get("connection")), error) from None
    finally:
        if isinstance(source, SqlSource):
            source.close()


def open_source(context: AppContext, spec: dict[str, Any]) -> TicketSource:
    """A Parquet file under the data folder or in the object store, or a table of a named
    SQL connection from the settings."""
    columns = {k: spec[k] for k in ("id_column", "time_column", "text_column") if spec.get(k)}
    if spec["kind"] == "sql":
        return open_sql_source(context.settings, spec["connection"], spec["table"], columns)
    if spec["kind"] == "object":
        return ParquetSource(_cached_object(context, spec["key"]), **columns)
    return ParquetSource(_data_file(context.settings, spec["file"]), **columns)


def _cached_object(context: AppContext, key: str) -> Path:
    """A local copy of an object-store Parquet file, fetched once per machine.

    Parquet is read by row group with random access, which a local file does well and an
    object store does not; keys are treated as immutable, like dataset versions. The copy is
    written under a temporary name and renamed, so workers sharing the folder never read half
    a file.
    """
    path = context.settings.data_dir / "cache" / "objects" / check_key(key)  # no "..", no "/x"
    if path.is_file():
        return path
    if not context.objects.exists(key):
        raise NotFoundError(
            f"No object {shown(key)} in the object store", code="source_not_found", key=key
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        context.objects.download(key, partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _data_file(settings: Settings, relative: str) -> Path:
    """Only files inside the data folder may be read: the API must not expose the disk."""
    root = settings.data_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise InvalidInputError(
            f"{relative!r} is outside the data folder", code="invalid_source", file=relative
        )
    if not path.is_file():
        raise NotFoundError(
            f"No file {relative!r} in the data folder", code="source_not_found", file=relative
        )
    return path


# worker side -----------------------------------------------------------------------------


def run_part(context: AppContext, job_id: str, part: int, progress: JobProgress) -> dict[str, Any]:
    """Label one time range into its staging object (rerunning overwrites the same object)."""
    store = context.jobs.store
    params = store.get(job_id).params
    with opened_source(context, params["source"]) as source:
        summary, total = _label_range(
            context, job_id, part, source, params=params, progress=progress
        )
    store.finish_part(job_id, part, {**summary.to_dict(), "rows_total": total})
    store.set_progress(job_id, LABEL_SHARE * _label_fraction(context, job_id))
    return summary.to_dict()


def _label_range(
    context: AppContext,
    job_id: str,
    part: int,
    source: TicketSource,
    *,
    params: dict[str, Any],
    progress: JobProgress,
) -> tuple[PartSummary, int]:
    store = context.jobs.store
    time_range = TimeRange.from_dict(params["ranges"][part])
    total = max(
        source.count(time_range.start, time_range.end, include_end=time_range.closed_end), 1
    )
    store.start_part(job_id, part, {"rows_total": total})

    def report(rows_done: int) -> None:
        store.part_progress(job_id, part, rows_done)
        store.set_progress(job_id, LABEL_SHARE * _label_fraction(context, job_id))

    try:
        summary = label_part(
            source,
            time_range,
            _labeler(context, params),
            context.objects,
            staging_prefix(job_id),
            part,
            batch_rows=params["batch_rows"],
            on_progress=report,
            should_stop=progress.should_stop,
        )
    except LabelingCancelled as cancelled:
        raise JobCancelled(f"Job {job_id} was cancelled") from cancelled
    return summary, total


def _label_fraction(context: AppContext, job_id: str) -> float:
    parts = context.jobs.store.parts(job_id)
    done = [p.rows_done / float((p.summary or {}).get("rows_total", 1)) for p in parts]
    return min(sum(done) / max(len(parts), 1), 1.0)


def _labeler(context: AppContext, params: dict[str, Any]) -> Labeler:
    if params.get("scorer_key"):
        return LinearLabeler(_linear_model(context.objects, params["scorer_key"]))
    if params.get("model_id"):
        return ModelLabeler(context.nlp.pipeline(params["model_id"]))
    rules = KeywordRules.from_config(params["rules"], default_label=params["default_label"])
    return RuleLabeler(rules)


def _linear_model(objects: ObjectStore, key: str) -> LinearTextModel:
    """Loaded once per worker process: keys name immutable model versions."""
    if key not in _LINEAR_MODELS:
        if len(_LINEAR_MODELS) >= _MAX_LINEAR_MODELS:
            _LINEAR_MODELS.clear()
        _LINEAR_MODELS[key] = LinearTextModel.from_bytes(objects.get_bytes(key))
    return _LINEAR_MODELS[key]


def run_publish(context: AppContext, job_id: str, progress: JobProgress) -> dict[str, Any]:
    """Deduplicate the parts (latest row per ticket id wins) into the job's result table."""
    store = context.jobs.store
    parts = store.parts(job_id)
    if any(p.status != "succeeded" for p in parts):
        raise PartsPending(job_id)
    rows_in = sum((p.summary or {}).get("rows_in", 0) for p in parts)
    store.finish_stage(job_id, "label", {"rows_in": rows_in, "parts": len(parts)})
    progress.update(LABEL_SHARE)
    summary = publish(context.objects, staging_prefix(job_id), len(parts), results_key(job_id))
    discard_staging(context.objects, staging_prefix(job_id))
    return {**summary.to_dict(), "parts": len(parts)}


def sample_rows(context: AppContext, job_id: str, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` published rows of a finished job."""
    record = context.jobs.store.get(job_id)
    if record.kind != "labeling":
        raise NotFoundError(f"Job {shown(job_id)} is not a labeling job", code="job_not_found")
    if record.status != "succeeded":
        raise ConflictError(
            f"Job {job_id} is {record.status}; nothing is published yet",
            code=f"job_{record.status}",
        )
    return sample(context.objects, results_key(job_id), n, seed)
