"""Labelers: the deduplicating model labeler agrees with ``pipeline.predict``."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from labeling_data import TEMPLATES
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from tasks_support_system_ai.labeling import (
    KeywordRules,
    Labeler,
    ModelLabeler,
    RuleLabeler,
    labelers,
)
from tasks_support_system_ai.nlp.classifier import build_classifier

TOPICS = ["billing", "internet", "roaming", "thanks", "access"]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    texts = [t.format(n=k) for k in range(6) for t in TEMPLATES]
    labels = [TOPICS[i] for _ in range(6) for i in range(len(TEMPLATES))]
    return build_classifier("logistic").fit(texts, labels)


def _texts() -> list[str]:
    """Repeats after PII scrubbing (numbers differ), plus unseen wording."""
    rng = np.random.default_rng(3)
    texts = [TEMPLATES[int(t)].format(n=int(n)) for t, n in rng.integers(0, 5, (60, 2)) * (1, 17)]
    return [*texts, "совсем другой текст про связь", "", "интернет и платёж"]


def test_model_labeler_matches_pipeline_predict(pipeline: Pipeline) -> None:
    labeler = ModelLabeler(pipeline)
    texts = _texts()
    assert len(set(pipeline[0].transform(texts))) < len(set(texts))  # dedup has work to do
    assert isinstance(labeler, Labeler)
    assert labeler.default_label is None
    assert labeler.label(texts).tolist() == pipeline.predict(texts).tolist()
    assert labeler.label([]).tolist() == []
    assert labeler.label_arrow(pa.array([], pa.string())).tolist() == []


def test_arrow_input_is_preprocessed_piece_by_piece(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(labelers, "PREP_ROWS", 7)
    texts = _texts()
    column = pa.chunked_array([texts[:30], [None], texts[30:]])
    expected = pipeline.predict([*texts[:30], "", *texts[30:]]).tolist()
    assert ModelLabeler(pipeline).label_arrow(column).tolist() == expected


def test_pipeline_without_prep_step_predicts_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labelers, "PREP_ROWS", 3)
    texts = ["alpha beta", "beta gamma", "alpha alpha", "gamma gamma"] * 2
    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, ["a", "b"] * 4)
    labeler = ModelLabeler(model)
    assert labeler.label(texts).tolist() == model.predict(texts).tolist()
    assert labeler.label_arrow(pa.array(texts)).tolist() == model.predict(texts).tolist()


def test_rule_labeler_reads_python_and_arrow_texts(rules: KeywordRules) -> None:
    labeler = RuleLabeler(rules)
    texts = ["платёж", "нет", "роуминг"]
    assert labeler.default_label == "unlabeled"
    assert labeler.label(texts).tolist() == ["billing", "unlabeled", "roaming"]
    assert labeler.label_arrow(pa.chunked_array([texts])).tolist() == labeler.label(texts).tolist()
