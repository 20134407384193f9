"""The classifiers' features — word 1–2-gram and ``char_wb`` n-gram TF-IDF — fitted fast.

The pipeline holds ordinary scikit-learn ``TfidfVectorizer`` objects (in a ``FeatureUnion``), so
artifacts and ``pipeline.predict`` stay plain scikit-learn. Fitting them the scikit-learn way runs
a Python analyzer over every character of every text, several times over when statistics need
extra fits. ``TextFeatures`` instead tokenises the prepared texts once, works out each distinct
word's tokens and character n-grams once, and then fits vocabularies and IDF weights for any subset
of rows with numpy: the resulting vectorizers and matrices equal scikit-learn's own (tested).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .char_ngrams import (
    IntArray,
    char_wb_ngrams,
    doc_word_matrix,
    expand,
    split_words,
    triples,
    word_matrix,
)

TOKEN_PATTERN: Final = r"(?u)\b\w\w+\b"
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FeatureSettings:
    """The union's settings (the classifiers' defaults; see ``docs/quality.md``)."""

    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 2
    sublinear_tf: bool = True

    def union(self) -> FeatureUnion:
        """Unfitted scikit-learn vectorizers with these settings."""
        word = TfidfVectorizer(
            ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=self.sublinear_tf
        )
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.char_ngrams,
            min_df=self.min_df,
            sublinear_tf=self.sublinear_tf,
        )
        return FeatureUnion([("word", word), ("char", char)])


@dataclass(frozen=True)
class _Block:
    """One vectorizer's terms: every (row, term) pair with its count, and each term's text."""

    rows: IntArray
    terms: IntArray
    counts: IntArray
    names: list[str]


class TextFeatures:
    """Prepared texts, tokenised once, ready to fit the union on any subset of rows."""

    def __init__(self, prepared: Sequence[str], union: FeatureUnion) -> None:
        self.size = len(prepared)
        self.union = union
        word, char = (step for _, step in union.transformer_list)
        words, occurrences, rows = split_words(prepared)
        docs = doc_word_matrix(occurrences, rows, self.size, len(words))
        self.blocks = (
            _word_block(words, occurrences, rows, docs),
            _char_block(words, char.ngram_range, docs),
        )
        self.min_df = (int(word.min_df), int(char.min_df))

    def fit(self, rows: IntArray) -> tuple[FeatureUnion, sp.csr_matrix]:
        """A fitted copy of the union on ``rows`` (positions), and their TF-IDF matrix."""
        from sklearn.base import clone

        union = clone(self.union)
        chosen = np.zeros(self.size, dtype=bool)
        chosen[rows] = True
        matrices = []
        for (_, vectorizer), block, min_df in zip(
            union.transformer_list, self.blocks, self.min_df, strict=True
        ):
            columns = _fit_vectorizer(vectorizer, block, chosen, len(rows), min_df)
            matrices.append(_matrix(vectorizer, block, columns, rows, self.size))
        return union, sp.hstack(matrices, format="csr")

    def transform(self, union: FeatureUnion, rows: IntArray) -> sp.csr_matrix:
        """TF-IDF of ``rows`` for a union fitted by ``fit`` (on these texts)."""
        matrices = []
        for (_, vectorizer), block in zip(union.transformer_list, self.blocks, strict=True):
            columns = np.full(len(block.names), -1, dtype=np.int64)
            lookup = vectorizer.vocabulary_
            for term, name in enumerate(block.names):
                columns[term] = lookup.get(name, -1)
            matrices.append(_matrix(vectorizer, block, columns, rows, self.size))
        return sp.hstack(matrices, format="csr")


def _word_block(words: list[str], occurrences: IntArray, rows: IntArray, docs: Any) -> _Block:
    """Word unigrams and bigrams, as scikit-learn's word analyzer makes them."""
    pattern = re.compile(TOKEN_PATTERN)
    token_ids: dict[str, int] = {}
    per_word = [
        np.asarray([token_ids.setdefault(t, len(token_ids)) for t in pattern.findall(w)], np.int64)
        for w in words
    ]
    names = list(token_ids)
    width = max(len(names), 1)
    unigram_rows, unigrams, unigram_counts = triples(docs @ word_matrix(per_word, width))
    token_rows, tokens = expand(per_word, occurrences, rows)
    same = token_rows[:-1] == token_rows[1:]
    pair_rows = token_rows[:-1][same]
    pair_keys = tokens[:-1][same] * width + tokens[1:][same]
    pairs, pair_ids = np.unique(pair_keys, return_inverse=True)
    names += [f"{names[a]} {names[b]}" for a, b in zip(*np.divmod(pairs, width), strict=True)]
    keys, pair_counts = np.unique(pair_rows * max(pairs.size, 1) + pair_ids, return_counts=True)
    return _Block(
        np.concatenate([unigram_rows, keys // max(pairs.size, 1)]),
        np.concatenate([unigrams, len(token_ids) + keys % max(pairs.size, 1)]),
        np.concatenate([unigram_counts, pair_counts]),
        names,
    )


def _char_block(words: list[str], ngram_range: tuple[int, int], docs: Any) -> _Block:
    gram_ids: dict[str, int] = {}
    per_word = [
        np.asarray(
            [gram_ids.setdefault(g, len(gram_ids)) for g in char_wb_ngrams(w, *ngram_range)],
            np.int64,
        )
        for w in words
    ]
    rows, grams, counts = triples(docs @ word_matrix(per_word, max(len(gram_ids), 1)))
    return _Block(rows, grams, counts, list(gram_ids))


def _fit_vectorizer(
    vectorizer: TfidfVectorizer,
    block: _Block,
    chosen: npt.NDArray[np.bool_],
    docs: int,
    min_df: int,
) -> IntArray:
    """Set the vocabulary and IDF scikit-learn would fit on the chosen rows; returns each term's
    column (-1: not in the vocabulary)."""
    inside = chosen[block.rows]
    df = np.bincount(block.terms[inside], minlength=len(block.names))
    kept = np.flatnonzero(df >= min_df)
    if not kept.size:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a max_df.")
    kept = kept[np.argsort(np.asarray([block.names[k] for k in kept]), kind="stable")]
    columns = np.full(len(block.names), -1, dtype=np.int64)
    columns[kept] = np.arange(kept.size)
    vectorizer.vocabulary_ = {block.names[k]: i for i, k in enumerate(kept.tolist())}
    vectorizer.fixed_vocabulary_ = False
    vectorizer.idf_ = np.log((1 + docs) / (1 + df[kept].astype(np.float64))) + 1.0
    return columns


def _matrix(
    vectorizer: TfidfVectorizer, block: _Block, columns: IntArray, rows: IntArray, size: int
) -> sp.csr_matrix:
    """The vectorizer's TF-IDF rows for ``rows`` (positions, in that order)."""
    position = np.full(size, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    where = position[block.rows]
    column = columns[block.terms]
    keep = (where >= 0) & (column >= 0)
    values = block.counts[keep].astype(np.float64)
    if vectorizer.sublinear_tf:
        values = np.log(values) + 1.0
    idf: FloatArray = np.asarray(vectorizer.idf_, dtype=np.float64)
    values *= idf[column[keep]]
    out_rows = where[keep]
    norms = np.sqrt(np.bincount(out_rows, weights=values * values, minlength=len(rows)))
    values /= np.where(norms > 0, norms, 1.0)[out_rows]
    shape = (len(rows), len(idf))
    return sp.csr_matrix((values, (out_rows, column[keep])), shape=shape)


def fitted_union_state(union: FeatureUnion) -> dict[str, Any]:
    """Vocabulary sizes of a fitted union (for statistics and logs)."""
    return {name: len(step.vocabulary_) for name, step in union.transformer_list}
