"""Classification statistics in the spec's ClassificationReport shape, plus dashboard extras."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

MAX_ROC_POINTS = 50


def classification_report(
    y_true: Sequence[str], proba: npt.NDArray[np.float64], classes: Sequence[str]
) -> dict[str, Any]:
    """ROC AUC (one-vs-rest, macro over the classes present in ``y_true``), accuracy,
    macro/weighted and per-class P/R/F1, the confusion matrix and per-class ROC points
    (downsampled for plotting). Classes with no test rows (too small to evaluate) have
    support 0 and no ROC curve."""
    labels = np.asarray(classes)
    truth = np.asarray(y_true)
    predicted = labels[proba.argmax(axis=1)]
    present = [i for i, c in enumerate(labels) if (truth == c).any() and not (truth == c).all()]
    report: dict[str, Any] = {
        "roc_auc": float(np.mean([roc_auc_score(truth == labels[i], proba[:, i]) for i in present]))
        if present
        else float("nan"),
        "accuracy": float(accuracy_score(truth, predicted)),
    }
    evaluated = [c for c in labels if (truth == c).any()]
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            truth, predicted, labels=evaluated, average=average, zero_division=0
        )
        report[f"{average}_avg"] = {"precision": float(p), "recall": float(r), "f1_score": float(f)}
    p, r, f, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    report["classes"] = {
        str(c): {"precision": float(p[i]), "recall": float(r[i]), "f1_score": float(f[i]),
                 "support": int(support[i])}
        for i, c in enumerate(labels)
    }  # fmt: skip
    report["confusion_matrix"] = {
        "labels": [str(c) for c in labels],
        "matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
    }
    report["roc_curves"] = {
        str(labels[i]): _roc_points(truth == labels[i], proba[:, i]) for i in present
    }
    return report


def _roc_points(
    positive: npt.NDArray[np.bool_], score: npt.NDArray[np.float64]
) -> dict[str, list[float]]:
    fpr, tpr, _ = roc_curve(positive, score)
    keep = np.unique(
        np.linspace(0, fpr.size - 1, min(MAX_ROC_POINTS, fpr.size)).round().astype(int)
    )
    return {"fpr": fpr[keep].round(4).tolist(), "tpr": tpr[keep].round(4).tolist()}
