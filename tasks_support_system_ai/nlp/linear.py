"""A TF-IDF + linear classifier as plain arrays: scores texts without scikit-learn or scipy.

``nlp.fast.linear_model`` builds one from a fitted pipeline: one or more TF-IDF blocks (word
1–2-grams, ``char_wb`` n-grams; a ``FeatureUnion`` of them) and a linear decision (logistic
regression, linear SVM, or a sigmoid-calibrated ensemble of them, for two or more labels).
``to_bytes``/``from_bytes`` store it as an ``.npz`` of plain arrays (read with
``allow_pickle=False``, so loading runs no code); serving and batch-labeling workers load that
instead of the skops pipeline and never import scikit-learn.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .char_ngrams import CharNgramIndex, Words, split_words
from .ngram_index import DEFAULT_TOKEN_PATTERN, IntArray, NgramIndex
from .prepare import TextPreparer

FORMAT: Final = "support-ai/linear-text-model/2"
FORMAT_V1: Final = "support-ai/linear-text-model/1"
LABEL_MEMO_SIZE: Final = 50_000
TEXT_KEY_MAX: Final = 2_000
"""Raw texts longer than this are scored but not remembered (they rarely repeat)."""
SCORE_ROWS: Final = 2_000
GATHER_BUDGET: Final = 1 << 16
"""Entries × outputs gathered at once when scoring: 512 kB of float64 stay in the CPU cache
while they are scaled and summed (bigger runs go to memory and back; ``docs/benchmarks.md``)."""
FloatArray = npt.NDArray[np.float64]
Analyzer = Literal["word", "char_wb"]
TextPredictor = Callable[[str], str]


@dataclass
class TfidfBlock:
    """One TF-IDF vectorizer: scikit-learn's word analyzer (default token pattern, 1–1 or 1–2
    grams) or its ``char_wb`` analyzer, on lower-cased prepared text."""

    analyzer: Analyzer
    vocabulary: dict[str, int]
    idf: FloatArray
    ngram_range: tuple[int, int]
    sublinear: bool
    l2: bool
    token_pattern: str = DEFAULT_TOKEN_PATTERN

    @cached_property
    def _index(self) -> NgramIndex | CharNgramIndex:
        if self.analyzer == "word":
            return NgramIndex(self.vocabulary, self.token_pattern)
        return CharNgramIndex(self.vocabulary, self.ngram_range)

    def counts(self, docs: list[str]) -> tuple[IntArray, IntArray, IntArray]:
        """Rows, columns and counts of every known n-gram of ``docs``."""
        return self._index.counts(docs)

    def counts_of(self, split: Words) -> tuple[IntArray, IntArray, IntArray]:
        """``counts`` of texts already split into words (one split serves every block)."""
        return self._index.counts_of(split)

    def count_one(self, doc: str) -> tuple[IntArray, IntArray]:
        """Columns and counts of one text's known n-grams. Word n-grams are tallied in a dict
        (a short text has few); a text's char n-grams are many, so their memoised per-word
        columns are joined and counted in numpy instead of one Python step per n-gram."""
        index = self._index
        if isinstance(index, NgramIndex):
            tokens = index.tokens(doc)
            grams = itertools.chain(tokens, map(" ".join, itertools.pairwise(tokens)))
            get = self.vocabulary.get
            tally: dict[int, int] = {}
            for gram in grams:
                if (column := get(gram)) is not None:
                    tally[column] = tally.get(column, 0) + 1
            return (
                np.fromiter(tally.keys(), np.int64, len(tally)),
                np.fromiter(tally.values(), np.int64, len(tally)),
            )
        words = doc.lower().split()
        if not words:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        columns = np.concatenate([index.word_columns(word) for word in words])
        found, counts = np.unique(columns, return_counts=True)
        return found, counts

    def values(self, rows: IntArray, columns: IntArray, counts: IntArray, docs: int) -> FloatArray:
        """The TF-IDF values of those entries (each row L2-normalised within this block)."""
        values = counts.astype(np.float64)
        if self.sublinear:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        if self.l2:
            norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=docs))
            values /= norms[rows]
        return values

    def settings(self) -> dict[str, Any]:
        return {
            "analyzer": self.analyzer,
            "ngram_range": list(self.ngram_range),
            "sublinear": self.sublinear,
            "l2": self.l2,
            "token_pattern": self.token_pattern,
        }


@dataclass
class LinearDecision:
    """Scores → class indices. ``weights`` (features, outputs) and ``bias`` give the scores.

    Plain (``members`` empty): argmax over classes, or for two classes one output, positive
    meaning the second class. Calibrated (scikit-learn's ``CalibratedClassifierCV``, sigmoid):
    each member owns a run of outputs (``member_outputs[m]``: the class index of each) with a
    sigmoid per output (``a``, ``b``); members' normalised probabilities are averaged.
    """

    weights: FloatArray
    bias: FloatArray
    n_classes: int
    member_outputs: list[IntArray] = field(default_factory=list)
    a: FloatArray = field(default_factory=lambda: np.empty(0))
    b: FloatArray = field(default_factory=lambda: np.empty(0))

    def __post_init__(self) -> None:
        # one feature's weights contiguous: scoring gathers a row per TF-IDF entry
        self.weights = np.ascontiguousarray(self.weights, dtype=np.float64)

    def classes_of(self, scores: FloatArray) -> IntArray:
        """The index of each row's class (scikit-learn's ``predict``)."""
        chosen: IntArray
        if self.member_outputs:
            chosen = np.argmax(self.probabilities(scores), axis=1).astype(np.int64)
        elif scores.shape[1] == 1:
            chosen = (scores[:, 0] > 0).astype(np.int64)
        else:
            chosen = np.argmax(scores, axis=1).astype(np.int64)
        return chosen

    def probabilities(self, scores: FloatArray) -> FloatArray:
        """``CalibratedClassifierCV.predict_proba`` from the members' decision scores."""
        total = np.zeros((scores.shape[0], self.n_classes))
        start = 0
        for outputs in self.member_outputs:
            stop = start + len(outputs)
            sigmoid = 1.0 / (
                1.0 + np.exp(self.a[start:stop] * scores[:, start:stop] + self.b[start:stop])
            )
            proba = np.zeros_like(total)
            if self.n_classes == 2:
                proba[:, 1] = sigmoid[:, 0]
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                proba[:, outputs] = sigmoid
                denominator = proba.sum(axis=1, keepdims=True)
                uniform = np.full_like(proba, 1 / self.n_classes)
                proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            total += proba
            start = stop
        return total / len(self.member_outputs)


class LinearTextModel:
    """TF-IDF features and a linear decision, for one text or a batch."""

    def __init__(
        self,
        *,
        preparer: TextPreparer,
        blocks: list[TfidfBlock],
        decision: LinearDecision,
        classes: list[str],
    ) -> None:
        self.preparer = preparer
        self.blocks = blocks
        self.decision = decision
        self.classes = classes
        self.offsets = np.cumsum([0, *(len(block.idf) for block in blocks)])
        self._label_memo: dict[str, str] = {}
        self._text_memo: dict[str, str] = {}

    def prepare(self, texts: list[str]) -> list[str]:
        return self.preparer(texts)

    def predict_one(self, text: str) -> str:
        doc = self.preparer([text])[0]
        columns, values = [], []
        for block, offset in zip(self.blocks, self.offsets, strict=False):
            found, tallies = block.count_one(doc)
            rows = np.zeros(len(found), dtype=np.int64)
            values.append(block.values(rows, found, tallies, 1))
            columns.append(found + offset)
        column = np.concatenate(columns)
        scores = np.concatenate(values) @ self.decision.weights[column] + self.decision.bias
        return self.classes[int(self.decision.classes_of(scores.reshape(1, -1))[0])]

    def labels(self, prepared: list[str]) -> npt.NDArray[np.str_]:
        """Labels of prepared texts: each distinct one scored once and remembered (bounded).

        Batches of tickets repeat the same normalised texts, within a batch and across batches.
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

        Python sees only the distinct raw texts of each block (found by Arrow's hashing): a
        text seen before is one dict lookup; new ones are prepared as a block
        (``TextPreparer.prepare_array``: distinct pieces only) and scored (``labels``).
        """
        chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
        blocks = []
        for chunk in chunks:
            encoded = pc.dictionary_encode(chunk.fill_null(""))
            blocks.append(self._distinct_labels(encoded.dictionary).take(encoded.indices))
        return pa.concat_arrays(blocks) if blocks else pa.array([], pa.string())

    def _distinct_labels(self, texts: pa.Array) -> pa.StringArray:
        """Labels of distinct raw texts, each remembered (bounded) once scored.

        CSV uploads and labeling batches repeat whole tickets; remembering raw texts skips
        their preparation, which costs as much as scoring.
        """
        raw: list[str] = texts.to_pylist()
        memo = self._text_memo
        found = [memo.get(text) for text in raw]
        missing = [row for row, label in enumerate(found) if label is None]
        if missing:
            prepared = pc.dictionary_encode(self.preparer.prepare_array(texts.take(missing)))
            distinct = self.labels(prepared.dictionary.to_pylist())
            scored: list[str] = distinct[prepared.indices.to_numpy()].tolist()
            for row, label in zip(missing, scored, strict=True):
                found[row] = label
            kept = [(raw[row], label) for row, label in zip(missing, scored, strict=True)]
            kept = [pair for pair in kept if len(pair[0]) <= TEXT_KEY_MAX]
            if len(memo) + len(kept) > LABEL_MEMO_SIZE:
                memo.clear()  # bounded, like ``_label_memo``
            memo.update(kept[:LABEL_MEMO_SIZE])
        return pa.array(found, pa.string())

    def scores(self, prepared: list[str]) -> FloatArray:
        """Decision scores (rows, outputs) of prepared texts: TF-IDF entries in numpy (no sparse
        library), each entry's weight row gathered and summed per text, a bounded run at a time."""
        out = np.tile(self.decision.bias, (len(prepared), 1))
        weights = self.decision.weights
        step = max(GATHER_BUDGET // max(weights.shape[1], 1), 1)
        split = split_words(prepared)
        for block, offset in zip(self.blocks, self.offsets, strict=False):
            rows, columns, counts = block.counts_of(split)  # rows ascending
            values = block.values(rows, columns, counts, len(prepared))
            for start in range(0, len(rows), step):
                part = slice(start, start + step)
                contributions = weights[columns[part] + offset]
                contributions *= values[part, None]
                run_rows = rows[part]
                firsts = np.flatnonzero(np.diff(run_rows, prepend=-1))
                out[run_rows[firsts]] += np.add.reduceat(contributions, firsts, axis=0)
        return out

    def predict_prepared(self, prepared: list[str]) -> npt.NDArray[np.str_]:
        """Labels of texts already prepared."""
        if not prepared:
            return np.array([], dtype=str)
        labels: npt.NDArray[np.str_] = np.asarray(self.classes)[
            self.decision.classes_of(self.scores(prepared))
        ]
        return labels

    def to_bytes(self) -> bytes:
        """An ``.npz`` of plain arrays plus JSON settings."""
        arrays: dict[str, Any] = {}
        for number, block in enumerate(self.blocks):
            terms = np.empty(len(block.vocabulary), dtype=object)
            for term, column in block.vocabulary.items():
                terms[column] = term
            arrays[f"terms{number}"] = terms.astype(str)
            arrays[f"idf{number}"] = block.idf
        meta = {
            "format": FORMAT,
            "preparer": self.preparer.to_dict(),
            "blocks": [block.settings() for block in self.blocks],
            "n_classes": self.decision.n_classes,
            "member_outputs": [outputs.tolist() for outputs in self.decision.member_outputs],
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.array(json.dumps(meta)),
            weights=self.decision.weights,
            bias=self.decision.bias,
            a=self.decision.a,
            b=self.decision.b,
            classes=np.array(self.classes, dtype=str),
            **arrays,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearTextModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["meta"]))
            if meta.get("format") == FORMAT_V1:
                return _from_v1(meta, arrays)
            if meta.get("format") != FORMAT:
                raise ValueError(f"Not a linear text model: format {meta.get('format')!r}")
            blocks = [
                _block(settings, arrays[f"terms{n}"].tolist(), arrays[f"idf{n}"])
                for n, settings in enumerate(meta["blocks"])
            ]
            decision = LinearDecision(
                weights=arrays["weights"],
                bias=arrays["bias"],
                n_classes=int(meta["n_classes"]),
                member_outputs=[np.asarray(m, dtype=np.int64) for m in meta["member_outputs"]],
                a=arrays["a"],
                b=arrays["b"],
            )
            return cls(
                preparer=TextPreparer.from_dict(meta["preparer"]),
                blocks=blocks,
                decision=decision,
                classes=[str(c) for c in arrays["classes"]],
            )


def _block(settings: dict[str, Any], terms: list[str], idf: FloatArray) -> TfidfBlock:
    low, high = settings["ngram_range"]
    return TfidfBlock(
        analyzer=settings["analyzer"],
        vocabulary={term: column for column, term in enumerate(terms)},
        idf=idf,
        ngram_range=(int(low), int(high)),
        sublinear=bool(settings["sublinear"]),
        l2=bool(settings["l2"]),
        token_pattern=settings["token_pattern"],
    )


def _from_v1(meta: dict[str, Any], arrays: Any) -> LinearTextModel:
    """An export written before blocks: one word 1–2-gram block, an argmax decision."""
    settings = {**meta, "analyzer": "word", "ngram_range": [1, 2]}
    block = _block(settings, arrays["terms"].tolist(), arrays["idf"])
    classes = [str(c) for c in arrays["classes"]]
    decision = LinearDecision(arrays["weights"], arrays["bias"], len(classes))
    return LinearTextModel(
        preparer=TextPreparer.from_dict(meta["preparer"]),
        blocks=[block],
        decision=decision,
        classes=classes,
    )
