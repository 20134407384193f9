"""Ridge regression on the same lag and calendar features as the gradient boosting model."""

from __future__ import annotations

from typing import Unpack

from tasks_support_system_ai.forecasting.models.recursive import (
    RecursiveOptions,
    RecursiveRegressor,
    Regressor,
)

__all__ = ["LinearModel"]


class LinearModel(RecursiveRegressor):
    """Standardised features + ``Ridge``: fast, stable, and extrapolates the seasonal shape."""

    name = "linear"

    def __init__(self, *, alpha: float = 10.0, **options: Unpack[RecursiveOptions]) -> None:
        super().__init__(**options)
        self.alpha = alpha

    def _make_estimator(self) -> Regressor:
        from sklearn.linear_model import Ridge
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        estimator: Regressor = make_pipeline(StandardScaler(), Ridge(alpha=self.alpha))
        return estimator
