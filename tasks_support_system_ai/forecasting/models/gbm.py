"""Gradient boosting on lag and calendar features (the original service's "catboost")."""

from __future__ import annotations

from typing import Unpack

from tasks_support_system_ai.forecasting.models.recursive import (
    RecursiveOptions,
    RecursiveRegressor,
    Regressor,
)

__all__ = ["GradientBoosting"]


class GradientBoosting(RecursiveRegressor):
    """scikit-learn ``HistGradientBoostingRegressor``, forecasting recursively.

    Small, regularised trees: a queue has at most a few thousand daily rows, and the lag
    features already carry most of the signal.
    """

    name = "gbm"

    def __init__(
        self,
        *,
        max_iter: int = 100,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 7,
        min_samples_leaf: int = 20,
        l2_regularization: float = 1.0,
        random_state: int = 0,
        **options: Unpack[RecursiveOptions],
    ) -> None:
        super().__init__(**options)
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def _make_estimator(self) -> Regressor:
        from sklearn.ensemble import HistGradientBoostingRegressor

        estimator: Regressor = HistGradientBoostingRegressor(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        )
        return estimator
