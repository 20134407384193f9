"""Classifier training on synthetic demo tickets, the report shape and config errors."""

from __future__ import annotations

import pandas as pd
import pytest

from tasks_support_system_ai.datasets.demo import generate_demo
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.training import TrainedClassifier, train_classifier


@pytest.fixture(scope="module")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    files = generate_demo(tmp_path_factory.mktemp("nlp"), seed=5, progress=False)
    frame = pd.read_parquet(files.ticket_texts)
    return frame.assign(full=frame["subject"] + " " + frame["text"])


@pytest.fixture(scope="module")
def logistic(tickets: pd.DataFrame) -> TrainedClassifier:
    """The default model (the fixture's name is historical: it was logistic regression)."""
    return train_classifier(tickets["full"], tickets["label"])


def test_logistic_option_trains(tickets: pd.DataFrame) -> None:
    sample = tickets.groupby("label").head(40)
    trained = train_classifier(
        sample["full"], sample["label"], "logistic", {"C": 10, "solver": "lbfgs"}
    )
    assert trained.report["macro_avg"]["f1_score"] >= 0.85
    assert trained.report["evaluation"]["method"] == "stratified 5-fold cross-validation"


def test_default_reaches_target_quality(logistic: TrainedClassifier) -> None:
    report = logistic.report
    assert report["macro_avg"]["f1_score"] >= 0.85
    assert 0.5 < report["roc_auc"] <= 1.0
    assert set(report) >= {"roc_auc", "accuracy", "macro_avg", "weighted_avg", "classes"}
    assert len(report["classes"]) == 10


def test_report_has_dashboard_extras(logistic: TrainedClassifier) -> None:
    report = logistic.report
    matrix = report["confusion_matrix"]["matrix"]
    assert len(matrix) == len(report["confusion_matrix"]["labels"]) == 10
    held_out = sum(map(sum, matrix))
    assert held_out == sum(c["support"] for c in report["classes"].values())
    for curve in report["roc_curves"].values():
        assert curve["fpr"][0] == 0.0
        assert curve["tpr"][-1] == 1.0
        assert curve["fpr"] == sorted(curve["fpr"])


def test_calibrated_svm_has_probabilities(tickets: pd.DataFrame) -> None:
    sample = tickets.groupby("label").head(60)
    trained = train_classifier(
        sample["full"],
        sample["label"],
        "svm",
        {"C": 1, "kernel": "linear", "class_weight": "balanced"},
    )
    proba = trained.pipeline.predict_proba(sample["full"].head(3).tolist())
    assert proba.shape == (3, 10)
    assert proba.sum(axis=1) == pytest.approx([1, 1, 1])


@pytest.mark.parametrize(
    ("model", "config", "code"),
    [
        ("forest", {}, "unknown_model"),
        ("logistic", {"gamma": 1}, "invalid_model_config"),
        ("svm", {"solver": "x"}, "invalid_model_config"),
    ],
)
def test_bad_requests(
    tickets: pd.DataFrame, model: str, config: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidInputError) as error:
        train_classifier(tickets["full"].head(100), tickets["label"].head(100), model, config)
    assert error.value.code == code


def test_one_class_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError) as error:
        train_classifier(["a b"] * 12, ["x"] * 12)
    assert error.value.code == "too_few_classes"


def test_model_vocabulary_holds_no_personal_data(
    logistic: TrainedClassifier, tickets: pd.DataFrame
) -> None:
    words_block = logistic.pipeline.named_steps["tfidf"].transformer_list[0][1]
    vocabulary = set(words_block.vocabulary_)
    words = {w for term in vocabulary for w in term.split()}
    planted = {
        w.lower()
        for values in tickets["pii_values"]
        for value in values
        for w in value.replace("@", " ").split()
        if len(w) > 3
    }
    emails = {v.lower() for values in tickets["pii_values"] for v in values if "@" in v}
    assert not any(any(ch.isdigit() for ch in w) for w in words)
    assert not emails & words
    surnames = planted - {"заявка", "договор"}
    leaked = {w for w in surnames if w in words and w[0].isalpha() and w.isalpha()}
    assert len(leaked) <= 0.02 * len(surnames)  # common words that are also names may remain


@pytest.mark.parametrize("model", ["logistic", "linear_svc"])
def test_single_text_fast_path_gives_the_pipelines_labels(
    tickets: pd.DataFrame, logistic: TrainedClassifier, model: str
) -> None:
    from sklearn.base import clone
    from sklearn.svm import LinearSVC

    from tasks_support_system_ai.nlp.fast import single_text_predictor, supports_linear

    pipeline = logistic.pipeline
    if model == "linear_svc":
        pipeline = (
            clone(pipeline).set_params(clf=LinearSVC()).fit(tickets["full"], tickets["label"])
        )
    assert supports_linear(pipeline)
    predict_one = single_text_predictor(pipeline)
    texts = [*tickets["full"].head(1500), "", "!!!", "совершенно новые слова"]
    expected = pipeline.predict(texts).astype(str).tolist()
    assert [predict_one(text) for text in texts] == expected


def test_other_pipelines_fall_back_to_predict(tickets: pd.DataFrame) -> None:
    from sklearn.base import clone

    from tasks_support_system_ai.nlp.fast import single_text_predictor, supports_linear

    texts, labels = tickets["full"].head(600), tickets["label"].head(600)
    trained = train_classifier(texts, labels, "linear_svc", {})
    chars = clone(trained.pipeline).set_params(tfidf__char__analyzer="char").fit(texts, labels)
    assert not supports_linear(chars)  # n-grams across words: no array form
    text = tickets["full"].iloc[0]
    assert single_text_predictor(chars)(text) == str(chars.predict([text])[0])


def test_batch_fast_path_gives_the_pipelines_labels(
    tickets: pd.DataFrame, logistic: TrainedClassifier
) -> None:
    from tasks_support_system_ai.nlp.batch import predict_distinct

    texts = [*tickets["full"].head(3000), "", "!!!", "совершенно новые слова", "a b"]
    expected = logistic.pipeline.predict(texts).astype(str).tolist()
    assert predict_distinct(logistic.pipeline, texts).tolist() == expected
