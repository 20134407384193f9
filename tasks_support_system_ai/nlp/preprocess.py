"""Ticket text → space-joined normalised tokens, ready for ``TfidfVectorizer``.

``Preprocessor`` is a scikit-learn transformer with plain ``__init__`` params, so
it clones, pickles and sits in a ``Pipeline``; the heavy pymorphy3 analyzer and
word caches live in ``nlp.morph`` rather than on the object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, Self

from sklearn.base import BaseEstimator, TransformerMixin

from .morph import lemma, stem
from .pii import scrub_pii
from .stopwords import DEFAULT_STOP_WORDS
from .text import Language, detect_language, is_cyrillic, normalise

Normaliser = Literal["lemma", "stem", "none"]
_SNOWBALL: dict[str, str] = {"ru": "russian", "en": "english"}


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
        stops = self.stop_word_set(language)
        word = self._word_normaliser()
        return [self._one(text, stops, word) for text in texts]

    def stop_word_set(self, language: Language) -> frozenset[str]:
        """Effective stop words: defaults (or ``stop_words``) plus the extras."""
        base = DEFAULT_STOP_WORDS[language] if self.stop_words is None else self.stop_words
        words = [*base, *self.extra_stop_words]
        return frozenset(w.lower().replace("ё", "е") for w in words)

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

    def _one(self, text: str, stops: frozenset[str], word: Callable[[str], str]) -> str:
        tokens = normalise(scrub_pii(text) if self.scrub else text).split()
        out = []
        for token in tokens:
            if token.startswith("__"):
                out.append(token)
                continue
            if token in stops or len(token) < self.min_length:
                continue
            normal = word(token)
            if normal not in stops:
                out.append(normal)
        return " ".join(out)
