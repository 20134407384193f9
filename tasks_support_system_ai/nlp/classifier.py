"""Ticket classifiers: TF-IDF features with logistic regression or a calibrated linear SVM.

The request shapes follow the original service: ``{"model": "logistic", "config": {"C": 10,
"solver": "lbfgs"}}`` and ``{"model": "svm", "config": {"C": 1, "kernel": "linear",
"class_weight": "balanced"}}``. The SVM is calibrated so it has probabilities for ROC curves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC, LinearSVC

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.prepare import Normaliser
from tasks_support_system_ai.nlp.preprocess import Preprocessor

ModelType = Literal["logistic", "svm"]
LOGISTIC_KEYS = {"C", "solver", "max_iter", "class_weight", "penalty"}
SVM_KEYS = {"C", "kernel", "class_weight", "max_iter"}


def _estimator(model: str, config: dict[str, Any]) -> Any:
    kind = model.strip().lower()
    if kind in {"logistic", "logreg", "logisticregression"}:
        _check_keys(kind, config, LOGISTIC_KEYS)
        params = {"max_iter": 1000, "class_weight": "balanced", **config}
        return LogisticRegression(**params)
    if kind in {"svm", "svc", "linearsvc"}:
        _check_keys(kind, config, SVM_KEYS)
        params = {"class_weight": "balanced", **config}
        kernel = params.pop("kernel", "linear")
        base = LinearSVC(**params) if kernel == "linear" else SVC(kernel=kernel, **params)
        return CalibratedClassifierCV(base, cv=3)
    raise InvalidInputError(
        f"Unknown model {model!r}; use 'logistic' or 'svm'", code="unknown_model", model=model
    )


def _check_keys(model: str, config: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise InvalidInputError(
            f"Unknown config for {model}: {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}",
            code="invalid_model_config",
            unknown=unknown,
        )


def build_classifier(
    model: str,
    config: dict[str, Any] | None = None,
    *,
    normaliser: Normaliser = "stem",
    language: str = "auto",
    stop_words: Sequence[str] | None = None,
    extra_stop_words: Sequence[str] = (),
    max_features: int = 50_000,
) -> Pipeline:
    """An unfitted pipeline from raw ticket text: PII scrubbing and normalisation come first,
    so neither the vocabulary in the artifact nor any derived data holds personal data.
    ``language="auto"`` detects Russian or English from the training texts; ``stop_words``
    replaces the language's default list, ``extra_stop_words`` adds to it."""
    estimator = _estimator(model, dict(config or {}))
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_features=max_features, sublinear_tf=True
    )
    preprocessor = Preprocessor(
        language=language,  # type: ignore[arg-type]
        normaliser=normaliser,
        stop_words=None if stop_words is None else tuple(stop_words),
        extra_stop_words=tuple(extra_stop_words),
    )
    return Pipeline([("prep", preprocessor), ("tfidf", vectorizer), ("clf", estimator)])
