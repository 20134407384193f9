"""Train, register and serve ticket classifiers.

Training runs as a job on a worker (``fit`` registers the version and queues ``train``), with
its status in the registry; trained pipelines are loaded from the registry once and kept in a
bounded cache, so a prediction never reloads or retrains a model.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.datasets.store import DatasetStore
from tasks_support_system_ai.errors import (
    ConflictError,
    InvalidInputError,
    JobFailedError,
    NotFoundError,
    public_message,
)
from tasks_support_system_ai.lru import LRUCache
from tasks_support_system_ai.memory import release_free_memory
from tasks_support_system_ai.nlp.batch import predict_distinct
from tasks_support_system_ai.nlp.linear import LinearTextModel, TextPredictor
from tasks_support_system_ai.registry import ModelRecord, ModelRegistry
from tasks_support_system_ai.registry.store import Stage

if TYPE_CHECKING:  # serving linear models never imports scikit-learn
    from sklearn.pipeline import Pipeline

    from tasks_support_system_ai.jobs.kinds import JobParams

log = logging.getLogger(__name__)
CLASSIFIER = "ticket-classifier"
CLASSIFIER_KIND: Final = "nlp_classifier"  # registry kind of every classifier version
PRODUCTION = "production"  # model id alias: the current production classifier
PRODUCTION_TTL_S = 1.0
LINEAR_EXPORT: Final = "linear.npz"
DEFAULT_MODEL: Final[tuple[str, dict[str, Any]]] = ("linear_svc", {})
"""The default classifier, the same for ``fit_nlp {}``, the production default and labeling:
the best macro-F1 on the open text sets (``docs/quality.md``)."""
WAIT_TIMEOUT_S: Final = 900.0


class InferenceRecorder(Protocol):
    """Where prediction calls are counted (``observability.metrics.InferenceTimer``): given by
    the wiring, so text models never import the metrics machinery."""

    def record(self, model: str, texts: int, seconds: float) -> None: ...


class _NotRecorded:
    def record(self, model: str, texts: int, seconds: float) -> None:
        pass


NOT_RECORDED: Final = _NotRecorded()


class Jobs(Protocol):
    """The job system as training needs it (``jobs.JobService``)."""

    def submit(self, kind: str, params: JobParams) -> Any: ...
    def wait(self, job_id: str, timeout_s: float) -> Any: ...


@dataclass(frozen=True)
class NlpFitParams:
    """An ``nlp_fit`` job: train the registered version ``model_id``, then maybe promote it."""

    model_id: str
    model: str
    config: dict[str, Any]
    preprocessing: dict[str, Any] = field(default_factory=dict)
    promote: Stage | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "model": self.model,
            "config": self.config,
            "preprocessing": self.preprocessing,
            "promote": self.promote,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            model_id=data["model_id"],
            model=data["model"],
            config=dict(data["config"]),
            preprocessing=dict(data.get("preprocessing") or {}),
            promote=data.get("promote"),
        )


def wait_for_training(jobs: Jobs, job_id: str, model_id: str) -> None:
    """Wait for a training job; one that failed or was cancelled raises its own error code,
    so a waiting caller never gets the id of a model that does not exist."""
    job = jobs.wait(job_id, WAIT_TIMEOUT_S)
    if job.status in ("failed", "cancelled"):
        reason = job.error_message or job.status
        raise JobFailedError(
            f"Training {model_id} {job.status}: {reason}",
            code=job.error_code or f"job_{job.status}",
            job_id=job_id,
            model_id=model_id,
        )


class TrainingTexts:
    """The labeled ticket texts models train on: the active ``texts`` dataset version (with no
    texts version yet, the synthetic demo texts become one); with a reference to the exact
    content used."""

    def __init__(self, path: Path, datasets: DatasetStore | None = None) -> None:
        self.path = path
        self.datasets = datasets

    def load(self) -> tuple[pd.DataFrame, str]:
        """Columns ``full`` (the text a model sees) and ``topic`` (its label), and a reference."""
        if self.datasets is None:
            return self._demo()
        version = self.datasets.active(DatasetKind.TEXTS)
        if version is None:
            self._require_demo_file()
            version = self.datasets.ingest(
                DatasetKind.TEXTS,
                self.path.read_bytes(),
                self.path.name,
                source="demo",
                synthetic=True,
                size_limited=False,
            ).version
        frame = self.datasets.load_frame(version)
        topics = frame.rename(columns={"text": "full", "label": "topic"})
        return topics, f"texts v{version.id}@{version.content_hash[:12]}"

    def _require_demo_file(self) -> None:
        if not self.path.exists():
            raise InvalidInputError(
                "No ticket texts to train on: upload a texts dataset "
                "(POST /api/upload_data, df_type=texts) or run `support-ai data generate`",
                code="no_training_data",
            )

    def _demo(self) -> tuple[pd.DataFrame, str]:
        self._require_demo_file()
        raw = self.path.read_bytes()
        frame = pd.read_parquet(self.path, columns=["subject", "text", "label"])
        frame["full"] = frame["subject"] + " " + frame["text"]
        frame = frame.rename(columns={"label": "topic"})
        return frame, f"{self.path.name}@{hashlib.sha256(raw).hexdigest()[:12]}"


class ServedModel:
    """A classifier in memory. TF-IDF + linear models are scored from their array form
    (``nlp.linear``), read from the export written at training, so serving them never imports
    scikit-learn (docs/benchmarks.md); the pipeline itself is loaded on first need only
    (probabilities, other pipelines)."""

    def __init__(
        self,
        load_pipeline: Callable[[], Pipeline],
        linear: LinearTextModel | None = None,
        pipeline: Pipeline | None = None,
    ) -> None:
        self._load_pipeline = load_pipeline
        self._pipeline = pipeline
        self._lock = threading.Lock()
        self.linear = linear
        self.predict_one: TextPredictor = (
            linear.predict_one if linear else _single_text_predictor(self.pipeline)
        )

    @classmethod
    def of(cls, pipeline: Pipeline) -> ServedModel:
        """A pipeline already loaded (its array form built from it when it has one)."""
        served = cls(lambda: pipeline, _linear_form(pipeline), pipeline)
        release_free_memory()  # reading the artifact took several times the model's size
        return served

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                self._pipeline = self._load_pipeline()
                release_free_memory()
            return self._pipeline

    def predict_many(self, texts: Sequence[str]) -> list[str]:
        if self.linear is None:
            return [str(label) for label in self.pipeline.predict(list(texts))]
        return [str(label) for label in self.linear.labels(self.linear.prepare(list(texts)))]

    def predict_column(self, texts: pa.Array) -> pa.Array:
        """Labels of a column of texts (a CSV block), as an Arrow array."""
        if self.linear is None:
            labels = predict_distinct(self.pipeline, texts.fill_null("").to_pylist())
            return pa.array(labels.tolist(), pa.string())
        return self.linear.label_column(texts)


def _linear_form(pipeline: Pipeline) -> LinearTextModel | None:
    from tasks_support_system_ai.nlp.fast import linear_model, supports_linear

    return linear_model(pipeline) if supports_linear(pipeline) else None


def _single_text_predictor(pipeline: Pipeline) -> TextPredictor:
    from tasks_support_system_ai.nlp.fast import single_text_predictor

    return single_text_predictor(pipeline)


class NLPService:
    def __init__(
        self,
        registry: ModelRegistry,
        texts: TrainingTexts,
        jobs: Jobs,
        cache_size: int = 8,
        *,
        route_inferences: InferenceRecorder = NOT_RECORDED,
        batch_inferences: InferenceRecorder = NOT_RECORDED,
    ) -> None:
        """``route_inferences`` and ``batch_inferences`` count single-request and batch (CSV,
        labeling) predictions."""
        self.registry = registry
        self.texts = texts
        self.jobs = jobs
        self.route_inferences = route_inferences
        self.batch_inferences = batch_inferences
        self.serving: LRUCache[str, ServedModel] = LRUCache(cache_size)
        self._production: tuple[float, str | None] = (float("-inf"), None)

    def fit(
        self,
        model: str,
        config: dict[str, Any],
        *,
        wait: bool = False,
        protected: bool = False,
        promote_to: Stage | None = None,
        preprocessing: dict[str, Any] | None = None,
    ) -> ModelRecord:
        """Register a version in status "training" and queue its training as a job (which
        promotes it to ``promote_to`` once trained). ``preprocessing``: normaliser, language,
        stop words (see ``nlp.classifier.build_classifier``)."""
        from tasks_support_system_ai.nlp.classifier import build_classifier

        preprocessing = preprocessing or {}
        build_classifier(model, config, **preprocessing)  # reject a bad request before registering
        _, dataset_ref = self.texts.load()
        record = self.registry.create(
            CLASSIFIER,
            CLASSIFIER_KIND,
            {"model": model, "config": config, "preprocessing": preprocessing},
            dataset_ref=dataset_ref,
            protected=protected,
        )
        params = NlpFitParams(record.id, model, config, preprocessing, promote_to)
        job = self.jobs.submit("nlp_fit", params)
        if wait:
            wait_for_training(self.jobs, job.id, record.id)
        return self.registry.get(record.id)

    def ensure_default_model(self) -> ModelRecord | None:
        """With no production classifier (a fresh install), queue the protected default one:
        trained on the active texts, promoted to production when ready, kept by ``remove_all``
        unless forced. ``None`` when there is one, or a default is already being trained."""
        if self.registry.production(CLASSIFIER) is not None:
            return None
        if any(
            m.protected and m.status == "training" and m.name == CLASSIFIER
            for m in self.registry.records(CLASSIFIER_KIND)
        ):
            return None
        return self.fit(*DEFAULT_MODEL, protected=True, promote_to="production")

    def run_fit(self, params: NlpFitParams) -> dict[str, Any]:
        """The ``nlp_fit`` job: train, then promote if asked; the job's result."""
        record = self.train(params.model_id, params.model, params.config, params.preprocessing)
        if params.promote:
            record = self.promote(record.id, params.promote)
        return {"model_id": record.id, "macro_f1": record.macro_f1, "stage": record.stage}

    def train(
        self,
        model_id: str,
        model: str,
        config: dict[str, Any],
        preprocessing: dict[str, Any] | None = None,
    ) -> ModelRecord:
        """Train a registered version (run by the job); a failure is recorded, then raised."""
        from tasks_support_system_ai.nlp.training import train_classifier

        try:
            frame, _ = self.texts.load()
            texts, labels = frame["full"].tolist(), frame["topic"].astype(str).tolist()
            trained = train_classifier(texts, labels, model, config, preprocessing=preprocessing)
            self._export_linear(model_id, _linear_form(trained.pipeline))  # before "ready"
            return self.registry.complete(model_id, trained.pipeline, trained.report)
        except Exception as error:
            log.exception("Training %s failed", model_id)
            self.registry.fail(model_id, public_message(error))
            raise

    def statistics(self, model_id: str) -> dict[str, Any]:
        record = self.registry.get(model_id, CLASSIFIER_KIND)
        if record.status != "ready":
            detail = f": {record.error}" if record.error else ""
            raise ConflictError(
                f"Model {model_id} is {record.status}{detail}", code=f"model_{record.status}"
            )
        return record.metrics

    def resolve(self, model_id: str) -> str:
        """``production`` → the id of the current production model (re-read at most every 1 s)."""
        if model_id != PRODUCTION:
            return model_id
        checked_at, current = self._production
        if time.monotonic() - checked_at > PRODUCTION_TTL_S:
            record = self.registry.production(CLASSIFIER)
            current = record.id if record else None
            self._production = (time.monotonic(), current)
        if current is None:
            raise NotFoundError("No production model: promote one first", code="model_not_found")
        return current

    def pipeline(self, model_id: str) -> Pipeline:
        """The loaded pipeline; loaded from the registry on first use and kept in memory."""
        return self._served(model_id).pipeline

    def linear_export(self, model_id: str) -> str | None:
        """Object key of the model as plain arrays (``nlp.linear``), written at training (or
        here, for models trained before that); ``None`` when the pipeline is not a plain TF-IDF
        + linear one. Serving and batch-labeling workers load this instead of the pipeline."""
        resolved = self.resolve(model_id)
        key = self.registry.derived_key(resolved, LINEAR_EXPORT)
        if self.registry.objects.exists(key):
            return key
        return self._export_linear(resolved, self._served(resolved).linear)

    def load(self, model_id: str) -> None:
        """Load a ready model into the serving cache (4xx now for an unknown or unready one)."""
        self._served(model_id)

    def _export_linear(self, model_id: str, linear: LinearTextModel | None) -> str | None:
        if linear is None:
            return None
        key = self.registry.derived_key(model_id, LINEAR_EXPORT)
        if not self.registry.objects.exists(key):
            self.registry.objects.put_bytes(key, linear.to_bytes())
        return key

    def _served(self, model_id: str) -> ServedModel:
        resolved = self.resolve(model_id)
        loaded, _ = self.serving.get_or_compute(resolved, lambda: self._load_served(resolved))
        return loaded

    def _load_served(self, model_id: str) -> ServedModel:
        """From the array export when there is one (no scikit-learn), else from the artifact
        (writing the export, for models trained before exports were written at training)."""
        record = self.registry.get(model_id, CLASSIFIER_KIND)
        key = self.registry.derived_key(model_id, LINEAR_EXPORT)
        if record.status != "ready" or not self.registry.objects.exists(key):
            served = ServedModel.of(self.registry.load(model_id, CLASSIFIER_KIND))
            self._export_linear(model_id, served.linear)
            return served
        linear = LinearTextModel.from_bytes(self.registry.objects.get_bytes(key))
        return ServedModel(lambda: self.registry.load(model_id), linear)

    def preload_production(self) -> None:
        """Load the production classifier ahead of traffic (start-up); a failure is only logged."""
        try:
            self.load(PRODUCTION)
        except NotFoundError:
            return
        except Exception:
            log.exception("Could not preload the production classifier")

    def loaded_predictor(self, model_id: str) -> TextPredictor | None:
        """The single-text predictor if the model is already in memory (never loads or waits)."""
        try:
            served = self.serving.get(self.resolve(model_id))
        except NotFoundError:
            return None
        return served.predict_one if served else None

    def promote(self, model_id: str, stage: Stage, *, force: bool = False) -> ModelRecord:
        """Load first, then switch: requests never wait for a load after a promotion."""
        self.registry.get(model_id, CLASSIFIER_KIND)  # only classifiers are promoted here
        if stage == PRODUCTION:
            self.load(model_id)
        record = self.registry.promote(model_id, stage, force=force)
        self._production = (float("-inf"), None)
        return record

    def unload(self, model_id: str) -> int:
        return self.serving.remove_where(lambda key: key == model_id)

    def predict(self, model_id: str, texts: Sequence[str]) -> list[str]:
        check_texts(texts)
        served = self._served(model_id)
        started = time.perf_counter()
        labels = [served.predict_one(texts[0])] if len(texts) == 1 else served.predict_many(texts)
        self.route_inferences.record(model_id, len(texts), time.perf_counter() - started)
        return labels

    def predict_column(self, model_id: str, texts: pa.Array) -> pa.Array:
        """Labels of a large batch (a CSV block); rows may be empty, no single-text path."""
        served = self._served(model_id)
        started = time.perf_counter()
        labels = served.predict_column(texts)
        self.batch_inferences.record(model_id, len(texts), time.perf_counter() - started)
        return labels

    def predict_scores(
        self, model_id: str, texts: Sequence[str]
    ) -> tuple[list[str], npt.NDArray[np.float64]]:
        check_texts(texts)
        pipeline = self.pipeline(model_id)
        return [str(c) for c in pipeline.classes_], pipeline.predict_proba(list(texts))

    def remove(self, model_id: str, *, force: bool = False) -> ModelRecord:
        self.registry.get(model_id, CLASSIFIER_KIND)  # never a forecaster or clustering
        record = self.registry.remove(model_id, force=force)
        self.serving.remove_where(lambda key: key == model_id)
        self._production = (float("-inf"), None)  # it may have been the production model
        return record

    def remove_all(self, *, force: bool = False) -> list[str]:
        """Remove every classifier but the protected ones: the default ones and the production
        one (all of them with ``force``)."""
        removed = set(self.registry.remove_all(CLASSIFIER_KIND, force=force))
        self.serving.remove_where(lambda key: key in removed)
        self._production = (float("-inf"), None)
        return sorted(removed)


def check_texts(texts: Sequence[str]) -> None:
    empty = [i for i, text in enumerate(texts) if not str(text).strip()]
    if not texts or empty:
        raise InvalidInputError(
            "Text must not be empty" + (f" (items {empty[:10]})" if empty else ""),
            code="empty_text",
        )
