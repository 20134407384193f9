"""Train a ticket classifier on a stratified split and report its statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.classifier import build_classifier
from tasks_support_system_ai.nlp.evaluation import classification_report

MIN_PER_CLASS = 5


@dataclass(frozen=True)
class TrainedClassifier:
    pipeline: Pipeline
    report: dict[str, Any]
    classes: list[str]


def train_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    model: str = "logistic",
    config: dict[str, Any] | None = None,
    *,
    preprocessing: dict[str, Any] | None = None,
    test_size: float = 0.2,
    seed: int = 42,
) -> TrainedClassifier:
    """Fit on a stratified train split; statistics come from the held-out split.
    ``preprocessing``: ``build_classifier``'s keyword options (normaliser, stop words...)."""
    pipeline = build_classifier(model, config, **(preprocessing or {}))  # bad request: fail first
    y = np.asarray(labels, dtype=str)
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        raise InvalidInputError("Need at least two classes to train", code="too_few_classes")
    rare = classes[counts < MIN_PER_CLASS].tolist()
    if rare:
        raise InvalidInputError(
            f"Classes with fewer than {MIN_PER_CLASS} examples: {', '.join(rare[:10])}",
            code="class_too_small",
            classes=rare,
        )
    x_train, x_test, y_train, y_test = train_test_split(
        list(texts), y, test_size=test_size, stratify=y, random_state=seed
    )
    pipeline.fit(x_train, y_train)
    fitted_classes = [str(c) for c in pipeline.classes_]
    report = classification_report(y_test, pipeline.predict_proba(x_test), fitted_classes)
    return TrainedClassifier(pipeline, report, fitted_classes)
