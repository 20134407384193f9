"""Ticket text → space-joined normalised tokens, ready for ``TfidfVectorizer``.

``Preprocessor`` is a scikit-learn transformer with plain ``__init__`` params, so it clones,
pickles and sits in a ``Pipeline``. The work itself is ``nlp.prepare.TextPreparer``'s, which
batch-labeling workers use without importing scikit-learn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Self

from sklearn.base import BaseEstimator, TransformerMixin

from tasks_support_system_ai.language import Language, detect_language

from .prepare import Normaliser, TextPreparer, stop_word_set


class Preprocessor(TransformerMixin, BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Clean markup, scrub PII, normalise, drop stop words, then lemmatise or stem each word.

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
        markup: bool = True,
    ) -> None:
        self.language = language
        self.normaliser = normaliser
        self.stop_words = stop_words
        self.extra_stop_words = extra_stop_words
        self.scrub = scrub
        self.min_length = min_length
        self.markup = markup

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
        return self.preparer(self._language(texts))(texts)

    def preparer(self, language: Language | None = None) -> TextPreparer:
        """The settings resolved for ``language`` (default: the fitted or configured one)."""
        language = language or self._language([])
        return TextPreparer(
            language,
            self.normaliser,
            self.stop_word_set(language),
            self.scrub,
            self.min_length,
            markup=getattr(self, "markup", False),  # artifacts from before markup cleaning
        )

    def stop_word_set(self, language: Language) -> frozenset[str]:
        """Effective stop words: defaults (or ``stop_words``) plus the extras."""
        base = None if self.stop_words is None else tuple(self.stop_words)
        return stop_word_set(language, base, tuple(self.extra_stop_words))

    def _language(self, texts: list[str]) -> Language:
        fitted: Language | None = getattr(self, "language_", None)
        if fitted is not None:
            return fitted
        return detect_language(texts) if self.language == "auto" else self.language
