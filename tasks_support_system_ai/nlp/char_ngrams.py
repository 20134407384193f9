"""Character n-grams within words (scikit-learn's ``char_wb`` analyzer), one word at a time.

``char_wb`` n-grams never cross whitespace: a text's n-grams are the union of its words' n-grams.
Tickets repeat their words constantly (40,000 texts hold a few tens of thousands of distinct
words), so each distinct word's n-grams are computed once and a batch of texts becomes an index
gather in numpy (``expand``) instead of scikit-learn's per-character Python loop over every text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from .morph import Memo

IntArray = npt.NDArray[np.int64]
WORD_MEMO_SIZE: Final = 200_000


def char_wb_ngrams(word: str, low: int, high: int) -> list[str]:
    """The n-grams scikit-learn's ``char_wb`` analyzer makes of one whitespace-free word.

    The word is padded with a space on each side; every substring of length ``low`` to ``high``
    (at most the padded length) is an n-gram, in scikit-learn's order.
    """
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        grams.extend(padded[start : start + n] for start in range(max(size - n, 0) + 1))
        if n >= size:
            break
    return grams


class Words(NamedTuple):
    """A batch of texts as words: ``words[occurrences[i]]`` is the i-th word, in row ``rows[i]``
    (rows ascending, words in text order)."""

    words: list[str]
    occurrences: IntArray
    rows: IntArray


def split_words(docs: Sequence[str]) -> Words:
    """Distinct whitespace-separated words (lower-cased), each occurrence's word id, and the
    row of each occurrence."""
    ids: dict[str, int] = {}
    occurrences: list[int] = []
    lengths = np.empty(len(docs), dtype=np.int64)
    for row, doc in enumerate(docs):
        words = doc.lower().split()
        occurrences.extend(ids.setdefault(word, len(ids)) for word in words)
        lengths[row] = len(words)
    rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    return Words(list(ids), np.asarray(occurrences, dtype=np.int64), rows)


def expand(
    per_word: Sequence[IntArray], occurrences: IntArray, rows: IntArray
) -> tuple[IntArray, IntArray]:
    """Rows and ids of every item of every word occurrence (``per_word[w]``: word w's items)."""
    lengths = np.fromiter(map(len, per_word), np.int64, len(per_word))
    starts = np.zeros(len(per_word) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    flat = np.concatenate(per_word) if per_word else np.empty(0, np.int64)
    counts = lengths[occurrences]
    total = int(counts.sum())
    first = np.repeat(starts[occurrences], counts)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(rows, counts), flat[first + within].astype(np.int64, copy=False)


def word_matrix(per_word: Sequence[IntArray], width: int) -> Any:
    """A words × items count matrix (scipy CSR) from each word's item ids (repeats counted)."""
    import scipy.sparse as sp  # here: importing this module stays numpy-only

    lengths = np.fromiter(map(len, per_word), np.int64, len(per_word))
    indptr = np.zeros(len(per_word) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    flat = np.concatenate(per_word) if per_word else np.empty(0, np.int64)
    ones = np.ones(flat.size, dtype=np.int64)
    matrix = sp.csr_matrix((ones, flat, indptr), shape=(len(per_word), width))
    matrix.sum_duplicates()
    return matrix


def doc_word_matrix(occurrences: IntArray, rows: IntArray, docs: int, words: int) -> Any:
    """A docs × words count matrix (scipy CSR)."""
    import scipy.sparse as sp

    ones = np.ones(occurrences.size, dtype=np.int64)
    return sp.csr_matrix((ones, (rows, occurrences)), shape=(docs, words))


def triples(matrix: Any) -> tuple[IntArray, IntArray, IntArray]:
    """Rows, columns and values of a CSR matrix's stored entries."""
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    return rows, matrix.indices.astype(np.int64), matrix.data.astype(np.int64)


class CharNgramIndex:
    """Maps texts to (row, column, count) for a fixed ``char_wb`` vocabulary, memoising words.

    Each distinct word's columns are found once; a batch is then an index gather and one sort
    in numpy (no scipy: labeling workers stay lean).
    """

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> None:
        self.vocabulary = vocabulary
        self.low, self.high = ngram_range
        self.features = len(vocabulary)
        self._columns: Memo[IntArray] = Memo(self._word_columns, maxsize=WORD_MEMO_SIZE)

    def word_columns(self, word: str) -> IntArray:
        """Columns of a lower-case word's n-grams (with repeats), memoised."""
        return self._columns[word]

    def _word_columns(self, word: str) -> IntArray:
        get = self.vocabulary.get
        found = [get(gram, -1) for gram in char_wb_ngrams(word, self.low, self.high)]
        columns = np.asarray(found, dtype=np.int64)
        return columns[columns >= 0]

    def counts(self, docs: Sequence[str]) -> tuple[IntArray, IntArray, IntArray]:
        """Rows, columns and counts (one entry per distinct pair) of every known n-gram."""
        return self.counts_of(split_words(docs))

    def counts_of(self, split: Words) -> tuple[IntArray, IntArray, IntArray]:
        """``counts`` of texts already split into words (shared with the word block)."""
        words, occurrences, rows = split
        lookup: Callable[[str], IntArray] = self._columns.__getitem__
        item_rows, columns = expand(list(map(lookup, words)), occurrences, rows)
        width = max(self.features, 1)
        distinct, counts = np.unique(item_rows * width + columns, return_counts=True)
        return distinct // width, distinct % width, counts
