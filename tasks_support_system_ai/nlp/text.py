"""Text normalisation and tokenisation.

PII placeholders become ``__phone__``-style tokens: they survive lower-casing,
punctuation stripping and scikit-learn's default ``token_pattern`` and cannot
collide with real words such as "phone".

Normalisation works word by word (whitespace-separated chunks): no step looks
across whitespace — tokens and placeholders contain none, and ``str.lower``'s
only context rule (final sigma) stops at it — so each distinct chunk is
normalised once and memoised, which is much cheaper than re-running the regexes
over every text.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import Final

from .morph import Memo
from .pii import PLACEHOLDERS

PLACEHOLDER_TOKENS: Final = {p: f"__{p.strip('<>').lower()}__" for p in PLACEHOLDERS}
_PLACEHOLDER: Final = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))
_TOKEN: Final = re.compile(r"__[a-z]+__|[a-zа-я]+(?:-[a-zа-я]+)*")


def normalise(text: str) -> str:
    """Lower-case, ё→е, placeholders as tokens, everything but words dropped."""
    return " ".join(chain.from_iterable(map(WORD_TOKENS.__getitem__, text.split())))


def _word_tokens(word: str) -> tuple[str, ...]:
    if "<" in word:
        word = _PLACEHOLDER.sub(lambda m: f" {PLACEHOLDER_TOKENS[m.group(0)]} ", word)
    return tuple(tokenize(word.lower().replace("ё", "е")))


WORD_TOKENS: Final = Memo(_word_tokens)
"""Normalised tokens of one whitespace-free chunk of text ("Счёт:" -> ("счет",))."""


def tokenize(text: str) -> list[str]:
    """Words (hyphenated ones kept whole) and placeholder tokens of normalised text."""
    return _TOKEN.findall(text)


def is_cyrillic(word: str) -> bool:
    """True for a word written in Cyrillic (decides which normaliser applies)."""
    return "а" <= word[0] <= "я"
