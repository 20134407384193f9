"""One rule for rare labels: trained on, never evaluated, never an error; statistics say how."""

from __future__ import annotations

import numpy as np
import pytest

from tasks_support_system_ai.datasets.parsing.texts import parse_texts
from tasks_support_system_ai.nlp import label_rules
from tasks_support_system_ai.nlp.label_rules import evaluation_plan, too_small_to_evaluate
from tasks_support_system_ai.nlp.training import train_classifier

TOPICS = {
    "roaming": "роуминг не работает в поездке нет связи за границей",
    "billing": "списали деньги дважды верните оплату по договору",
    "internet": "пропал домашний интернет роутер мигает красным",
}


def dataset(per_topic: int, rare: dict[str, int]) -> tuple[list[str], list[str]]:
    texts = [f"{text} вариант {k}" for k in range(per_topic) for text in TOPICS.values()]
    labels = [label for _ in range(per_topic) for label in TOPICS]
    for label, count in rare.items():
        texts += [f"потерялась посылка {label} {k}" for k in range(count)]
        labels += [label] * count
    return texts, labels


@pytest.mark.parametrize("rows", [60, 6_000])
def test_rare_rows_train_in_every_fold_and_test_in_none(rows: int) -> None:
    labels = np.array(["a", "b", "c"] * (rows // 3) + ["rare"] * 3)
    plan = evaluation_plan(labels)
    rare = set(np.flatnonzero(labels == "rare").tolist())
    assert plan.too_small == ["rare"]
    assert plan.folds
    for train, test in plan.folds:
        assert rare <= set(train.tolist())
        assert not rare & set(test.tolist())
        assert not set(train.tolist()) & set(test.tolist())
    tested = np.concatenate([test for _, test in plan.folds])
    if rows <= label_rules.CV_MAX_ROWS:
        assert plan.method == "stratified 5-fold cross-validation"
        assert sorted(tested.tolist()) == sorted(set(range(len(labels))) - rare)  # each row once
    else:
        assert plan.method.startswith("held-out stratified 20 % split")
        assert len(tested) == pytest.approx(0.2 * rows, abs=2)


@pytest.mark.parametrize("count", [1, 2, 4])
def test_training_with_a_rare_label_succeeds_and_reports_it(count: int) -> None:
    texts, labels = dataset(12, {"post": count})
    trained = train_classifier(texts, labels)
    assert "post" in trained.classes  # trained on
    evaluation = trained.report["evaluation"]
    assert evaluation["too_small_to_evaluate"] == ["post"]
    assert evaluation["served_model"] == "trained on all rows"
    assert trained.report["classes"]["post"]["support"] == 0
    assert trained.pipeline.predict(["потерялась посылка post 0"])[0] == "post"
    assert trained.report["macro_avg"]["f1_score"] > 0.9  # over the evaluated labels


def test_served_model_sees_every_row() -> None:
    texts, labels = dataset(10, {})
    texts.append("совершенно особый текст про тарифный план")
    labels.append("billing")
    trained = train_classifier(texts, labels)
    word = trained.pipeline.named_steps["prep"].transform(["тарифный"])[0]
    vocabulary = trained.pipeline.named_steps["tfidf"].transformer_list[0][1].vocabulary_
    assert word not in vocabulary  # min_df=2: seen once ...
    texts.append("ещё один тарифный план")
    labels.append("billing")
    union = train_classifier(texts, labels).pipeline.named_steps["tfidf"]
    assert word in union.transformer_list[0][1].vocabulary_  # ... twice, counting every row


def test_upload_and_training_apply_the_same_rule() -> None:
    import pandas as pd

    texts, labels = dataset(6, {"post": 1})
    frame, summary = parse_texts(pd.DataFrame({"text": texts, "label": labels}))
    assert summary["too_small_to_evaluate"] == ["post"] == too_small_to_evaluate(labels)
    assert len(frame) == len(texts)
