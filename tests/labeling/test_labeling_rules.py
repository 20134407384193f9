"""Keyword rules: priorities, ties, case and ё, whole words and phrases, validation errors."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.labeling import KeywordRule, KeywordRules
from tasks_support_system_ai.labeling.rules import keyword_words


def test_highest_priority_wins_whatever_the_order(rules: KeywordRules) -> None:
    texts = ["Интернет пропал, платёж не прошёл", "пароль и роуминг", "ничего", None]
    assert rules.label(texts).tolist() == ["billing", "roaming", "unlabeled", "unlabeled"]
    assert rules.match(texts).tolist() == [0, 2, -1, -1]


def test_equal_priorities_go_to_the_rule_listed_first() -> None:
    first = KeywordRules([KeywordRule("роуминг", "a"), KeywordRule("пароль", "b")])
    second = KeywordRules([KeywordRule("пароль", "b"), KeywordRule("роуминг", "a")])
    text = ["пароль от роуминга? нет: роуминг, потом пароль"]
    assert first.label(text).tolist() == ["a"]
    assert second.label(text).tolist() == ["b"]


def test_case_and_yo_are_ignored_on_both_sides() -> None:
    rules = KeywordRules([KeywordRule("Платёж", "billing"), KeywordRule("ЕЛКА", "tree")])
    texts = ["ПЛАТЕЖ", "платёж", "ПлАтЁж!", "Ёлка", "ёлка", "елка"]
    assert rules.label(texts).tolist() == ["billing"] * 3 + ["tree"] * 3


def test_whole_words_and_phrases_only() -> None:
    rules = KeywordRules(
        [
            KeywordRule("личный кабинет", "account"),
            KeywordRule("wi-fi", "wifi"),
            KeywordRule("sim", "sim"),
        ],
        default_label="other",
    )
    texts = [
        "Не открывается ЛИЧНЫЙ, кабинет",
        "личный-кабинет",
        "личный большой кабинет",
        "Wi Fi не работает",
        "wifi",
        "симка, SIM-карта",
        "simcard",
        "esim",
    ]
    assert rules.label(texts).tolist() == [
        "account",
        "account",
        "other",
        "wifi",
        "other",
        "sim",
        "other",
        "other",
    ]


def test_arrow_and_python_inputs_agree(rules: KeywordRules) -> None:
    texts = ["платёж", "интернет", "x", None] * 3
    chunked = pa.chunked_array([pa.array(texts[:5]), pa.array(texts[5:])])
    expected = rules.label(texts).tolist()
    assert rules.label(pa.array(texts)).tolist() == expected
    assert rules.label(chunked).tolist() == expected
    assert rules.label([]).tolist() == []


def test_labels_lists_each_label_once_default_last() -> None:
    rules = KeywordRules(
        [KeywordRule("a", "x"), KeywordRule("b", "y", 5), KeywordRule("c", "x", 9)],
        default_label="none",
    )
    assert rules.labels == ["x", "y", "none"]


def test_more_rules_than_one_regex_chunk() -> None:
    rules = KeywordRules(
        [KeywordRule(f"слово{k}", f"label{k}", priority=k % 3) for k in range(600)]
    )
    texts = ["слово5 и слово599", "слово3 слово1", "слово600"]
    # 5 and 599: priority 2 both, 5 listed first; 3 (priority 0) vs 1 (priority 1).
    assert rules.label(texts).tolist() == ["label5", "label1", "unlabeled"]


WORDS = ["платёж", "Платеж", "интернет", "интернета", "sim", "SIM", "wi", "fi", "ёлка", "связь"]
SEPARATORS = [" ", ", ", "-", "!? ", "\n"]
_REF_WORD = re.compile(r"[0-9A-Za-z_\u00c0-\u024f\u0370-\u052f]+")


def _reference(rules: list[KeywordRule], text: str) -> int:
    """Plain Python: tokens of the normalised text, keyword words as a contiguous run."""
    tokens = _REF_WORD.findall(text.lower().replace("ё", "е"))
    best = -1
    for index, rule in enumerate(rules):
        words = list(keyword_words(rule.keyword))
        n = len(words)
        found = any(tokens[k : k + n] == words for k in range(len(tokens) - n + 1))
        if found and (best < 0 or rule.priority > rules[best].priority):
            best = index
    return best


@st.composite
def rule_sets(draw: st.DrawFn) -> list[KeywordRule]:
    phrases = draw(
        st.lists(
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(" ".join),
            min_size=1,
            max_size=8,
            unique_by=keyword_words,
        )
    )
    labels = st.sampled_from(["a", "b", "c"])  # shared labels: neighbours merge for label()
    return [KeywordRule(p, draw(labels), draw(st.integers(-1, 2))) for p in phrases]


texts_strategy = st.lists(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=8).map(
        lambda parts: "".join(w + s for w, s in parts)
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=80, deadline=None)
@given(rule_sets(), texts_strategy)
def test_matches_a_plain_python_reference(rules: list[KeywordRule], texts: list[str]) -> None:
    compiled = KeywordRules(rules, default_label="none")
    expected = [_reference(rules, t) for t in texts]
    assert compiled.match(texts).tolist() == expected
    labels = [rules[k].label if k >= 0 else "none" for k in expected]
    assert compiled.label(texts).tolist() == labels


@pytest.mark.parametrize(
    ("rules", "index", "field", "fragment"),
    [
        (
            [KeywordRule("ok", "a"), KeywordRule("  ", "b")],
            1,
            "keyword",
            "rule 1: keyword is empty",
        ),
        ([KeywordRule("!!!", "b")], 0, "keyword", "rule 0: keyword is empty"),
        ([KeywordRule("ok", "")], 0, "label", "rule 0: label is empty"),
        (
            [KeywordRule("Wi-Fi", "a"), KeywordRule("x", "b"), KeywordRule("wi fi", "c")],
            2,
            "keyword",
            "rule 2: keyword 'wi fi' duplicates rule 0",
        ),
        ([KeywordRule("платёж", "a"), KeywordRule("ПЛАТЕЖ", "b")], 1, "keyword", "duplicates"),
        ([KeywordRule("ok", "a", 1.5)], 0, "priority", "rule 0: priority must be an integer"),  # type: ignore[arg-type]
        ([], -1, "rules", "rules are empty"),
    ],
)
def test_invalid_rules_name_the_rule_and_problem(
    rules: list[KeywordRule], index: int, field: str, fragment: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        KeywordRules(rules)
    error = caught.value
    assert error.code == "invalid_rules"
    assert fragment in error.message
    assert error.details["index"] == index
    assert error.details["problems"][0]["field"] == field


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInputError) as caught:
        KeywordRules([KeywordRule("", ""), KeywordRule("a", "x"), KeywordRule("A", "y")])
    problems = caught.value.details["problems"]
    assert [(p["index"], p["field"]) for p in problems] == [
        (0, "keyword"),
        (0, "label"),
        (2, "keyword"),
    ]


def test_empty_default_label_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="default_label is empty"):
        KeywordRules([KeywordRule("a", "x")], default_label=" ")


def test_from_config_checks_types_and_fields() -> None:
    rules = KeywordRules.from_config(
        [
            {"keyword": "платёж", "label": "billing", "priority": 2},
            {"keyword": "sim", "label": "sim"},
        ],
        default_label="other",
    )
    assert rules.rules == (KeywordRule("платёж", "billing", 2), KeywordRule("sim", "sim", 0))
    assert rules.default_label == "other"
    with pytest.raises(InvalidInputError) as caught:
        KeywordRules.from_config([{"keyword": 5, "label": "a", "weight": 1}, "x"])  # type: ignore[list-item]
    assert caught.value.code == "invalid_rules"
    assert {(p["index"], p["field"]) for p in caught.value.details["problems"]} == {
        (0, "weight"),
        (0, "keyword"),
        (1, "rule"),
    }
