"""Ticket text → label without scikit-learn's overhead, for the common linear pipelines.

``pipeline.predict([text])`` spends most of its time on input validation and sparse-matrix
bookkeeping for a single row, far more than the arithmetic. For TF-IDF → logistic regression
or linear SVM the same answer is a dictionary lookup per n-gram and a small dense product; for
batches, one sparse product. The n-grams of our default vectorizer (words, 1–2-grams) are built
directly rather than by scikit-learn's general analyzer. Anything else uses ``pipeline``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .linear import LinearTextModel, TextPredictor, word_ngrams


def single_text_predictor(pipeline: Pipeline) -> TextPredictor:
    """The fastest exact single-text predictor available for ``pipeline``."""
    if supports_linear(pipeline):
        return linear_model(pipeline).predict_one
    return lambda text: str(pipeline.predict([text])[0])


def supports_linear(pipeline: Any) -> bool:
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


def linear_model(pipeline: Pipeline) -> LinearTextModel:
    """The arrays of a pipeline that ``supports_linear``."""
    prep, vectorizer, classifier = (step for _, step in pipeline.steps)
    token_pattern = _plain_token_pattern(vectorizer)
    return LinearTextModel(
        preparer=prep.preparer(),
        analyze=vectorizer.build_analyzer()
        if token_pattern is None
        else word_ngrams(token_pattern),
        vocabulary=vectorizer.vocabulary_,
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        sublinear=bool(vectorizer.sublinear_tf),
        l2=vectorizer.norm == "l2",
        weights=classifier.coef_.T,
        bias=np.asarray(classifier.intercept_, dtype=np.float64),
        classes=[str(c) for c in classifier.classes_],
        token_pattern=token_pattern,
    )


def _plain_token_pattern(vectorizer: TfidfVectorizer) -> str | None:
    """The token pattern when the analyzer is the default word 1–2-gram one, else ``None``."""
    default = TfidfVectorizer()
    plain = all(
        getattr(vectorizer, name) == getattr(default, name)
        for name in ("analyzer", "lowercase", "token_pattern", "tokenizer", "preprocessor")
    )
    plain = plain and vectorizer.strip_accents is None and vectorizer.stop_words is None
    if not plain or vectorizer.ngram_range != (1, 2) or vectorizer.input != "content":
        return None
    return str(vectorizer.token_pattern)
