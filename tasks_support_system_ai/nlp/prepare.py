"""Ticket text → space-joined normalised tokens: the ``Preprocessor``'s work without scikit-learn.

Batch labeling workers import this (and ``nlp.linear``) but not scikit-learn, which alone costs
~170 MB per process. ``TextPreparer`` holds the resolved settings (language fixed, stop words
final); ``nlp.preprocess.Preprocessor`` is the scikit-learn face that builds one.

After PII scrubbing everything is word-local (see ``nlp.text``), so for "stem" and "none" each
distinct whitespace-separated chunk is mapped once to its final tokens — normalised, stop words
and short words dropped, stemmed — and a text costs one dict lookup per chunk. "lemma" keeps
calling ``lemma`` per token, so its cache statistics still count every word. The memos live at
module level, shared by every preparer with the same settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import chain
from typing import Any, Final, Literal

from .morph import Memo, lemma, stem
from .pii import scrub_pii
from .stopwords import DEFAULT_STOP_WORDS
from .text import WORD_TOKENS, Language, is_cyrillic

Normaliser = Literal["lemma", "stem", "none"]
ChunkNormaliser = Callable[[str], tuple[str, ...]]
_SNOWBALL: Final = {"ru": "russian", "en": "english"}
_MAX_CONFIGS: Final = 8
_CHUNK_MEMOS: dict[tuple[str, frozenset[str], int], Memo[tuple[str, ...]]] = {}
"""Chunk -> final tokens, one memo per (normaliser, stop words, min_length)."""


@dataclass(frozen=True)
class TextPreparer:
    """Scrub PII, normalise, drop stop words, then lemmatise or stem each word."""

    language: Language
    normaliser: Normaliser = "lemma"
    stop_words: frozenset[str] = frozenset()
    scrub: bool = True
    min_length: int = 2

    def __call__(self, texts: Iterable[str]) -> list[str]:
        """One space-joined token string per text."""
        tokens = self.chunk_normaliser()
        scrub = scrub_pii if self.scrub else str
        return [" ".join(chain.from_iterable(map(tokens, scrub(text).split()))) for text in texts]

    def word_normaliser(self) -> Callable[[str], str]:
        """Lemma or stem of one normalised word (Cyrillic → Russian, Latin → English)."""
        if self.normaliser == "lemma":
            return lambda w: lemma(w) if is_cyrillic(w) else w
        if self.normaliser == "stem":
            return lambda w: stem(w, _SNOWBALL["ru" if is_cyrillic(w) else "en"])
        if self.normaliser == "none":
            return lambda w: w
        raise ValueError(f"normaliser must be 'lemma', 'stem' or 'none', got {self.normaliser!r}")

    def chunk_normaliser(self) -> ChunkNormaliser:
        """Final tokens of one whitespace-free chunk of scrubbed text, memoised unless lemma."""
        normalise = partial(
            _final_tokens,
            stops=self.stop_words,
            min_length=self.min_length,
            word=self.word_normaliser(),
        )
        if self.normaliser == "lemma":
            return normalise
        key = (self.normaliser, self.stop_words, self.min_length)
        memo = _CHUNK_MEMOS.get(key)
        if memo is None:
            if len(_CHUNK_MEMOS) >= _MAX_CONFIGS:
                _CHUNK_MEMOS.clear()
            memo = _CHUNK_MEMOS[key] = Memo(normalise)
        return memo.__getitem__

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings (stop words sorted), for artifacts that avoid scikit-learn."""
        return {
            "language": self.language,
            "normaliser": self.normaliser,
            "stop_words": sorted(self.stop_words),
            "scrub": self.scrub,
            "min_length": self.min_length,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextPreparer:
        return cls(**{**data, "stop_words": frozenset(data["stop_words"])})


@lru_cache(maxsize=64)
def stop_word_set(
    language: Language, stop_words: tuple[str, ...] | None, extra: tuple[str, ...]
) -> frozenset[str]:
    """Defaults for ``language`` (or ``stop_words``) plus ``extra``, normalised like tokens.

    Cached, so one-text ``transform`` calls skip rebuilding it (and re-hashing it).
    """
    base = DEFAULT_STOP_WORDS[language] if stop_words is None else stop_words
    return frozenset(w.lower().replace("ё", "е") for w in [*base, *extra])


def _final_tokens(
    chunk: str, *, stops: frozenset[str], min_length: int, word: Callable[[str], str]
) -> tuple[str, ...]:
    out = []
    for token in WORD_TOKENS[chunk]:
        if token.startswith("__"):
            out.append(token)
        elif token not in stops and len(token) >= min_length:
            normal = word(token)
            if normal not in stops:
                out.append(normal)
    return tuple(out)
