"""The fast paths of PII scrubbing and preprocessing agree with the plain regex passes.

Each pre-check (where a number, a cue or a cued name can start; per-chunk
normalisation; per-chunk memos) is compared with a straightforward reference on
random strings built from the characters and phrases the regexes care about, so
a pre-check that wrongly skips a pass shows up as a difference.
"""

from __future__ import annotations

import re
import sys
from itertools import product

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks_support_system_ai.nlp import names, pii, text
from tasks_support_system_ai.nlp.markup import clean_markup
from tasks_support_system_ai.nlp.preprocess import Preprocessor

_PHRASES = (
    "заявка №", "Заявке", "обращение, заявка № ", "ТИКЕТ", "Инцидент", "ticket", "REQUEST #",
    "договор №", "Договора: ", "contract No. ", "Лицевой счёт ", "лицевой  счет", "л/с", "Account",
    "номер", "N", "No.", "#", ":", "INC-", "INC2019", "SR-", "RITM", "ABC-12-3456", "LTE", "E3372",
    "+7", "+7 (912) 345-67-89", "8-912-345-67-89", "(912)", "12-3456/19", "5501548947", "2260 ₽",
    "12.03.2020", "18:30", "Меня зовут", "меня  зовут", "С уважением,", "с\tуважением", "Абонент:",
    "Оформлена на", "на имя", "ФИО:", "My name is", "Regards,", "Иван", "Петров", "Иванова",
    "Сергеевич", "Михаил", "И.", "Римская-Корсакова", "Интернет-Макс", "«Смарт»", "Сбербанк Онлайн",
    "<PHONE>", "<PERSON>", "<phone>", "__x__", "___a__", "ivan.petrov@mail.ru", "Wi-Fi", "Ёлки",
    "ΣΑΣ", "İ", "ı", "ſ", "дᲂговор", "К", "٣٤٥٦", "１２３４", "Петров И. И.", "тел. 8 912",
    "No. 5", "т.е. ", "5. ", "ok! ", "Да? ", "счёт 9. ",
)  # fmt: skip
_CHARS = "аеиояёзлдсвАБИМПСЁЯQNAZaz0135789+()-/_.,:;!?№#@<>«»\"' \t\n\u00a0"
_PIECE = st.one_of(st.sampled_from(_PHRASES), st.text(_CHARS, min_size=1, max_size=3))
_GAPS = ("", " ", "  ", "\t", ", ", " ", ". ", "\n")
TEXTS = st.lists(st.tuples(_PIECE, st.sampled_from(_GAPS)).map("".join), max_size=12).map("".join)
PAIRS = [a + _GAPS[i % len(_GAPS)] + b for i, (a, b) in enumerate(product(_PHRASES, repeat=2))]
"""Every phrase before every other one: random texts alone may miss a rare pairing."""
FAST = settings(max_examples=100, deadline=None)


def _reference_mask_number(match: re.Match[str]) -> str:
    """``pii._mask_number`` with the cue regex searched over the whole window."""
    source, start = match.string, match.start()
    if start and (source[start - 1].isalnum() or source[start - 1] in "-+/_"):
        return match.group(0)
    cue = pii._CUE.search(source, max(0, start - pii._CUE_WINDOW), start)
    kind = (cue.lastgroup if cue else None) or match.lastgroup or ""
    if kind == "digits":
        digits = sum(ch.isdigit() for ch in match.group(0))
        return pii.ACCOUNT if digits >= pii._ACCOUNT_MIN_DIGITS else match.group(0)
    return pii._KIND[kind]


def _reference_scrub_run(match: re.Match[str]) -> str:
    return match.group(0) if names._glued_left(match) else names._mask_run(match.group(0))


def _reference_scrub_names(value: str) -> str:
    value = names.RUN.sub(_reference_scrub_run, value)
    return names.CUED.sub(names._scrub_cued, value)


def _reference_normalise(value: str) -> str:
    value = text._PLACEHOLDER.sub(lambda m: f" {text.PLACEHOLDER_TOKENS[m.group(0)]} ", value)
    return " ".join(text.tokenize(value.lower().replace("ё", "е")))


def _reference_transform(prep: Preprocessor, value: str) -> str:
    stops = prep.stop_word_set("ru")
    word = prep.preparer("ru").word_normaliser()
    out = []
    cleaned = clean_markup(value) if prep.markup else value
    for token in _reference_normalise(pii.scrub_pii(cleaned)).split():
        if token.startswith("__"):
            out.append(token)
        elif token not in stops and len(token) >= prep.min_length:
            normal = word(token)
            if normal not in stops:
                out.append(normal)
    return " ".join(out)


def test_scrubbing_phrase_pairs_matches_plain_subs() -> None:
    for value in PAIRS:
        assert pii.mask_numbers(value) == pii._NUMBER.sub(_reference_mask_number, value), value
        assert names.scrub_names(value) == _reference_scrub_names(value), value


@FAST
@given(TEXTS)
def test_number_starts_cover_every_number(value: str) -> None:
    for start in range(len(value)):
        if pii._NUMBER.match(value, start):
            assert pii._NUMBER_START.match(value, start)


@FAST
@given(TEXTS)
def test_cue_kind_matches_window_search(value: str) -> None:
    for start in range(len(value) + 1):
        cue = pii._CUE.search(value, max(0, start - pii._CUE_WINDOW), start)
        assert pii._cue_kind(value, start) == (cue.lastgroup if cue else None)


@FAST
@given(TEXTS)
def test_mask_numbers_matches_plain_sub(value: str) -> None:
    assert pii.mask_numbers(value) == pii._NUMBER.sub(_reference_mask_number, value)


@FAST
@given(TEXTS)
def test_cue_starts_cover_every_cued_name(value: str) -> None:
    starts = set(names._cue_starts(value))
    assert {m for m in range(len(value)) if names.CUED.match(value, m)} <= starts


@FAST
@given(TEXTS)
def test_scrub_names_matches_plain_sub(value: str) -> None:
    assert names.scrub_names(value) == _reference_scrub_names(value)


@FAST
@given(TEXTS)
def test_normalise_matches_whole_text_passes(value: str) -> None:
    assert text.normalise(value) == _reference_normalise(value)


@FAST
@given(TEXTS)
def test_stem_and_none_transforms_match_token_loop(value: str) -> None:
    for normaliser in ("stem", "none"):
        prep = Preprocessor(normaliser=normaliser)
        assert prep.transform([value]) == [_reference_transform(prep, value)]


@FAST
@given(st.lists(TEXTS, max_size=4))
def test_texts_prepared_in_pieces_match_whole_texts(values: list[str]) -> None:
    for normaliser in ("stem", "none"):
        preparer = Preprocessor(normaliser=normaliser).preparer("ru")
        whole = [preparer.prepare_whole(value) for value in values]
        assert preparer(values) == whole  # cut in plain Python
        assert preparer.prepare_array(pa.array(values, pa.string())).to_pylist() == whole


def test_phrase_pairs_prepared_in_pieces_match_whole_texts() -> None:
    preparer = Preprocessor(normaliser="stem").preparer("ru")
    assert preparer(PAIRS) == [preparer.prepare_whole(value) for value in PAIRS]


def test_lower_case_stem_check_is_exact_outside_case_traps() -> None:
    """Wherever the ignore-case cue stems match, ``str.lower`` gives the stem letter.

    ``pii._cue_kind`` relies on this to find stems in ``window.lower()``; the
    letters for which it fails must all be in ``pii._CASE_TRAPS``.
    """
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, sys.maxunicode + 1)))
    letters = set("".join(pii._CUE_STEM.pattern.split("|"))) - {"/"}
    for char in set(re.findall(f"(?i)[{''.join(letters)}]", every)):
        for letter in letters:
            if re.fullmatch(f"(?i){letter}", char):
                assert char.lower() == letter or pii._CASE_TRAPS.match(char), hex(ord(char))
    assert [c for c in every if len(c.lower()) != 1] == ["\u0130"]


def test_digits_below_u0660_are_ascii() -> None:
    """``pii._NUMBER_START`` spells ``\\d`` as 0-9 plus everything from U+0660 up."""
    assert re.findall(r"\d", "".join(map(chr, range(0x660)))) == list("0123456789")
