"""How statistics are made, following the one rule for rare labels (``datasets.rare_labels``).

A label with fewer than ``MIN_TO_EVALUATE`` examples never makes an upload or a fit fail: the
served model is trained on all its rows, and the statistics name it as too small to evaluate
(its rows stay out of every test part, so they only ever train). Statistics come from stratified
cross-validation on small sets and from a held-out split, used only for statistics, on larger
ones; the served model is always trained on every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.datasets.rare_labels import MIN_TO_EVALUATE, too_small_to_evaluate

__all__ = [
    "CV_FOLDS",
    "CV_MAX_ROWS",
    "HOLDOUT_SHARE",
    "MIN_TO_EVALUATE",
    "EvaluationPlan",
    "evaluation_plan",
    "too_small_to_evaluate",
]

CV_MAX_ROWS: Final = 5_000
"""Up to this many rows, statistics come from cross-validation; above, from a held-out split."""
CV_FOLDS: Final = 5
HOLDOUT_SHARE: Final = 0.2
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class EvaluationPlan:
    """Train/test row positions of each statistics fit, and how they were made."""

    folds: list[tuple[IntArray, IntArray]]
    method: str
    too_small: list[str]

    def describe(self) -> dict[str, object]:
        return {
            "method": self.method,
            "folds": len(self.folds),
            "test_rows": int(sum(len(test) for _, test in self.folds)),
            "too_small_to_evaluate": self.too_small,
            "min_examples_to_evaluate": MIN_TO_EVALUATE,
            "served_model": "trained on all rows",
        }


def evaluation_plan(labels: Sequence[str], seed: int = 42) -> EvaluationPlan:
    """Stratified 5-fold CV up to ``CV_MAX_ROWS`` rows, else one stratified 80/20 split; rows of
    too-small labels are in every training part and no test part. No folds when fewer than two
    labels can be evaluated."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    y = np.asarray(labels, dtype=str)
    small = too_small_to_evaluate(y.tolist())
    rare = np.isin(y, small)
    evaluable, always = np.flatnonzero(~rare), np.flatnonzero(rare)
    if np.unique(y[evaluable]).size < 2:
        return EvaluationPlan([], "not evaluated: fewer than two labels can be evaluated", small)
    if len(y) <= CV_MAX_ROWS:
        splitter = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed)
        folds = [
            (np.sort(np.concatenate([evaluable[train], always])), evaluable[test])
            for train, test in splitter.split(evaluable, y[evaluable])
        ]
        return EvaluationPlan(folds, f"stratified {CV_FOLDS}-fold cross-validation", small)
    train, test = train_test_split(
        evaluable, test_size=HOLDOUT_SHARE, stratify=y[evaluable], random_state=seed
    )
    fold = (np.sort(np.concatenate([train, always])), np.sort(test))
    share = round(HOLDOUT_SHARE * 100)
    return EvaluationPlan(
        [fold], f"held-out stratified {share} % split, used only for statistics", small
    )
