"""Ticket classifiers: word and character TF-IDF features with a linear model.

``linear_svc`` (the default: see ``docs/quality.md``) is a linear SVM whose probabilities come
from a temperature fitted on held-out margins (``nlp.margins``). The original service's request
shapes still work: ``{"model": "logistic", "config": {"C": 10, "solver": "lbfgs"}}`` and
``{"model": "svm", "config": {"C": 1, "kernel": "linear", "class_weight": "balanced"}}`` (the SVM
calibrated by cross-validation). Every model sees the same features (``nlp.features``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC, LinearSVC

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.features import FeatureSettings
from tasks_support_system_ai.nlp.margins import MarginSVC
from tasks_support_system_ai.nlp.prepare import Normaliser
from tasks_support_system_ai.nlp.preprocess import Preprocessor

ModelType = Literal["linear_svc", "logistic", "svm"]
DEFAULT_MODEL: Final = "linear_svc"
LINEAR_SVC_KEYS = {"C", "class_weight", "max_iter", "tol"}
LOGISTIC_KEYS = {"C", "solver", "max_iter", "class_weight", "penalty"}
SVM_KEYS = {"C", "kernel", "class_weight", "max_iter"}
LINEAR_SVC_DEFAULTS: Final = {"C": 1.0, "class_weight": "balanced", "tol": 0.1}
"""``tol`` 0.1 is liblinear's own default for this solver; scikit-learn's 1e-4 iterates longer
for the same macro-F1 on the open sets (``docs/benchmarks.md``)."""


def _estimator(model: str, config: dict[str, Any]) -> Any:
    kind = model.strip().lower()
    if kind in {"linear_svc", "default"}:
        _check_keys(kind, config, LINEAR_SVC_KEYS)
        return MarginSVC(**{**LINEAR_SVC_DEFAULTS, **config})
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
        f"Unknown model {model!r}; use 'linear_svc', 'logistic' or 'svm'",
        code="unknown_model",
        model=model,
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
    features: FeatureSettings | None = None,
) -> Pipeline:
    """An unfitted pipeline from raw ticket text: PII scrubbing and normalisation come first,
    so neither the vocabulary in the artifact nor any derived data holds personal data.
    ``language="auto"`` detects Russian or English from the training texts. No stop words are
    dropped unless given: ``stop_words`` is the list to drop (measured on the open sets, dropping
    the default lists costs up to several macro-F1 points: "how", "my", "not" carry intent);
    ``extra_stop_words`` adds to it. Markup (HTML, e-mail
    headers and quoted replies) is cleaned before anything else."""
    estimator = _estimator(model, dict(config or {}))
    vectorizer = (features or FeatureSettings()).union()
    preprocessor = Preprocessor(
        language=language,  # type: ignore[arg-type]
        normaliser=normaliser,
        stop_words=() if stop_words is None else tuple(stop_words),
        extra_stop_words=tuple(extra_stop_words),
    )
    return Pipeline([("prep", preprocessor), ("tfidf", vectorizer), ("clf", estimator)])
