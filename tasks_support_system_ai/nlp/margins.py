"""The default classifier: a linear SVM whose margins become probabilities by temperature scaling.

A linear SVM is the most accurate of the linear text models on the open ticket sets
(``docs/quality.md``) and fits in one pass, but has no probabilities; calibrating it by
cross-validation (``CalibratedClassifierCV``) fits it three more times. Training already has
out-of-sample margins — the statistics' held-out split or folds — so one temperature fitted on
those (Guo et al., 2017) turns margins into probabilities at no extra fit: ``softmax(margin / T)``.
Labels are the plain argmax of the margins, unchanged by ``T``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Self

import numpy as np
import numpy.typing as npt
from sklearn.svm import LinearSVC

FloatArray = npt.NDArray[np.float64]
_LOG_T_BOUNDS: Final = (-5.0, 5.0)


class MarginSVC(LinearSVC):  # type: ignore[misc]  # sklearn is untyped
    """``LinearSVC`` whose ``predict_proba`` is the softmax of margins / ``temperature_``."""

    def predict_proba(self, features: Any) -> FloatArray:
        return softmax_margins(self.decision_function(features), self.temperature)

    @property
    def temperature(self) -> float:
        return float(getattr(self, "temperature_", 1.0))

    def calibrate(self, margins: FloatArray, labels: Sequence[str]) -> Self:
        """Fit ``temperature_`` on out-of-sample margins of rows with known ``labels``."""
        self.temperature_ = fit_temperature(margins, labels, [str(c) for c in self.classes_])
        return self


def softmax_margins(margins: FloatArray, temperature: float) -> FloatArray:
    """Row-wise softmax of ``margins / temperature``; one margin per row means two classes."""
    scores = np.asarray(margins, dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([-scores / 2, scores / 2])
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    proba: FloatArray = exp / exp.sum(axis=1, keepdims=True)
    return proba


def fit_temperature(margins: FloatArray, labels: Sequence[str], classes: list[str]) -> float:
    """The temperature minimising the log loss of ``softmax(margins / T)`` (bounded search)."""
    from scipy.optimize import minimize_scalar

    index = {label: i for i, label in enumerate(classes)}
    truth = np.asarray([index.get(str(label), -1) for label in labels])
    known = truth >= 0
    if not known.any():
        return 1.0
    scores = np.asarray(margins, dtype=np.float64)[known]
    truth = truth[known]

    def loss(log_t: float) -> float:
        proba = softmax_margins(scores, float(np.exp(log_t)))
        return float(-np.mean(np.log(np.maximum(proba[np.arange(len(truth)), truth], 1e-300))))

    found = minimize_scalar(loss, bounds=_LOG_T_BOUNDS, method="bounded")
    return float(np.exp(found.x))
