"""Cutting texts into independently prepared pieces (the exactness is tested against whole texts
here and in ``test_preprocess_equivalence``)."""

from __future__ import annotations

from itertools import product

import pyarrow as pa
import pytest

from tasks_support_system_ai.nlp.prepare import TextPreparer
from tasks_support_system_ai.nlp.sentences import split_array

LEFT = (
    "", " ", "x ", "8 ", ") ", "(", "+", "-", "/", "№", "a", "Ж ", "٣ ", ".", ",", "\t", "+7 ",
    "8 (", "№ ", "заявка № ", "тел. ", "Лицевой счёт ", "+7 (900) ", "договор ", "INC-", "AB ",
    "_", "ab.", "x@", "₽ ", "«",
)  # fmt: skip
RUNS = (
    "8900", "9000", "89001234567", "9001234567", "79001234567", "1234567890", "123456789",
    "8999999999", "98765432109", "7777", "890012345678", "12",
)  # fmt: skip
RIGHT = (
    "", ".", ",", " ", " x", " 1", " (", ")", "-12", "/12", " 45 67", "-45-67", "₽", " ₽",
    "@mail.ru", "a", " ٣", "x", ". ", " Иван Петров", "  8", " 8 900", ".ru", "(1)", "»", " №",
)  # fmt: skip
"""Contexts of a number: a run is folded only where no match can reach past it."""


def split(texts: list[str]) -> list[list[str]]:
    return split_array(pa.array(texts)).to_pylist()


def test_cuts_after_sentences_and_folds_digits() -> None:
    pieces = split(["Здравствуйте! Заявка №144950. Жду ответа? Да", "Счёт 789. Иначе", ""])
    assert pieces == [
        ["Здравствуйте! ", "Заявка №000000. ", "Жду ответа? ", "Да"],
        ["Счёт 789. ", "Иначе"],
        [""],
    ]


def test_keeps_dots_that_patterns_use_together() -> None:
    text = "Договор No. 12-345/67, Петров И. И. Сидоров, т.е. Ёж. Ок"
    assert split([text]) == [["Договор No. 00-000/07, Петров И. И. Сидоров, т.е. Ёж. Ок"]]


def test_folds_numbers_only_a_whole_match_can_hold() -> None:
    texts = [
        "Лицевой счёт 1079751716. Тел.: 89090998700, ok",  # sealed: first digit 8/9 kept
        "тел 8 9001234567 x",  # a phone may start at the 8: the run keeps its 7
        "+79591450838.",  # right after "+": kept
        "ab 12345 6",  # a digit follows the space: 1-6 folded only
    ]
    assert split(texts) == [
        ["Лицевой счёт 0000000000. ", "Тел.: 80000000000, ok"],
        ["тел 8 9000000007 x"],
        ["+79090000808."],
        ["ab 00000 0"],
    ]


def test_texts_are_cut_where_they_are_in_the_array() -> None:
    texts = pa.array(["x. Да", "Ой! ", "ab. Счёт 12345."], pa.large_string())
    assert split_array(texts.slice(1)).to_pylist() == [["Ой! ", ""], ["ab. ", "Счёт 00000."]]
    assert split_array(pa.array([], pa.string())).to_pylist() == []
    assert split_array(pa.array(["", ""])).to_pylist() == [[""], [""]]
    with pytest.raises(ValueError, match="null"):
        split_array(pa.array(["a", None]))


@pytest.mark.parametrize("normaliser", ["stem", "none"])
def test_numbers_in_every_context_prepare_like_whole_texts(normaliser: str) -> None:
    texts = ["".join(parts) for parts in product(LEFT, RUNS, RIGHT)]
    preparer = TextPreparer(language="ru", normaliser=normaliser)  # type: ignore[arg-type]
    assert preparer(texts) == [preparer.prepare_whole(text) for text in texts]


def test_separator_characters_are_ordinary_text() -> None:
    preparer = TextPreparer(language="ru", normaliser="stem")
    texts = ["Тел. 89123456789\x00. Спасибо! Жду.", "заявка №5\x01 готово"]
    assert preparer(texts) == [preparer.prepare_whole(text) for text in texts]
    assert "__phone__" in preparer(texts)[0]


def test_lone_surrogates_are_prepared_whole() -> None:
    preparer = TextPreparer(language="ru", normaliser="none")
    assert preparer(["ошибка \ud800 модем. Да"]) == ["ошибка модем да"]


def test_arrow_blocks_prepare_like_python_lists() -> None:
    preparer = TextPreparer(language="ru", normaliser="stem")
    texts = ["Добрый день! Заявка №5.", "", "Меня зовут Иван Петров. Спасибо!"] * 3
    array = pa.array(["skipped", *texts], pa.string()).slice(1)
    assert preparer.prepare_array(array).to_pylist() == preparer(texts)


def test_demo_tickets_prepare_in_pieces_like_whole_texts() -> None:
    """The demo labeling table's synthetic tickets: greetings, numbers, names, e-mails."""
    from tasks_support_system_ai.datasets.demo.large_table import TablePlan

    texts = TablePlan.make(20_000, seed=7).chunk(0, 20_000).column("text").to_pylist()
    preparer = TextPreparer(language="ru", normaliser="stem")
    assert preparer(texts) == [preparer.prepare_whole(text) for text in texts]
