"""Train a ticket classifier on every row; statistics from cross-validation or a held-out split.

Texts are prepared once and tokenised once (``nlp.features``); the served model and the
statistics' fits then differ only in their rows, and run two at a time (liblinear releases the
GIL). Rare labels follow ``nlp.label_rules``: trained on, never evaluated, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.classifier import DEFAULT_MODEL, build_classifier
from tasks_support_system_ai.nlp.evaluation import classification_report
from tasks_support_system_ai.nlp.features import TextFeatures
from tasks_support_system_ai.nlp.label_rules import EvaluationPlan, evaluation_plan
from tasks_support_system_ai.nlp.margins import MarginSVC, softmax_margins

FIT_THREADS: Final = 2
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TrainedClassifier:
    pipeline: Pipeline
    report: dict[str, Any]
    classes: list[str]


def train_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    model: str = DEFAULT_MODEL,
    config: dict[str, Any] | None = None,
    *,
    preprocessing: dict[str, Any] | None = None,
    seed: int = 42,
) -> TrainedClassifier:
    """Fit on all rows; the report's ``evaluation`` says how its statistics were made.
    ``preprocessing``: ``build_classifier``'s keyword options (normaliser, stop words...)."""
    pipeline = build_classifier(model, config, **(preprocessing or {}))  # bad request: fail first
    y = np.asarray(labels, dtype=str)
    if np.unique(y).size < 2:
        raise InvalidInputError("Need at least two classes to train", code="too_few_classes")
    plan = evaluation_plan(y.tolist(), seed)
    prep = pipeline.named_steps["prep"].fit(texts)
    features = TextFeatures(prep.transform(list(texts)), pipeline.named_steps["tfidf"])
    row_sets = [np.arange(len(y)), *(train for train, _ in plan.folds)]

    def fit(rows: IntArray) -> tuple[Any, Any]:
        union, matrix = features.fit(rows)
        return union, clone(pipeline.named_steps["clf"]).fit(matrix, y[rows])

    with ThreadPoolExecutor(FIT_THREADS) as pool:
        (union, classifier), *fold_fits = pool.map(fit, row_sets)
    report = _statistics(features, plan, fold_fits, y, classifier)
    fitted = Pipeline([("prep", prep), ("tfidf", union), ("clf", classifier)])
    return TrainedClassifier(fitted, report, [str(c) for c in classifier.classes_])


def _statistics(
    features: TextFeatures,
    plan: EvaluationPlan,
    fold_fits: list[tuple[Any, Any]],
    y: npt.NDArray[np.str_],
    served: Any,
) -> dict[str, Any]:
    """The spec's ClassificationReport over every test row of the plan, plus ``evaluation``."""
    classes = [str(c) for c in served.classes_]
    if not plan.folds:
        return {"evaluation": plan.describe(), "classes": {}}
    truth, outputs = [], []
    for (union, classifier), (_, test) in zip(fold_fits, plan.folds, strict=True):
        matrix = features.transform(union, test)
        if isinstance(classifier, MarginSVC):
            outputs.append(_aligned(classifier.decision_function(matrix), classifier, classes))
        else:
            outputs.append(_aligned(classifier.predict_proba(matrix), classifier, classes))
        truth.append(y[test])
    y_test, scores = np.concatenate(truth), np.concatenate(outputs)
    if isinstance(served, MarginSVC):
        served.calibrate(scores, y_test.tolist())
        scores = softmax_margins(scores, served.temperature)
    report = classification_report(y_test.tolist(), scores, classes)
    report["evaluation"] = plan.describe()
    if isinstance(served, MarginSVC):
        report["evaluation"]["temperature"] = round(served.temperature, 4)
    return report


def _aligned(values: Any, classifier: Any, classes: list[str]) -> npt.NDArray[np.float64]:
    """Per-class columns in the served model's class order (a fold may miss no evaluated class,
    but two-class margins come as one column)."""
    array = np.asarray(values, dtype=np.float64)
    own = [str(c) for c in classifier.classes_]
    if array.ndim == 1 or own == classes:
        return array
    out = np.full((array.shape[0], len(classes)), -np.inf if array.min() < 0 else 0.0)
    out[:, [classes.index(c) for c in own]] = array
    return out
