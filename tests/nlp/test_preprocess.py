"""Normalisation, stop words, lemma vs stem and sklearn fit."""

from __future__ import annotations

import pickle

import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from tasks_support_system_ai.nlp.morph import MEMO_KEY_MAX, Memo, clear_caches, lemma_cache_stats
from tasks_support_system_ai.nlp.preprocess import Preprocessor
from tasks_support_system_ai.nlp.text import normalise

RU = "Роутеры постоянно перезагружаются, а ёмкость батареи упала!"
EN = "The routers are rebooting constantly and my calls were dropped."


def test_normalise_keeps_words_and_placeholders_only() -> None:
    text = "Ёлки-палки!!! Скорость 512 кбит/с, звоните <PHONE>; Wi-Fi"
    assert normalise(text) == "елки-палки скорость кбит с звоните __phone__ wi-fi"


def test_lemma_gives_dictionary_forms() -> None:
    out = Preprocessor(normaliser="lemma").transform([RU])
    assert out == ["роутер постоянно перезагружаться емкость батарея упасть"]


def test_stem_cuts_endings() -> None:
    (out,) = Preprocessor(normaliser="stem").transform([RU])
    assert out.split()[:3] == ["роутер", "постоя", "перезагружа"]


def test_none_only_normalises() -> None:
    (out,) = Preprocessor(normaliser="none").transform([RU])
    assert out == "роутеры постоянно перезагружаются емкость батареи упала"


def test_lemma_cache_is_hit_on_repeated_words() -> None:
    before = lemma_cache_stats()
    Preprocessor().transform([RU] * 20)
    after = lemma_cache_stats()
    assert after.hits - before.hits >= 19 * 6


def test_memo_stays_bounded_and_clears() -> None:
    computed: list[str] = []
    memo = Memo(lambda word: computed.append(word) or word.upper(), maxsize=2)
    assert [memo[w] for w in "abca"] == ["A", "B", "C", "A"]
    assert computed == ["a", "b", "c"]  # "a" came back from the previous round
    assert list(memo) == ["c", "a"]  # started afresh when full
    long = "x" * (MEMO_KEY_MAX + 1)
    assert memo[long] == long.upper()
    assert long not in memo
    clear_caches()
    assert not memo
    assert memo["b"] == "B"
    assert computed[-1] == "b"


def test_pii_becomes_tokens() -> None:
    (out,) = Preprocessor().transform(["Мой номер +7 (912) 345-67-89, Иванов Иван Петрович"])
    assert out == "номер __phone__ __person__"


def test_stop_words_default_extra_and_replaced() -> None:
    text = ["Здравствуйте, у меня не работает интернет и телефон"]
    assert Preprocessor().transform(text) == ["работать интернет телефон"]
    extra = Preprocessor(extra_stop_words=["Телефон"]).transform(text)
    assert extra == ["работать интернет"]
    assert Preprocessor(stop_words=[], min_length=1).transform(text) == [
        "здравствуйте у я не работать интернет и телефон"
    ]


def test_english_stem_and_auto_language() -> None:
    prep = Preprocessor(language="auto", normaliser="stem").fit([EN])
    assert prep.language_ == "en"
    assert prep.transform([EN]) == ["router reboot constant call drop"]


def test_sits_in_a_pipeline_and_pickles() -> None:
    pipe = make_pipeline(Preprocessor(normaliser="stem"), TfidfVectorizer())
    matrix = pipe.fit_transform([RU, "Интернет не работает, роутер мигает"])
    assert matrix.shape[0] == 2
    assert "роутер" in pipe[-1].vocabulary_
    copy = clone(Preprocessor(extra_stop_words=("x",)))
    assert copy.get_params()["extra_stop_words"] == ("x",)
    restored = pickle.loads(pickle.dumps(pipe))
    assert (restored.transform([RU]) != pipe.transform([RU])).nnz == 0


def test_unknown_normaliser_is_rejected() -> None:
    with pytest.raises(ValueError, match="normaliser"):
        Preprocessor(normaliser="magic").transform([RU])  # type: ignore[arg-type]
