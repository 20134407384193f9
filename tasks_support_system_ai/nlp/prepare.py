"""Ticket text → space-joined normalised tokens: the ``Preprocessor``'s work without scikit-learn.

Batch labeling workers import this (and ``nlp.linear``) but not scikit-learn, which alone would
be most of a labeling process's memory (docs/benchmarks.md). ``TextPreparer`` holds the resolved
settings (language fixed, stop words final); ``nlp.preprocess.Preprocessor`` is the scikit-learn
face that builds one.

After PII scrubbing everything is word-local (see ``nlp.text``), so for "stem" and "none" each
distinct whitespace-separated chunk is mapped once to its final tokens — normalised, stop words
and short words dropped, stemmed — and a text costs one dict lookup per chunk. Before that,
texts are cut into pieces that prepare independently (``nlp.sentences``: stock phrases, digits
and numbers folded), and each distinct piece is prepared once. Blocks of texts
(``prepare_array``, and lists of 64 or more) are cut in numpy and deduplicated by Arrow, a
fraction of the cost of preparing whole texts; a few texts are cut in plain Python. "lemma"
keeps calling ``lemma`` per token, so its cache statistics still count every word. The memos
live at module level, shared by every preparer with the same settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import chain
from typing import Any, Final, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tasks_support_system_ai.language import Language

from .markup import clean_markup, markup_mask
from .morph import Memo, V, lemma, stem
from .pii import scrub_pii
from .sentences import Positions, split_array, split_text
from .stopwords import DEFAULT_STOP_WORDS
from .text import WORD_TOKENS, is_cyrillic

Normaliser = Literal["lemma", "stem", "none"]
ChunkNormaliser = Callable[[str], tuple[str, ...]]
_SNOWBALL: Final = {"ru": "russian", "en": "english"}
_MAX_CONFIGS: Final = 8
PIECE_MEMO_SIZE: Final = 25_000
PIECE_KEY_MAX: Final = 400
_SPACE: Final = pa.scalar(" ", pa.large_string())
ARROW_ROWS: Final = 64
"""Fewer texts are cut in plain Python: for one ticket, numpy's fixed cost outweighs the work."""
SPLIT_ROWS: Final = 5_000
"""Texts cut at once: the block's copies stay a few MB (transient memory, not speed)."""
_CHUNK_MEMOS: dict[tuple[Any, ...], Memo[tuple[str, ...]]] = {}
"""Chunk -> final tokens, one memo per (normaliser, stop words, min_length)."""
_PIECE_MEMOS: dict[tuple[Any, ...], Memo[str]] = {}
"""Piece of text -> prepared text, one memo per (normaliser, stop words, min_length, scrub)."""


@dataclass(frozen=True)
class TextPreparer:
    """Scrub PII, normalise, drop stop words, then lemmatise or stem each word."""

    language: Language
    normaliser: Normaliser = "lemma"
    stop_words: frozenset[str] = frozenset()
    scrub: bool = True
    min_length: int = 2
    markup: bool = False
    """Clean markup first (``nlp.markup``); off for models exported before it existed."""

    def __call__(self, texts: Iterable[str]) -> list[str]:
        """One space-joined token string per text."""
        texts = list(texts)
        if self.normaliser == "lemma":
            return list(map(self.prepare_whole, texts))
        if len(texts) >= ARROW_ROWS:
            try:
                array = pa.array(texts, pa.large_string())
            except (pa.ArrowException, UnicodeEncodeError):  # lone surrogates (from JSON)
                pass
            else:
                prepared: list[str] = self.prepare_array(array).to_pylist()
                return prepared
        return list(map(self._prepare_in_pieces, texts))

    def _prepare_in_pieces(self, text: str) -> str:
        if self.markup:
            text = clean_markup(text)
        pieces = split_text(text)
        if pieces is None:
            return self._prepare_clean(text)
        return " ".join(filter(None, map(self._piece_memo().__getitem__, pieces)))

    def prepare_array(self, texts: pa.StringArray | pa.LargeStringArray) -> pa.LargeStringArray:
        """``self(texts)`` for an Arrow array without nulls: Python only sees distinct pieces."""
        if self.normaliser == "lemma":
            return pa.array(list(map(self.prepare_whole, texts.to_pylist())), pa.large_string())
        blocks = [
            self._prepare_block(texts.slice(start, SPLIT_ROWS))
            for start in range(0, len(texts), SPLIT_ROWS)
        ]
        return pa.concat_arrays(blocks) if blocks else pa.array([], pa.large_string())

    def _prepare_block(self, texts: pa.StringArray | pa.LargeStringArray) -> pa.LargeStringArray:
        if self.markup:
            texts = _clean_column(texts)
        pieces = split_array(texts)
        encoded = pc.dictionary_encode(pieces.values)
        prepare = self._piece_memo().__getitem__
        distinct = pa.array(list(map(prepare, encoded.dictionary.to_pylist())), pa.large_string())
        return _join_words(distinct.take(encoded.indices), pieces.offsets)

    def prepare_whole(self, text: str) -> str:
        """One text prepared in one go: what ``__call__`` returns for it, by definition."""
        return self._prepare_clean(clean_markup(text) if self.markup else text)

    def _prepare_clean(self, text: str) -> str:
        """``prepare_whole`` of a text whose markup is already cleaned (or a piece of one)."""
        scrub = scrub_pii if self.scrub else str
        return " ".join(chain.from_iterable(map(self.chunk_normaliser(), scrub(text).split())))

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
        key = (self.normaliser, self.stop_words, self.min_length)
        memo = _CHUNK_MEMOS.get(key)  # every prepared piece asks: skip building the function
        if memo is not None:
            return memo.__getitem__
        normalise = partial(
            _final_tokens,
            stops=self.stop_words,
            min_length=self.min_length,
            word=self.word_normaliser(),
        )
        if self.normaliser == "lemma":
            return normalise
        return _memo_for(_CHUNK_MEMOS, key, normalise).__getitem__

    def _piece_memo(self) -> Memo[str]:
        key = (self.normaliser, self.stop_words, self.min_length, self.scrub)
        return _memo_for(
            _PIECE_MEMOS, key, self._prepare_clean, maxsize=PIECE_MEMO_SIZE, max_key=PIECE_KEY_MAX
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings (stop words sorted), for artifacts that avoid scikit-learn."""
        return {
            "language": self.language,
            "normaliser": self.normaliser,
            "stop_words": sorted(self.stop_words),
            "scrub": self.scrub,
            "min_length": self.min_length,
            "markup": self.markup,
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


def _memo_for(
    memos: dict[tuple[Any, ...], Memo[V]],
    key: tuple[Any, ...],
    compute: Callable[[str], V],
    **limits: int,
) -> Memo[V]:
    """The memo of one preparer configuration; a few configurations are kept, then all dropped."""
    memo = memos.get(key)
    if memo is None:
        if len(memos) >= _MAX_CONFIGS:
            memos.clear()
        memo = memos[key] = Memo(compute, **limits)
    return memo


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


def _clean_column(texts: pa.StringArray | pa.LargeStringArray) -> pa.Array:
    """``clean_markup`` of each text; only the texts ``markup_mask`` flags become Python strings."""
    mask = markup_mask(texts)
    if not pc.any(mask).as_py():
        return texts
    flagged = texts.filter(mask).to_pylist()
    cleaned = pa.array(list(map(clean_markup, flagged)), texts.type)
    return pc.replace_with_mask(texts, mask, cleaned)


def _join_words(pieces: pa.LargeStringArray, offsets: Positions) -> pa.LargeStringArray:
    """Each text's prepared pieces (``offsets`` as in ``Pieces``) joined by single spaces."""
    words = pc.not_equal(pc.binary_length(pieces), 0)
    kept = np.zeros(len(pieces) + 1, np.int64)
    np.cumsum(words.to_numpy(zero_copy_only=False), out=kept[1:])
    lists = pa.LargeListArray.from_arrays(pa.array(kept[offsets]), pieces.filter(words))
    joined: pa.LargeStringArray = pc.binary_join(lists, _SPACE)
    return joined
