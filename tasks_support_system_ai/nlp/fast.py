"""Ticket text → label without scikit-learn's overhead, for the common linear pipelines.

``pipeline.predict([text])`` spends about a millisecond on input validation and sparse-matrix
bookkeeping for a single row, far more than the arithmetic. For TF-IDF → logistic regression
or linear SVM the same answer is a dictionary lookup per n-gram and a small dense product; for
batches, one sparse product. The n-grams of our default vectorizer (words, 1–2-grams) are built
directly rather than by scikit-learn's general analyzer. Anything else uses ``pipeline``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
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
        self.analyze: Callable[[str], list[str]] = _analyzer(vectorizer)
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
        counts = self._counts(self.prepare([text])[0])
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

    def predict_prepared(self, prepared: list[str]) -> npt.NDArray[np.str_]:
        """Labels of texts already through the ``prep`` step, as one sparse product."""
        indptr, columns, counts = [0], list[int](), list[int]()
        for doc in prepared:
            row = self._counts(doc)
            columns.extend(row.keys())
            counts.extend(row.values())
            indptr.append(len(columns))
        values = np.asarray(counts, dtype=np.float64)
        index = np.asarray(columns, dtype=np.intp)
        if self.sublinear:
            values = np.log(values) + 1.0
        values *= self.idf[index]
        if self.l2:
            rows = np.repeat(np.arange(len(prepared)), np.diff(indptr))
            norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(prepared)))
            values /= norms[rows]
        features = csr_matrix((values, index, indptr), shape=(len(prepared), len(self.idf)))
        scores = features @ self.weights + self.bias
        labels: npt.NDArray[np.str_] = np.asarray(self.classes)[np.argmax(scores, axis=1)]
        return labels

    def _counts(self, doc: str) -> dict[int, int]:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for gram in self.analyze(doc):
            column = vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        return counts


def _analyzer(vectorizer: TfidfVectorizer) -> Callable[[str], list[str]]:
    """Word 1–2-grams of the default tokenizer, built directly; otherwise scikit-learn's own."""
    default = TfidfVectorizer()
    plain = all(
        getattr(vectorizer, name) == getattr(default, name)
        for name in ("analyzer", "lowercase", "token_pattern", "tokenizer", "preprocessor")
    )
    plain = plain and vectorizer.strip_accents is None and vectorizer.stop_words is None
    if not plain or vectorizer.ngram_range != (1, 2) or vectorizer.input != "content":
        return vectorizer.build_analyzer()  # type: ignore[no-any-return]
    pattern = re.compile(vectorizer.token_pattern)

    def unigrams_and_bigrams(doc: str) -> list[str]:
        tokens: list[str] = pattern.findall(doc.lower())
        return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]

    return unigrams_and_bigrams
