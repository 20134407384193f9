"""Cutting texts into independently prepared pieces (the exactness is tested against whole texts
in ``test_preprocess_equivalence``)."""

from __future__ import annotations

from tasks_support_system_ai.nlp.prepare import TextPreparer
from tasks_support_system_ai.nlp.sentences import split_texts


def test_cuts_after_sentences_and_folds_digits() -> None:
    pieces = split_texts(["Здравствуйте! Заявка №144950. Жду ответа? Да", "Счёт 789. Иначе"])
    assert pieces == [
        ["Здравствуйте! ", "Заявка №000900. ", "Жду ответа? ", "Да"],
        ["Счёт 789. ", "Иначе"],
    ]


def test_keeps_dots_that_patterns_use_together() -> None:
    text = "Договор No. 12-345/67, Петров И. И. Сидоров, т.е. Ёж. Ок"
    assert split_texts([text]) == [["Договор No. 00-000/07, Петров И. И. Сидоров, т.е. Ёж. Ок"]]


def test_separator_characters_leave_texts_whole() -> None:
    assert split_texts(["a\x00b"]) is None
    assert split_texts(["a", "b\x01c"]) is None
    assert split_texts([]) == []


def test_preparer_falls_back_to_whole_texts_for_separators() -> None:
    preparer = TextPreparer(language="ru", normaliser="stem")
    texts = ["Тел. 89123456789\x00. Спасибо! Жду.", "заявка №5\x01 готово"]
    assert preparer(texts) == [preparer.prepare_whole(text) for text in texts]
    assert "__phone__" in preparer(texts)[0]


def test_lone_surrogates_survive_digit_folding() -> None:
    preparer = TextPreparer(language="ru", normaliser="none")
    assert preparer(["ошибка \ud800 модем. Да"]) == ["ошибка модем да"]


def test_demo_tickets_prepare_in_pieces_like_whole_texts() -> None:
    """The demo labeling table's synthetic tickets: greetings, numbers, names, e-mails."""
    from tasks_support_system_ai.datasets.demo.large_table import TablePlan

    texts = TablePlan.make(20_000, seed=7).chunk(0, 20_000).column("text").to_pylist()
    preparer = TextPreparer(language="ru", normaliser="stem")
    assert preparer(texts) == [preparer.prepare_whole(text) for text in texts]
