"""Cached word normalisers: pymorphy3 lemmas and Snowball stems.

Ticket vocabularies are small and words repeat constantly, so every normaliser
memoises per word; the caches live at module level so ``Preprocessor`` objects
stay plain, picklable parameter holders.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Final, NamedTuple

import pymorphy3
import snowballstemmer

CACHE_SIZE: Final = 200_000
_NAME_GRAMMEMES: Final = frozenset({"Name", "Surn", "Patr"})


class CacheStats(NamedTuple):
    """Hits and misses of one word cache."""

    hits: int
    misses: int

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


@cache
def morph() -> pymorphy3.MorphAnalyzer:
    """One shared analyzer: loading dictionaries per call would dominate run time."""
    return pymorphy3.MorphAnalyzer()


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=CACHE_SIZE)
def lemma(word: str) -> str:
    """Dictionary form of a lower-case Russian word (most probable parse)."""
    return str(morph().parse(word)[0].normal_form).replace("ё", "е")


@lru_cache(maxsize=CACHE_SIZE)
def stem(word: str, language: str) -> str:
    """Snowball stem of a lower-case word; ``language`` is a Snowball name."""
    return str(_stemmer(language).stemWord(word))


@lru_cache(maxsize=CACHE_SIZE)
def is_name_part(word: str) -> bool:
    """True when any parse of ``word`` is a first name, surname or patronymic."""
    return any(_NAME_GRAMMEMES & parse.tag.grammemes for parse in morph().parse(word))


def lemma_cache_stats() -> CacheStats:
    """Hit/miss counters of the lemma cache since start-up or the last clear."""
    info = lemma.cache_info()
    return CacheStats(info.hits, info.misses)


def stem_cache_stats() -> CacheStats:
    """Hit/miss counters of the stem cache since start-up or the last clear."""
    info = stem.cache_info()
    return CacheStats(info.hits, info.misses)


def clear_caches() -> None:
    """Forget memoised words (for measurements and memory-bound jobs)."""
    lemma.cache_clear()
    stem.cache_clear()
    is_name_part.cache_clear()
