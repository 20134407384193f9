"""Cached word normalisers: pymorphy3 lemmas and Snowball stems.

Ticket vocabularies are small and words repeat constantly, so every normaliser
memoises per word; the caches live at module level so ``Preprocessor`` objects
stay plain, picklable parameter holders. Serving threads share them: the memos are
dicts (a racing miss computes a word twice, never a wrong value), Snowball stemmers
are one per thread, and the shared pymorphy3 analyzer keeps no per-call state.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any, Final, NamedTuple, TypeVar

import pymorphy3
import snowballstemmer

CACHE_SIZE: Final = 200_000
_NAME_GRAMMEMES: Final = frozenset({"Name", "Surn", "Patr"})
MEMO_KEY_MAX: Final = 64
V = TypeVar("V")


class Memo(dict[str, V]):
    """A dict that fills itself from ``compute`` and starts afresh when full.

    Hot loops look words up by plain subscription (or ``map(memo.__getitem__, ...)``),
    which stays a C-level dict hit; an ``lru_cache``d function pays a Python call
    per word.  Starting afresh at ``maxsize`` keeps memory bounded (at most twice
    ``maxsize`` entries) with no per-hit cost; the entries of the previous round are
    still consulted before computing, so frequent keys survive the reset. Keys longer
    than ``max_key`` (URLs, pasted logs) are computed but not stored, as they rarely
    repeat and would dominate the memory.
    """

    def __init__(
        self, compute: Callable[[str], V], maxsize: int = CACHE_SIZE, max_key: int = MEMO_KEY_MAX
    ) -> None:
        super().__init__()
        self.compute = compute
        self.maxsize = maxsize
        self.max_key = max_key
        self._previous: dict[str, V] = {}
        _MEMOS[id(self)] = self

    def __missing__(self, key: str) -> V:
        value = self._previous[key] if key in self._previous else self.compute(key)
        if len(key) <= self.max_key:
            if len(self) >= self.maxsize:
                self._previous = dict(self)
                super().clear()
            self[key] = value
        return value

    def clear(self) -> None:
        self._previous = {}
        super().clear()


_MEMOS: weakref.WeakValueDictionary[int, Memo[Any]] = weakref.WeakValueDictionary()
"""Every live memo, so ``clear_caches`` can empty them without keeping them alive."""


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


_PER_THREAD = threading.local()


def _stemmer(language: str) -> snowballstemmer.stemmer:
    """This thread's stemmer: a Snowball stemmer keeps the word being stemmed in its own fields,
    so one object used by two threads at once mixes their words up (an ``IndexError`` at best)."""
    stemmers: dict[str, snowballstemmer.stemmer] | None = getattr(_PER_THREAD, "stemmers", None)
    if stemmers is None:
        stemmers = _PER_THREAD.stemmers = {}
    stemmer = stemmers.get(language)
    if stemmer is None:
        stemmer = stemmers[language] = snowballstemmer.stemmer(language)
    return stemmer


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
    for memo in list(_MEMOS.values()):
        memo.clear()
    lemma.cache_clear()
    stem.cache_clear()
    is_name_part.cache_clear()
