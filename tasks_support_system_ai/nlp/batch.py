"""Many ticket texts → labels, predicting each distinct preprocessed text once.

After PII scrubbing and normalisation, tickets that differ only in phone or ticket numbers,
names or punctuation become the same string (measured on the demo labeling table: 50,000 raw
texts → ~16,000 distinct), so the TF-IDF and model steps run on far fewer rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tasks_support_system_ai.nlp.fast import LinearTextModel


def has_prep_step(pipeline: Any) -> bool:
    """True for our pipelines: raw text → ``"prep"`` (Preprocessor) → the rest."""
    steps: list[tuple[str, Any]] = list(getattr(pipeline, "steps", []))
    return len(steps) > 1 and steps[0][0] == "prep"


def predict_distinct(pipeline: Any, texts: Sequence[str]) -> NDArray[np.str_]:
    """``pipeline.predict(texts)`` as strings; exact, whatever the pipeline."""
    if len(texts) == 0:
        return np.array([], dtype=str)
    if not has_prep_step(pipeline):
        return np.asarray(pipeline.predict(list(texts))).astype(str)
    return predict_prepared(pipeline, pipeline[0].transform(list(texts)))


def predict_prepared(pipeline: Any, prepared: list[str]) -> NDArray[np.str_]:
    """Labels of texts already through the pipeline's ``prep`` step, each distinct one once."""
    if not prepared:
        return np.array([], dtype=str)
    distinct: dict[str, int] = {}
    inverse = np.fromiter(
        (distinct.setdefault(p, len(distinct)) for p in prepared), np.intp, len(prepared)
    )
    predicted: NDArray[np.str_]
    if LinearTextModel.supports(pipeline):
        predicted = LinearTextModel(pipeline).predict_prepared(list(distinct))
    else:
        predicted = np.asarray(pipeline[1:].predict(list(distinct))).astype(str)
    return predicted[inverse]
