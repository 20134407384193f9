"""Ticket text → space-joined normalised tokens, ready for ``TfidfVectorizer``.

``Preprocessor`` is a scikit-learn transformer with plain ``__init__`` params, so
it clones, pickles and sits in a ``Pipeline``; the heavy pymorphy3 analyzer and
word caches live in ``nlp.morph`` and here at module level rather than on the object.

After PII scrubbing everything is word-local (see ``nlp.text``), so for "stem"
and "none" each distinct whitespace-separated chunk is mapped once to its final
tokens — normalised, stop words and short words dropped, stemmed — and a text
costs one dict lookup per chunk.  "lemma" keeps calling ``lemma`` per token, so
its cache statistics still count every word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from itertools import chain
from typing import Any, Final, Literal, Self

from sklearn.base import BaseEstimator, TransformerMixin

from .morph import Memo, lemma, stem
from .pii import scrub_pii
from .stopwords import DEFAULT_STOP_WORDS
from .text import WORD_TOKENS, Language, detect_language, is_cyrillic

Normaliser = Literal["lemma", "stem", "none"]
ChunkNormaliser = Callable[[str], tuple[str, ...]]
_SNOWBALL: dict[str, str] = {"ru": "russian", "en": "english"}
_MAX_CONFIGS: Final = 8
_CHUNK_MEMOS: dict[tuple[str, frozenset[str], int], Memo[tuple[str, ...]]] = {}
"""Chunk -> final tokens, one memo per (normaliser, stop words, min_length)."""


class Preprocessor(TransformerMixin, BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Scrub PII, normalise, drop stop words, then lemmatise or stem each word.

    Cyrillic words go to pymorphy3 (lemma) or the Russian Snowball stemmer; Latin
    words to the English stemmer (there is no English lemmatiser installed, so
    "lemma" keeps them as written).  ``language="auto"`` detects it in ``fit``.
    """

    def __init__(
        self,
        *,
        language: Language | Literal["auto"] = "ru",
        normaliser: Normaliser = "lemma",
        stop_words: Iterable[str] | None = None,
        extra_stop_words: Iterable[str] = (),
        scrub: bool = True,
        min_length: int = 2,
    ) -> None:
        self.language = language
        self.normaliser = normaliser
        self.stop_words = stop_words
        self.extra_stop_words = extra_stop_words
        self.scrub = scrub
        self.min_length = min_length

    def fit(self, texts: Iterable[str], y: Any = None) -> Self:
        """Fix the language (detected from ``texts`` when "auto")."""
        texts = list(texts)
        self.language_: Language = (
            detect_language(texts) if self.language == "auto" else self.language
        )
        return self

    def transform(self, texts: Iterable[str]) -> list[str]:
        """One space-joined token string per text."""
        texts = list(texts)
        language = self._language(texts)
        tokens = self._chunk_normaliser(self.stop_word_set(language))
        scrub = scrub_pii if self.scrub else str
        return [" ".join(chain.from_iterable(map(tokens, scrub(text).split()))) for text in texts]

    def stop_word_set(self, language: Language) -> frozenset[str]:
        """Effective stop words: defaults (or ``stop_words``) plus the extras."""
        base = None if self.stop_words is None else tuple(self.stop_words)
        return _stop_word_set(language, base, tuple(self.extra_stop_words))

    def _language(self, texts: list[str]) -> Language:
        fitted: Language | None = getattr(self, "language_", None)
        if fitted is not None:
            return fitted
        return detect_language(texts) if self.language == "auto" else self.language

    def _word_normaliser(self) -> Callable[[str], str]:
        if self.normaliser == "lemma":
            return lambda w: lemma(w) if is_cyrillic(w) else w
        if self.normaliser == "stem":
            return lambda w: stem(w, _SNOWBALL["ru" if is_cyrillic(w) else "en"])
        if self.normaliser == "none":
            return lambda w: w
        raise ValueError(f"normaliser must be 'lemma', 'stem' or 'none', got {self.normaliser!r}")

    def _chunk_normaliser(self, stops: frozenset[str]) -> ChunkNormaliser:
        """Final tokens of one whitespace-free chunk of scrubbed text, memoised unless lemma."""
        normalise = partial(
            _final_tokens, stops=stops, min_length=self.min_length, word=self._word_normaliser()
        )
        if self.normaliser == "lemma":
            return normalise
        key = (self.normaliser, stops, self.min_length)
        memo = _CHUNK_MEMOS.get(key)
        if memo is None:
            if len(_CHUNK_MEMOS) >= _MAX_CONFIGS:
                _CHUNK_MEMOS.clear()
            memo = _CHUNK_MEMOS[key] = Memo(normalise)
        return memo.__getitem__


@lru_cache(maxsize=64)
def _stop_word_set(
    language: Language, stop_words: tuple[str, ...] | None, extra: tuple[str, ...]
) -> frozenset[str]:
    """Cached, so one-text ``transform`` calls skip rebuilding it (and re-hashing it)."""
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
