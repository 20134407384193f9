"""The array form of a TF-IDF + linear pipeline: same labels, safe storage, no scikit-learn.

(pandas is not checked: pyarrow imports it on its own whenever it is installed.)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks_support_system_ai.nlp.fast import linear_model
from tasks_support_system_ai.nlp.linear import LinearTextModel
from tasks_support_system_ai.nlp.training import TrainedClassifier, train_classifier

TOPICS = {
    "roaming": "Роуминг не работает в поездке, нет связи за границей",
    "billing": "Списали деньги дважды, верните оплату по договору 12-345/21",
    "internet": "Пропал домашний интернет, роутер мигает красным",
    "tv": "Не показывает телевидение, нет сигнала на приставке",
}


@pytest.fixture(scope="module")
def trained() -> TrainedClassifier:
    texts = [f"{text} {k} вариант{k % 7}" for k in range(40) for text in TOPICS.values()]
    labels = [label for _ in range(40) for label in TOPICS]
    return train_classifier(texts, labels, "logistic", {})


def probe_texts() -> list[str]:
    return [*TOPICS.values(), "", "!!!", "совсем новые слова", "Меня зовут Иван Петров, роуминг"]


def test_stored_model_gives_the_pipelines_labels(trained: TrainedClassifier) -> None:
    loaded = LinearTextModel.from_bytes(linear_model(trained.pipeline).to_bytes())
    texts = probe_texts()
    expected = trained.pipeline.predict(texts).astype(str).tolist()
    assert loaded.predict_prepared(loaded.prepare(texts)).tolist() == expected
    assert [loaded.predict_one(text) for text in texts] == expected


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


def test_other_analyzers_score_through_their_own_ngrams(trained: TrainedClassifier) -> None:
    from sklearn.base import clone

    texts = [f"{text} {k}" for k in range(20) for text in TOPICS.values()]
    labels = [label for _ in range(20) for label in TOPICS]
    unigrams = clone(trained.pipeline).set_params(tfidf__ngram_range=(1, 1)).fit(texts, labels)
    model = linear_model(unigrams)
    assert model.token_pattern is None  # not the plain 1–2-gram analyzer: no array export
    with pytest.raises(ValueError, match="analyzer"):
        model.to_bytes()
    probe = probe_texts()
    expected = unigrams.predict(probe).astype(str).tolist()
    assert model.predict_prepared(model.prepare(probe)).tolist() == expected


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
