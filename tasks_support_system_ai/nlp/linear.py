"""A TF-IDF + linear classifier as plain arrays: scores texts without scikit-learn.

``nlp.fast.linear_model`` builds one from a fitted pipeline. ``to_bytes``/``from_bytes`` store it
as an ``.npz`` of plain arrays (read with ``allow_pickle=False``, so loading runs no code); batch
labeling workers load that instead of the skops pipeline and never import scikit-learn.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable
from functools import cached_property
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .ngram_index import IntArray, NgramIndex
from .prepare import TextPreparer

FORMAT: Final = "support-ai/linear-text-model/1"
LABEL_MEMO_SIZE: Final = 50_000
SCORE_ROWS: Final = 2_000
Analyzer = Callable[[str], list[str]]
TextPredictor = Callable[[str], str]


def word_ngrams(token_pattern: str) -> Analyzer:
    """scikit-learn's word 1–2-gram analyzer for a plain ``TfidfVectorizer``, built directly."""
    pattern = re.compile(token_pattern)

    def unigrams_and_bigrams(doc: str) -> list[str]:
        tokens: list[str] = pattern.findall(doc.lower())
        return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]

    return unigrams_and_bigrams


class LinearTextModel:
    """TF-IDF features and a multi-class linear decision, for one text or a batch.

    ``token_pattern`` is set when ``analyze`` is the plain word 1–2-gram analyzer: only such
    models can be written with ``to_bytes`` (another analyzer is scikit-learn code).
    """

    def __init__(
        self,
        *,
        preparer: TextPreparer,
        analyze: Analyzer,
        vocabulary: dict[str, int],
        idf: npt.NDArray[np.float64],
        sublinear: bool,
        l2: bool,
        weights: npt.NDArray[np.float64],
        bias: npt.NDArray[np.float64],
        classes: list[str],
        token_pattern: str | None = None,
    ) -> None:
        self.preparer = preparer
        self.analyze = analyze
        self.vocabulary = vocabulary
        self.idf = idf
        self.sublinear = sublinear
        self.l2 = l2
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)  # (features, classes)
        self.bias = bias
        self.classes = classes
        self.token_pattern = token_pattern
        self._label_memo: dict[str, str] = {}

    def prepare(self, texts: list[str]) -> list[str]:
        return self.preparer(texts)

    def predict_one(self, text: str) -> str:
        counts = self._counts(self.preparer([text])[0])
        if not counts:
            return self.classes[int(np.argmax(self.bias))]
        columns = np.fromiter(counts.keys(), np.intp, len(counts))
        values = np.fromiter(counts.values(), np.float64, len(counts))
        if self.sublinear:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        if self.l2:
            values /= np.sqrt(values @ values)
        scores = values @ self.weights[columns] + self.bias
        return self.classes[int(np.argmax(scores))]

    def labels(self, prepared: list[str]) -> npt.NDArray[np.str_]:
        """Labels of prepared texts: each distinct one scored once and remembered (bounded).

        Batches of tickets repeat the same normalised texts, within a batch (10,000 demo
        tickets hold ~7,500 distinct ones) and across batches (50,000 hold ~15,600).
        """
        if not prepared:
            return np.array([], dtype=str)
        memo, distinct = self._label_memo, dict.fromkeys(prepared)
        known = {text: label for text in distinct if (label := memo.get(text)) is not None}
        unknown = [text for text in distinct if text not in known]
        if unknown:
            scored = [
                label
                for start in range(0, len(unknown), SCORE_ROWS)  # bounded temporaries
                for label in self.predict_prepared(unknown[start : start + SCORE_ROWS]).tolist()
            ]
            known.update(zip(unknown, scored, strict=True))
            if len(memo) + len(unknown) > LABEL_MEMO_SIZE:
                memo.clear()  # bounded memory, no per-hit bookkeeping (like nlp.morph.Memo)
            memo.update(itertools.islice(zip(unknown, scored, strict=True), LABEL_MEMO_SIZE))
        return np.array([known[text] for text in prepared])

    def label_column(self, texts: pa.Array | pa.ChunkedArray) -> pa.StringArray:
        """Labels of a column of raw texts (missing ones read as empty), as an Arrow array.

        Python sees only the distinct pieces (``TextPreparer.prepare_array``) and the distinct
        prepared texts, so a CSV block or a labeling batch never becomes Python strings.
        """
        chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
        blocks = []
        for chunk in chunks:
            prepared = pc.dictionary_encode(self.preparer.prepare_array(chunk.fill_null("")))
            labels = pa.array(self.labels(prepared.dictionary.to_pylist()), pa.string())
            blocks.append(labels.take(prepared.indices))
        return pa.concat_arrays(blocks) if blocks else pa.array([], pa.string())

    def predict_prepared(self, prepared: list[str]) -> npt.NDArray[np.str_]:
        """Labels of texts already prepared: TF-IDF rows and scores in numpy, no sparse library."""
        rows, columns, counts = self._batch_counts(prepared)
        values = counts.astype(np.float64)
        if self.sublinear:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        if self.l2:
            norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(prepared)))
            values /= norms[rows]
        scores = np.tile(self.bias, (len(prepared), 1))
        for label in range(len(self.classes)):  # a column at a time: no (nnz, classes) temporary
            scores[:, label] += np.bincount(
                rows, weights=values * self.weights[columns, label], minlength=len(prepared)
            )
        labels: npt.NDArray[np.str_] = np.asarray(self.classes)[np.argmax(scores, axis=1)]
        return labels

    def _batch_counts(self, prepared: list[str]) -> tuple[IntArray, IntArray, IntArray]:
        if self.token_pattern is not None:
            return self._ngram_index.counts(prepared)
        rows, columns, counts = [], list[int](), list[int]()
        for row, doc in enumerate(prepared):
            found = self._counts(doc)
            rows.extend([row] * len(found))
            columns.extend(found.keys())
            counts.extend(found.values())
        return (
            np.asarray(rows, np.int64),
            np.asarray(columns, np.int64),
            np.asarray(counts, np.int64),
        )

    @cached_property
    def _ngram_index(self) -> NgramIndex:
        assert self.token_pattern is not None
        return NgramIndex(self.vocabulary, self.token_pattern)

    def _counts(self, doc: str) -> dict[int, int]:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for gram in self.analyze(doc):
            column = vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        return counts

    def to_bytes(self) -> bytes:
        """An ``.npz`` of plain arrays plus JSON settings."""
        if self.token_pattern is None:
            raise ValueError("Only models with the plain word 1–2-gram analyzer can be stored")
        terms = np.empty(len(self.vocabulary), dtype=object)
        for term, column in self.vocabulary.items():
            terms[column] = term
        meta = {
            "format": FORMAT,
            "preparer": self.preparer.to_dict(),
            "sublinear": self.sublinear,
            "l2": self.l2,
            "token_pattern": self.token_pattern,
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.array(json.dumps(meta)),
            terms=terms.astype(str),
            idf=self.idf,
            weights=self.weights,
            bias=self.bias,
            classes=np.array(self.classes, dtype=str),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearTextModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["meta"]))
            if meta.get("format") != FORMAT:
                raise ValueError(f"Not a linear text model: format {meta.get('format')!r}")
            terms = arrays["terms"].tolist()
            return cls(
                preparer=TextPreparer.from_dict(meta["preparer"]),
                analyze=word_ngrams(meta["token_pattern"]),
                vocabulary={term: column for column, term in enumerate(terms)},
                idf=arrays["idf"],
                sublinear=bool(meta["sublinear"]),
                l2=bool(meta["l2"]),
                weights=arrays["weights"],
                bias=arrays["bias"],
                classes=[str(c) for c in arrays["classes"]],
                token_pattern=meta["token_pattern"],
            )
