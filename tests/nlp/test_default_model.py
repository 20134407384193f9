"""A fresh install queues one protected default classifier, promoted when trained."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.demo import generate_demo
from tasks_support_system_ai.nlp.training import TrainedClassifier


def test_default_model_is_queued_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    generate_demo(settings.demo_dir, seed=3, progress=False)
    context = build_context(settings)
    first = context.nlp.ensure_default_model()
    assert first is not None
    assert first.protected
    assert first.status == "training"
    jobs = context.jobs.store.records(kind="nlp_fit")
    assert [job.params["promote"] for job in jobs] == ["production"]
    assert context.nlp.ensure_default_model() is None  # one is already being trained
    assert len(context.jobs.store.records(kind="nlp_fit")) == 1
    context.close()


def test_fit_nlp_without_a_model_trains_the_production_default() -> None:
    """One default: ``fit_nlp {}``, the protected production model and labeling (which scores
    with the production model) all train ``DEFAULT_MODEL``."""
    from tasks_support_system_ai.api.schemas.nlp import FitRequest
    from tasks_support_system_ai.nlp.classifier import DEFAULT_MODEL as CLASSIFIER_DEFAULT
    from tasks_support_system_ai.nlp.service import DEFAULT_MODEL
    from tasks_support_system_ai.nlp.training import train_classifier

    request = FitRequest()
    assert (request.model, request.config) == DEFAULT_MODEL
    assert DEFAULT_MODEL[0] == CLASSIFIER_DEFAULT
    texts = [f"роуминг не работает {k}" for k in range(6)] + [
        f"счёт неверный {k}" for k in range(6)
    ]
    trained = train_classifier(texts, ["roaming"] * 6 + ["billing"] * 6)
    classifier = trained.pipeline.named_steps["clf"]
    assert type(classifier).__name__ == "MarginSVC"
    assert classifier.C == 1.0


def test_default_model_survives_its_skops_artifact_with_probabilities() -> None:
    from tasks_support_system_ai.registry.artifacts import dump_artifact, load_artifact

    topics = {"r": "роуминг не работает", "b": "счёт неверный", "i": "интернет пропал"}
    texts = [f"{text} {k}" for text in topics.values() for k in range(8)]
    labels = [label for label in topics for _ in range(8)]
    trained = train_default(texts, labels)
    loaded = load_artifact(dump_artifact(trained.pipeline))  # only trusted types: no pickle
    probe = ["роуминг", "интернет и счёт", "новые слова"]
    assert loaded.predict(probe).tolist() == trained.pipeline.predict(probe).tolist()
    assert loaded[-1].temperature == trained.pipeline[-1].temperature != 1.0  # fitted, kept
    proba = loaded.predict_proba(probe)
    assert proba.sum(axis=1) == pytest.approx([1, 1, 1])
    assert trained.report["evaluation"]["temperature"] == round(trained.pipeline[-1].temperature, 4)


def train_default(texts: list[str], labels: list[str]) -> TrainedClassifier:
    from tasks_support_system_ai.nlp.training import train_classifier

    return train_classifier(texts, labels)
