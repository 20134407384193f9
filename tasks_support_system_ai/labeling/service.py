"""The batch-labeling service: plan time-range parts, label each on any worker, publish once.

The job's params (``LabelingParams``) say everything a worker needs (source, labeler, ranges),
so a part can run on any machine; the model is resolved to a concrete id at submission, so
every part labels with the same version even if production changes mid-job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, Self

import pyarrow.parquet as pq
from sqlalchemy.exc import SQLAlchemyError

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.errors import ConflictError, InvalidInputError, NotFoundError, shown
from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress, PartsPending
from tasks_support_system_ai.jobs.service import JobService
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
    from sklearn.pipeline import Pipeline

KIND: Final = "labeling"
STAGES: Final = ("label", "publish")  # the parts, then the one result
LABEL_SHARE: Final = 90.0  # % of job progress the label stage stands for
REQUEST_DEFAULTS: Final = {
    "default_label": "unlabeled",
    "parts": 2,
    "batch_rows": DEFAULT_BATCH_ROWS,
}
"""What a submission leaves out (the API's ``LabelingRequest`` has the same defaults)."""
_MAX_LINEAR_MODELS: Final = 4
_LINEAR_MODELS: dict[str, LinearTextModel] = {}


def staging_prefix(job_id: str) -> str:
    return f"labeling/{job_id}/staging"


def results_key(job_id: str) -> str:
    return f"labeling/{job_id}/labels.parquet"


@dataclass(frozen=True)
class LabelingParams:
    """A labeling job's parameters, fixed at submission: what every part needs on any worker."""

    source: dict[str, Any]  # where the tickets are, as the API validated it (``SourceSpec``)
    ranges: tuple[TimeRange, ...]  # one per part
    model_id: str | None = None  # a concrete version (never "production"), or rules instead
    scorer_key: str | None = None  # the model as plain arrays (``nlp.linear``), if it has them
    rules: list[dict[str, Any]] = field(default_factory=list)  # ``KeywordRules.from_config``
    default_label: str = "unlabeled"
    batch_rows: int = DEFAULT_BATCH_ROWS

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ranges": [r.to_dict() for r in self.ranges],
            "parts": len(self.ranges),
            "model_id": self.model_id,
            "scorer_key": self.scorer_key,
            "rules": self.rules,
            "default_label": self.default_label,
            "batch_rows": self.batch_rows,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            source=dict(data["source"]),
            ranges=tuple(TimeRange.from_dict(r) for r in data["ranges"]),
            model_id=data.get("model_id"),
            scorer_key=data.get("scorer_key"),
            rules=list(data.get("rules") or []),
            default_label=data.get("default_label", "unlabeled"),
            batch_rows=int(data.get("batch_rows", DEFAULT_BATCH_ROWS)),
        )


class TextModels(Protocol):
    """The text-model service as labeling needs it (``nlp.service.NLPService``)."""

    def resolve(self, model_id: str) -> str: ...
    def linear_export(self, model_id: str) -> str | None: ...
    def pipeline(self, model_id: str) -> Pipeline: ...


class LabelingService:
    """Labeling jobs: submitted here (validated, planned), run part by part on workers.

    ``models`` is called only when a model is needed, so a labeling process that scores a
    model's array form (or applies rules) never builds the text-model service.
    """

    def __init__(
        self,
        jobs: JobService,
        objects: ObjectStore,
        settings: Settings,
        models: Callable[[], TextModels],
    ) -> None:
        self.jobs = jobs
        self.objects = objects
        self.settings = settings
        self.models = models

    # submission --------------------------------------------------------------------------

    def submit(self, request: Mapping[str, Any]) -> JobRecord:
        """Validate the request fully (source readable, labeler usable), plan parts, queue it."""
        options = {**REQUEST_DEFAULTS, **request}
        model_id = scorer_key = None
        if options.get("model_id"):
            model_id = self.models().resolve(options["model_id"])
            # unknown or unfinished model → 4xx now; workers load the array form if it has one
            scorer_key = self.models().linear_export(model_id)
        else:
            rules = options.get("rules") or []
            KeywordRules.from_config(rules, default_label=options["default_label"])
        with self.opened_source(options["source"]) as source:
            start, end = source.time_bounds()
            start = max(start, _naive_utc(options.get("start")) or start)
            end = min(end, _naive_utc(options.get("end")) or end)
            if start > end:
                raise InvalidInputError(
                    "The requested time range holds no tickets", code="empty_time_range"
                )
            ranges = _plan(source, start, end, options["parts"])
        params = LabelingParams(
            source=dict(options["source"]),
            ranges=tuple(ranges),
            model_id=model_id,
            scorer_key=scorer_key,
            rules=list(options.get("rules") or []),
            default_label=options["default_label"],
            batch_rows=options["batch_rows"],
        )
        return self.jobs.submit_split(KIND, params, len(params.ranges), STAGES)

    @contextmanager
    def opened_source(self, spec: Mapping[str, Any]) -> Iterator[TicketSource]:
        """``open_source``, closed afterwards; a SQL failure while reading is a coded 502."""
        source = self.open_source(spec)
        try:
            yield source
        except SQLAlchemyError as error:
            raise unavailable(str(spec.get("connection")), error) from None
        finally:
            if isinstance(source, SqlSource):
                source.close()

    def open_source(self, spec: Mapping[str, Any]) -> TicketSource:
        """A Parquet file under the data folder or in the object store, or a table of a named
        SQL connection from the settings."""
        columns = {k: spec[k] for k in ("id_column", "time_column", "text_column") if spec.get(k)}
        if spec["kind"] == "sql":
            return open_sql_source(self.settings, spec["connection"], spec["table"], columns)
        if spec["kind"] == "object":
            return ParquetSource(
                _cached_object(self.settings, self.objects, spec["key"]), **columns
            )
        return ParquetSource(_data_file(self.settings, spec["file"]), **columns)

    # worker side -------------------------------------------------------------------------

    def run_part(self, job_id: str, part: int, progress: JobProgress) -> dict[str, Any]:
        """Label one time range into its staging object (rerunning overwrites the same object)."""
        store = self.jobs.store
        params = LabelingParams.from_json(store.get(job_id).params)
        with self.opened_source(params.source) as source:
            summary, total = self._label_range(job_id, part, source, params, progress)
        store.finish_part(job_id, part, {**summary.to_dict(), "rows_total": total})
        store.set_progress(job_id, LABEL_SHARE * self._label_fraction(job_id))
        return summary.to_dict()

    def _label_range(
        self,
        job_id: str,
        part: int,
        source: TicketSource,
        params: LabelingParams,
        progress: JobProgress,
    ) -> tuple[PartSummary, int]:
        store = self.jobs.store
        time_range = params.ranges[part]
        total = max(
            source.count(time_range.start, time_range.end, include_end=time_range.closed_end), 1
        )
        store.start_part(job_id, part, {"rows_total": total})

        def report(rows_done: int) -> None:
            store.part_progress(job_id, part, rows_done)
            store.set_progress(job_id, LABEL_SHARE * self._label_fraction(job_id))

        try:
            summary = label_part(
                source,
                time_range,
                self._labeler(params),
                self.objects,
                staging_prefix(job_id),
                part,
                batch_rows=params.batch_rows,
                on_progress=report,
                should_stop=progress.should_stop,
            )
        except LabelingCancelled as cancelled:
            raise JobCancelled(f"Job {job_id} was cancelled") from cancelled
        return summary, total

    def _label_fraction(self, job_id: str) -> float:
        parts = self.jobs.store.parts(job_id)
        done = [p.rows_done / float((p.summary or {}).get("rows_total", 1)) for p in parts]
        return min(sum(done) / max(len(parts), 1), 1.0)

    def _labeler(self, params: LabelingParams) -> Labeler:
        if params.scorer_key:
            return LinearLabeler(_linear_model(self.objects, params.scorer_key))
        if params.model_id:
            return ModelLabeler(self.models().pipeline(params.model_id))
        return RuleLabeler(
            KeywordRules.from_config(params.rules, default_label=params.default_label)
        )

    def run_publish(self, job_id: str, progress: JobProgress) -> dict[str, Any]:
        """Deduplicate the parts (latest row per ticket id wins) into the job's result table."""
        store = self.jobs.store
        parts = store.parts(job_id)
        if any(p.status != "succeeded" for p in parts):
            raise PartsPending(job_id)
        rows_in = sum((p.summary or {}).get("rows_in", 0) for p in parts)
        store.finish_stage(job_id, STAGES[0], {"rows_in": rows_in, "parts": len(parts)})
        progress.update(LABEL_SHARE)
        summary = publish(self.objects, staging_prefix(job_id), len(parts), results_key(job_id))
        discard_staging(self.objects, staging_prefix(job_id))
        return {**summary.to_dict(), "parts": len(parts)}

    # results -----------------------------------------------------------------------------

    def sample_rows(self, job_id: str, n: int, seed: int) -> list[dict[str, Any]]:
        """``n`` published rows of a finished job."""
        record = self.jobs.store.get(job_id)
        if record.kind != KIND:
            raise NotFoundError(f"Job {shown(job_id)} is not a labeling job", code="job_not_found")
        if record.status != "succeeded":
            raise ConflictError(
                f"Job {job_id} is {record.status}; nothing is published yet",
                code=f"job_{record.status}",
            )
        return sample(self.objects, results_key(job_id), n, seed)


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


def _cached_object(settings: Settings, objects: ObjectStore, key: str) -> Path:
    """A local copy of an object-store Parquet file, fetched once per machine.

    Parquet is read by row group with random access, which a local file does well and an
    object store does not; keys are treated as immutable, like dataset versions. The copy is
    written under a temporary name and renamed, so workers sharing the folder never read half
    a file.
    """
    path = settings.data_dir / "cache" / "objects" / check_key(key)  # no "..", no "/x"
    if path.is_file():
        return path
    if not objects.exists(key):
        raise NotFoundError(
            f"No object {shown(key)} in the object store", code="source_not_found", key=key
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        objects.download(key, partial)
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


def _linear_model(objects: ObjectStore, key: str) -> LinearTextModel:
    """Loaded once per worker process: keys name immutable model versions."""
    if key not in _LINEAR_MODELS:
        if len(_LINEAR_MODELS) >= _MAX_LINEAR_MODELS:
            _LINEAR_MODELS.clear()
        _LINEAR_MODELS[key] = LinearTextModel.from_bytes(objects.get_bytes(key))
    return _LINEAR_MODELS[key]
