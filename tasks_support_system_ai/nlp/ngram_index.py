"""Word 1–2-gram counts of many documents at once, with the per-token work in numpy.

scikit-learn's analyzer builds every bigram as a string and looks it up, for every ticket.
Here each token is looked up once (a dict hit), and bigrams become integer pairs looked up in a
sorted array, for the whole batch in one ``searchsorted``: the same counts at a fraction of the
cost. Only for the default word pattern with 1–2-grams, the analyzer ``nlp.fast`` recognises.
"""

from __future__ import annotations

import re
from itertools import repeat
from typing import Final

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
DEFAULT_TOKEN_PATTERN: Final = r"(?u)\b\w\w+\b"


class NgramIndex:
    """Maps documents to (row, column) counts for a vocabulary of words and word pairs."""

    def __init__(self, vocabulary: dict[str, int], token_pattern: str) -> None:
        self.pattern = re.compile(token_pattern)
        self.features = len(vocabulary)
        self.plain = token_pattern == DEFAULT_TOKEN_PATTERN
        self.token_ids: dict[str, int] = {}
        for term in vocabulary:
            for token in term.split(" "):
                self.token_ids.setdefault(token, len(self.token_ids))
        size = len(self.token_ids)
        self.unigram_column = np.full(size, -1, dtype=np.int64)
        pairs, pair_columns = [], []
        for term, column in vocabulary.items():
            tokens = term.split(" ")
            if len(tokens) == 1:
                self.unigram_column[self.token_ids[term]] = column
            else:
                first, second = (self.token_ids[t] for t in tokens)
                pairs.append(first * size + second)
                pair_columns.append(column)
        order = np.argsort(np.asarray(pairs, dtype=np.int64), kind="stable")
        self.pair_keys: IntArray = np.asarray(pairs, dtype=np.int64)[order]
        self.pair_columns: IntArray = np.asarray(pair_columns, dtype=np.int64)[order]

    def tokens(self, doc: str) -> list[str]:
        r"""The pattern's tokens of the lower-cased text; a plain split where that is the same.

        The default pattern's tokens are the runs of 2+ word characters (``str.isalnum`` or "_",
        exactly ``re``'s ``\w``). When a text holds nothing but word characters, spaces and
        hyphens — as prepared text does — those runs are its space- and hyphen-separated words.
        """
        text = doc.lower()
        if self.plain and _only_words(text):
            return [word for word in text.replace("-", " ").split(" ") if len(word) > 1]
        return self.pattern.findall(text)

    def counts(self, docs: list[str]) -> tuple[IntArray, IntArray, IntArray]:
        """Rows, columns and counts (one entry per distinct pair) of every known n-gram."""
        get = self.token_ids.get
        ids: list[int] = []
        lengths = np.empty(len(docs), dtype=np.int64)
        for row, doc in enumerate(docs):
            tokens = self.tokens(doc)
            ids.extend(map(get, tokens, repeat(-1, len(tokens))))
            lengths[row] = len(tokens)
        token_ids = np.asarray(ids, dtype=np.int64)
        token_rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        rows, columns = self._unigrams(token_ids, token_rows)
        pair_rows, pair_columns = self._bigrams(token_ids, token_rows)
        width = max(self.features, 1)
        keys = np.concatenate([rows, pair_rows]) * width + np.concatenate([columns, pair_columns])
        distinct, counts = np.unique(keys, return_counts=True)
        return distinct // width, distinct % width, counts

    def _unigrams(self, ids: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
        columns = np.where(ids >= 0, self.unigram_column[np.maximum(ids, 0)], -1)
        known = columns >= 0
        return rows[known], columns[known]

    def _bigrams(self, ids: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
        if ids.size < 2 or self.pair_keys.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        first, second = ids[:-1], ids[1:]
        inside = (rows[:-1] == rows[1:]) & (first >= 0) & (second >= 0)
        keys = first[inside] * self.unigram_column.size + second[inside]
        slots = np.minimum(np.searchsorted(self.pair_keys, keys), self.pair_keys.size - 1)
        found = self.pair_keys[slots] == keys
        return rows[:-1][inside][found], self.pair_columns[slots[found]]


def _only_words(text: str) -> bool:
    """Word characters, spaces and hyphens only (and at least one word character)."""
    return text.replace(" ", "").replace("-", "").replace("_", "a").isalnum()
