"""Many ticket texts → labels, predicting each distinct preprocessed text once.

After PII scrubbing and normalisation, tickets that differ only in phone or ticket numbers,
names or punctuation become the same string (on the demo labeling table about a third of the
texts are distinct: docs/benchmarks.md), so the TF-IDF and model steps run on far fewer rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Labels = NDArray[np.str_]


def has_prep_step(pipeline: Any) -> bool:
    """True for our pipelines: raw text → ``"prep"`` (Preprocessor) → the rest."""
    steps: list[tuple[str, Any]] = list(getattr(pipeline, "steps", []))
    return len(steps) > 1 and steps[0][0] == "prep"


def predict_distinct(pipeline: Any, texts: Sequence[str]) -> Labels:
    """``pipeline.predict(texts)`` as strings; exact, whatever the pipeline."""
    if len(texts) == 0:
        return np.array([], dtype=str)
    if not has_prep_step(pipeline):
        return np.asarray(pipeline.predict(list(texts))).astype(str)
    return predict_prepared(pipeline, pipeline[0].transform(list(texts)))


def predict_prepared(pipeline: Any, prepared: list[str]) -> Labels:
    """Labels of texts already through the pipeline's ``prep`` step, each distinct one once."""
    from tasks_support_system_ai.nlp.fast import linear_model, supports_linear  # scikit-learn

    if supports_linear(pipeline):
        return predict_each_distinct(linear_model(pipeline).predict_prepared, prepared)
    return predict_each_distinct(
        lambda distinct: np.asarray(pipeline[1:].predict(distinct)).astype(str), prepared
    )


def predict_each_distinct(predict: Callable[[list[str]], Labels], prepared: list[str]) -> Labels:
    """``predict(prepared)``, calling ``predict`` once on the distinct strings."""
    if not prepared:
        return np.array([], dtype=str)
    distinct: dict[str, int] = {}
    inverse = np.fromiter(
        (distinct.setdefault(p, len(distinct)) for p in prepared), np.intp, len(prepared)
    )
    return predict(list(distinct))[inverse]
