"""A fitted TF-IDF + linear pipeline → its array form (``nlp.linear``), when it has one.

``pipeline.predict([text])`` spends most of its time on input validation and sparse-matrix
bookkeeping for a single row, far more than the arithmetic, and scikit-learn's analyzers run a
Python loop per character. The array form gives the same labels from dictionary lookups and numpy
(word 1–2-grams via ``nlp.ngram_index``, ``char_wb`` n-grams via ``nlp.char_ngrams``). Every
linear model the service trains has one: logistic regression, linear SVM and the sigmoid-
calibrated SVM, for two labels or more. Anything else is served by the pipeline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .linear import LinearDecision, LinearTextModel, TextPredictor, TfidfBlock
from .ngram_index import DEFAULT_TOKEN_PATTERN

_LINEAR = (LogisticRegression, LinearSVC)


def single_text_predictor(pipeline: Pipeline) -> TextPredictor:
    """The fastest exact single-text predictor available for ``pipeline``."""
    if supports_linear(pipeline):
        return linear_model(pipeline).predict_one
    return lambda text: str(pipeline.predict([text])[0])


def supports_linear(pipeline: Any) -> bool:
    """Three steps: prep, TF-IDF vectorizers the array form knows, a linear decision."""
    steps = getattr(pipeline, "steps", [])
    if [name for name, _ in steps] != ["prep", "tfidf", "clf"]:
        return False
    vectorizers = _vectorizers(steps[1][1])
    return (
        vectorizers is not None
        and all(_known_vectorizer(v) for v in vectorizers)
        and _decision(steps[2][1]) is not None
    )


def linear_model(pipeline: Pipeline) -> LinearTextModel:
    """The arrays of a pipeline that ``supports_linear``."""
    prep, features, classifier = (step for _, step in pipeline.steps)
    vectorizers = _vectorizers(features) or []
    decision = _decision(classifier)
    assert decision is not None
    return LinearTextModel(
        preparer=prep.preparer(),
        blocks=[_block(vectorizer) for vectorizer in vectorizers],
        decision=decision,
        classes=[str(c) for c in classifier.classes_],
    )


def _vectorizers(features: Any) -> list[TfidfVectorizer] | None:
    if isinstance(features, TfidfVectorizer):
        return [features]
    if isinstance(features, FeatureUnion) and not features.transformer_weights:
        steps = [step for _, step in features.transformer_list]
        if all(isinstance(step, TfidfVectorizer) for step in steps):
            return steps
    return None


def _known_vectorizer(vectorizer: TfidfVectorizer) -> bool:
    """scikit-learn's word analyzer (default pattern, 1–1 or 1–2 grams) or ``char_wb``."""
    common = (
        vectorizer.input == "content"
        and vectorizer.use_idf
        and not vectorizer.binary
        and vectorizer.norm in ("l2", None)
        and vectorizer.lowercase
        and vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.strip_accents is None
        and vectorizer.stop_words is None
    )
    if vectorizer.analyzer == "char_wb":
        return common
    return (
        common
        and vectorizer.analyzer == "word"
        and vectorizer.token_pattern == DEFAULT_TOKEN_PATTERN
        and tuple(vectorizer.ngram_range) in {(1, 1), (1, 2)}
    )


def _block(vectorizer: TfidfVectorizer) -> TfidfBlock:
    low, high = vectorizer.ngram_range
    return TfidfBlock(
        analyzer="char_wb" if vectorizer.analyzer == "char_wb" else "word",
        vocabulary=dict(vectorizer.vocabulary_),
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        ngram_range=(int(low), int(high)),
        sublinear=bool(vectorizer.sublinear_tf),
        l2=vectorizer.norm == "l2",
        token_pattern=str(vectorizer.token_pattern),
    )


def _decision(classifier: Any) -> LinearDecision | None:
    """Weights and bias of a linear model, or of a sigmoid-calibrated ensemble of them."""
    if isinstance(classifier, _LINEAR):
        return LinearDecision(
            weights=np.asarray(classifier.coef_, dtype=np.float64).T,
            bias=np.asarray(classifier.intercept_, dtype=np.float64).reshape(-1),
            n_classes=len(classifier.classes_),
        )
    if not isinstance(classifier, CalibratedClassifierCV) or classifier.method != "sigmoid":
        return None
    classes = [str(c) for c in classifier.classes_]
    weights, bias, outputs = [], [], []
    a: list[float] = []
    b: list[float] = []
    for member in classifier.calibrated_classifiers_:
        estimator = member.estimator
        own = [classes.index(str(c)) for c in estimator.classes_]
        if not isinstance(estimator, _LINEAR) or (len(classes) > 2 and len(own) < 3):
            return None
        weights.append(np.asarray(estimator.coef_, dtype=np.float64).T)
        bias.append(np.asarray(estimator.intercept_, dtype=np.float64).reshape(-1))
        outputs.append(np.asarray(own if len(classes) > 2 else [1], dtype=np.int64))
        a.extend(float(c.a_) for c in member.calibrators)
        b.extend(float(c.b_) for c in member.calibrators)
    return LinearDecision(
        weights=np.hstack(weights),
        bias=np.concatenate(bias),
        n_classes=len(classes),
        member_outputs=outputs,
        a=np.asarray(a),
        b=np.asarray(b),
    )
