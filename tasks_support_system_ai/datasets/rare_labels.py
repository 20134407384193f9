"""The one rule for rare labels in labeled texts, the same at upload and at training.

A label with fewer than ``MIN_TO_EVALUATE`` examples never makes an upload or a fit fail: it is
trained on and reported as too small to evaluate. It lives with the datasets (an upload reports
it) and ``nlp.label_rules`` builds the training statistics on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

MIN_TO_EVALUATE: Final = 5
"""Examples a label needs to be evaluated (each of 5 folds then tests at least one)."""


def too_small_to_evaluate(labels: Sequence[str]) -> list[str]:
    """Labels with fewer than ``MIN_TO_EVALUATE`` examples, sorted."""
    values, counts = np.unique(np.asarray(labels, dtype=str), return_counts=True)
    return sorted(str(v) for v in values[counts < MIN_TO_EVALUATE])
