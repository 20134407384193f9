"""The rare-label rule shared by uploads and training: fewer than five examples."""

from __future__ import annotations

from tasks_support_system_ai.datasets.rare_labels import MIN_TO_EVALUATE, too_small_to_evaluate
from tasks_support_system_ai.nlp import label_rules


def test_too_small_is_fewer_than_five() -> None:
    labels = ["a"] * 5 + ["b"] * 4 + ["c"]
    assert too_small_to_evaluate(labels) == ["b", "c"]
    assert too_small_to_evaluate([]) == []


def test_training_statistics_follow_the_same_rule() -> None:
    assert label_rules.MIN_TO_EVALUATE == MIN_TO_EVALUATE == 5
    assert label_rules.too_small_to_evaluate is too_small_to_evaluate
