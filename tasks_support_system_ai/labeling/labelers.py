"""What turns a batch of ticket texts into labels: keyword rules or a trained text pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from tasks_support_system_ai.labeling.rules import KeywordRules
from tasks_support_system_ai.nlp.batch import (
    has_prep_step,
    predict_distinct,
    predict_prepared,
)
from tasks_support_system_ai.nlp.linear import LinearTextModel

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline  # only for types: importing sklearn is large

PREP_ROWS: Final = 10_000


@runtime_checkable
class Labeler(Protocol):
    """One label per text, in order. ``default_label`` marks "nothing matched" (None: no such)."""

    @property
    def default_label(self) -> str | None: ...

    def label(self, texts: Sequence[str]) -> NDArray[np.str_]: ...


@runtime_checkable
class ArrowLabeler(Labeler, Protocol):
    """A labeler that takes the Arrow text column itself, so it decides whether and how
    batch texts become Python strings (rules: never; a pipeline: a slice at a time; a
    ``LinearTextModel``: only its distinct pieces and prepared texts)."""

    def label_arrow(self, texts: pa.Array | pa.ChunkedArray) -> NDArray[np.str_] | pa.Array: ...


class RuleLabeler:
    """Keyword rules; works on the Arrow column, so a batch never becomes Python strings."""

    def __init__(self, rules: KeywordRules) -> None:
        self.rules = rules

    @property
    def default_label(self) -> str:
        return self.rules.default_label

    def label(self, texts: Sequence[str]) -> NDArray[np.str_]:
        return self.rules.label(texts)

    def label_arrow(self, texts: pa.Array | pa.ChunkedArray) -> NDArray[np.str_]:
        return self.rules.label(texts)


class ModelLabeler:
    """A fitted scikit-learn pipeline from raw text (e.g. ``nlp.classifier.build_classifier``).

    When the first step is ``"prep"`` (PII scrubbing + normalisation), texts are preprocessed
    once and the rest of the pipeline runs only on distinct preprocessed strings: after
    scrubbing, tickets that differ only in numbers or names collapse (50k raw → ~16k distinct).
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self._split = has_prep_step(pipeline)

    @property
    def default_label(self) -> None:
        return None

    def label(self, texts: Sequence[str]) -> NDArray[np.str_]:
        return predict_distinct(self.pipeline, texts)

    def label_arrow(self, texts: pa.Array | pa.ChunkedArray) -> NDArray[np.str_]:
        if not self._split:
            labels = [predict_distinct(self.pipeline, piece) for piece in _python_pieces(texts)]
            return np.concatenate(labels) if labels else np.array([], dtype=str)
        return predict_prepared(self.pipeline, _prepared(texts, self.pipeline[0].transform))


class LinearLabeler:
    """A ``LinearTextModel``: the same labels as its pipeline, from plain arrays.

    Batch-labeling workers use this, so they never import scikit-learn (docs/benchmarks.md).
    """

    def __init__(self, model: LinearTextModel) -> None:
        self.model = model

    @property
    def default_label(self) -> None:
        return None

    def label(self, texts: Sequence[str]) -> NDArray[np.str_]:
        return self.model.labels(self.model.prepare(list(texts)))

    def label_arrow(self, texts: pa.Array | pa.ChunkedArray) -> pa.Array:
        return self.model.label_column(texts)


def _prepared(
    texts: pa.Array | pa.ChunkedArray, prepare: Callable[[list[str]], list[str]]
) -> list[str]:
    """Python strings are made ``PREP_ROWS`` at a time and dropped once prepared, so a batch's
    raw texts never all exist as Python objects (larger than their Arrow form)."""
    prepared: list[str] = []
    for piece in _python_pieces(texts):
        prepared.extend(prepare(piece))
    return prepared


def _python_pieces(texts: pa.Array | pa.ChunkedArray) -> Iterator[list[str]]:
    # A missing text (None) is scored as an empty one.
    return ([text or "" for text in p.to_pylist()] for p in _slices(texts, PREP_ROWS))


def _slices(texts: pa.Array | pa.ChunkedArray, rows: int) -> Iterator[pa.Array]:
    """Zero-copy pieces of at most ``rows`` texts."""
    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    for chunk in chunks:
        for start in range(0, len(chunk), rows):
            yield chunk.slice(start, rows)
