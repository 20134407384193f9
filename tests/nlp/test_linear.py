"""The array form of a TF-IDF + linear pipeline: same labels, safe storage, no scikit-learn.

(pandas is not checked: pyarrow imports it on its own whenever it is installed.)
"""

from __future__ import annotations

import functools
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.pipeline import Pipeline

from tasks_support_system_ai.nlp.fast import linear_model, supports_linear
from tasks_support_system_ai.nlp.linear import LinearTextModel
from tasks_support_system_ai.nlp.training import TrainedClassifier, train_classifier

TOPICS = {
    "roaming": "Роуминг не работает в поездке, нет связи за границей",
    "billing": "Списали деньги дважды, верните оплату по договору 12-345/21",
    "internet": "Пропал домашний интернет, роутер мигает красным",
    "tv": "Не показывает телевидение, нет сигнала на приставке",
}


def dataset(topics: dict[str, str]) -> tuple[list[str], list[str]]:
    texts = [f"{text} {k} вариант{k % 7}" for k in range(40) for text in topics.values()]
    return texts, [label for _ in range(40) for label in topics]


@pytest.fixture(scope="module")
def trained() -> TrainedClassifier:
    return train_classifier(*dataset(TOPICS), "logistic", {})


def probe_texts() -> list[str]:
    return [*TOPICS.values(), "", "!!!", "совсем новые слова", "Меня зовут Иван Петров, роуминг"]


@functools.cache
def pipeline_of(model: str, labels: int) -> Pipeline:
    return train_classifier(*dataset(dict(list(TOPICS.items())[:labels])), model, {}).pipeline


@pytest.mark.parametrize("model", ["linear_svc", "logistic", "svm"])
@pytest.mark.parametrize("labels", [4, 2])
def test_stored_model_gives_the_pipelines_labels(model: str, labels: int) -> None:
    """Every linear model the service trains, for two labels and more, word + char n-grams."""
    pipeline = pipeline_of(model, labels)
    assert supports_linear(pipeline)
    loaded = LinearTextModel.from_bytes(linear_model(pipeline).to_bytes())
    texts = probe_texts() + [f"{t} и ещё роуминг интернет" for t in TOPICS.values()]
    expected = pipeline.predict(texts).astype(str).tolist()
    assert loaded.predict_prepared(loaded.prepare(texts)).tolist() == expected
    assert [loaded.predict_one(text) for text in texts] == expected
    assert loaded.label_column(pa.array(texts)).to_pylist() == expected


def test_calibrated_probabilities_match_scikit_learn() -> None:
    pipeline = pipeline_of("svm", 4)
    model = linear_model(pipeline)
    texts = probe_texts()
    proba = model.decision.probabilities(model.scores(model.prepare(texts)))
    np.testing.assert_allclose(proba, pipeline.predict_proba(texts), rtol=1e-9, atol=1e-12)


def test_exports_from_before_blocks_still_load(trained: TrainedClassifier) -> None:
    """Format 1: one word 1–2-gram block (written by earlier versions; read as such)."""
    import io
    import json

    word = trained.pipeline.named_steps["tfidf"].transformer_list[0][1]
    clf = trained.pipeline.named_steps["clf"]
    word_only = Pipeline([("prep", trained.pipeline[0]), ("tfidf", word), ("clf", clf)])
    model = linear_model(word_only)
    terms = sorted(word.vocabulary_, key=word.vocabulary_.__getitem__)
    meta = {
        "format": "support-ai/linear-text-model/1",
        "preparer": {k: v for k, v in model.preparer.to_dict().items() if k != "markup"},
        "sublinear": True,
        "l2": True,
        "token_pattern": word.token_pattern,
    }
    buffer = io.BytesIO()
    np.savez(
        buffer,
        meta=np.array(json.dumps(meta)),
        terms=np.array(terms, dtype=str),
        idf=word.idf_,
        weights=model.decision.weights,
        bias=model.decision.bias,
        classes=np.array(model.classes, dtype=str),
    )
    loaded = LinearTextModel.from_bytes(buffer.getvalue())
    texts = probe_texts()
    assert (
        loaded.predict_prepared(loaded.prepare(texts)).tolist()
        == model.predict_prepared(model.prepare(texts)).tolist()
    )


def test_foreign_files_are_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "x.npz", meta=np.array('{"format": "other"}'))
    with pytest.raises(ValueError, match="format"):
        LinearTextModel.from_bytes((tmp_path / "x.npz").read_bytes())


def test_labeling_with_the_stored_model_never_imports_sklearn(
    trained: TrainedClassifier, tmp_path: Path
) -> None:
    (tmp_path / "model.npz").write_bytes(linear_model(trained.pipeline).to_bytes())
    pq.write_table(pa.table({"text": probe_texts()}), tmp_path / "texts.parquet")
    script = textwrap.dedent(
        f"""
        import sys
        import pyarrow.parquet as pq
        from tasks_support_system_ai.labeling import service as labeling
        from tasks_support_system_ai.labeling import LinearLabeler
        from tasks_support_system_ai.nlp.linear import LinearTextModel
        model = LinearTextModel.from_bytes(open({str(tmp_path / "model.npz")!r}, "rb").read())
        texts = pq.read_table({str(tmp_path / "texts.parquet")!r}).column("text")
        print(",".join(LinearLabeler(model).label_arrow(texts).to_pylist()))
        print(sorted(m for m in ("sklearn", "scipy", "statsmodels") if m in sys.modules))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    labels, modules = run.stdout.strip().splitlines()
    assert labels.split(",") == trained.pipeline.predict(probe_texts()).astype(str).tolist()
    assert modules == "[]"


def test_unigram_models_have_an_array_form_and_other_analyzers_do_not(
    trained: TrainedClassifier,
) -> None:
    from sklearn.base import clone

    texts, labels = dataset(TOPICS)
    unigrams = clone(trained.pipeline).set_params(tfidf__word__ngram_range=(1, 1))
    unigrams.fit(texts, labels)
    assert supports_linear(unigrams)
    model = LinearTextModel.from_bytes(linear_model(unigrams).to_bytes())
    probe = probe_texts()
    expected = unigrams.predict(probe).astype(str).tolist()
    assert model.predict_prepared(model.prepare(probe)).tolist() == expected
    chars = clone(trained.pipeline).set_params(tfidf__char__analyzer="char").fit(texts, labels)
    assert not supports_linear(chars)  # char n-grams across words: served by the pipeline


def test_labels_are_remembered_within_a_bound(
    trained: TrainedClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks_support_system_ai.nlp import linear

    monkeypatch.setattr(linear, "LABEL_MEMO_SIZE", 4)
    model = linear_model(trained.pipeline)
    prepared = model.prepare(probe_texts())
    expected = model.predict_prepared(prepared).tolist()
    assert model.labels(prepared + prepared).tolist() == expected + expected
    assert len(model._label_memo) <= 4  # emptied when full, then refilled
    assert model.labels(prepared[::-1]).tolist() == expected[::-1]
    assert model.labels([]).tolist() == []
