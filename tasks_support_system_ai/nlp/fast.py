"""One ticket text → its label without scikit-learn's per-call overhead.

``pipeline.predict([text])`` spends about a millisecond on input validation and sparse-matrix
bookkeeping for a single row, far more than the arithmetic. For the common linear pipelines
(TF-IDF → logistic regression or linear SVM) the same answer is a dictionary lookup per n-gram
and a small dense product; anything else falls back to ``pipeline.predict``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

TextPredictor = Callable[[str], str]


def single_text_predictor(pipeline: Pipeline) -> TextPredictor:
    """The fastest exact single-text predictor available for ``pipeline``."""
    if LinearTextModel.supports(pipeline):
        return LinearTextModel(pipeline).predict_one
    return lambda text: str(pipeline.predict([text])[0])


class LinearTextModel:
    """TF-IDF features and a multi-class linear decision, computed for one text at a time."""

    def __init__(self, pipeline: Pipeline) -> None:
        prep, vectorizer, classifier = (step for _, step in pipeline.steps)
        self.prepare: Callable[[list[str]], list[str]] = prep.transform
        self.analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf: npt.NDArray[np.float64] = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.l2 = vectorizer.norm == "l2"
        self.weights = np.ascontiguousarray(classifier.coef_.T, dtype=np.float64)
        self.bias = np.asarray(classifier.intercept_, dtype=np.float64)
        self.classes = [str(c) for c in classifier.classes_]

    @staticmethod
    def supports(pipeline: Any) -> bool:
        """Three steps ending in TF-IDF and a linear model with one weight row per class."""
        steps = getattr(pipeline, "steps", [])
        if [name for name, _ in steps] != ["prep", "tfidf", "clf"]:
            return False
        vectorizer, classifier = steps[1][1], steps[2][1]
        return (
            isinstance(vectorizer, TfidfVectorizer)
            and vectorizer.use_idf
            and not vectorizer.binary
            and vectorizer.norm in ("l2", None)
            and isinstance(classifier, LogisticRegression | LinearSVC)
            and classifier.coef_.shape[0] == len(classifier.classes_) > 2
        )

    def predict_one(self, text: str) -> str:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for gram in self.analyze(self.prepare([text])[0]):
            column = vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return self.classes[int(np.argmax(self.bias))]
        columns = np.fromiter(counts.keys(), np.intp, len(counts))
        values = np.fromiter(counts.values(), np.float64, len(counts))
        if self.sublinear:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        if self.l2:
            values /= np.sqrt(values @ values)
        scores = values @ self.weights[columns] + self.bias
        return self.classes[int(np.argmax(scores))]
