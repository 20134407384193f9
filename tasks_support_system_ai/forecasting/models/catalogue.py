"""Model names (including the original service's ``model_type`` values) → model classes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import Forecaster
from tasks_support_system_ai.forecasting.models.auto import AutoModel
from tasks_support_system_ai.forecasting.models.ets import ExponentialSmoothing
from tasks_support_system_ai.forecasting.models.gbm import GradientBoosting
from tasks_support_system_ai.forecasting.models.linear import LinearModel
from tasks_support_system_ai.forecasting.models.median import SeasonalMedian
from tasks_support_system_ai.forecasting.models.naive import SeasonalNaive
from tasks_support_system_ai.forecasting.models.prophet_model import ProphetModel
from tasks_support_system_ai.forecasting.models.sarima import Sarima
from tasks_support_system_ai.forecasting.vectorised import VETSForecaster

__all__ = ["ALIASES", "MODEL_NAMES", "canonical_name", "make_model"]


def canonical_name(name: str) -> str:
    """The model name behind ``name`` (case-insensitive, aliases resolved)."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in _MODELS:
        valid = sorted([*MODEL_NAMES, *ALIASES])
        raise InvalidInputError(
            f"Unknown model '{name}'; valid names: {', '.join(valid)}",
            code="unknown_model",
            model=name,
            valid=valid,
        )
    return key


def make_model(name: str, /, **params: Any) -> Forecaster:
    """A new, unfitted model; ``params`` go to its constructor."""
    key = canonical_name(name)
    try:
        return _MODELS[key](**params)
    except TypeError as error:
        raise InvalidInputError(
            f"Invalid parameters for model '{key}': {error}",
            code="invalid_model_params",
            model=key,
        ) from error


_MODELS: dict[str, Callable[..., Forecaster]] = {
    "naive": SeasonalNaive,
    "median": SeasonalMedian,
    "es": ExponentialSmoothing,
    "sarima": Sarima,
    "prophet": ProphetModel,
    "gbm": GradientBoosting,
    "linear": LinearModel,
    "auto": partial(AutoModel, make_model=make_model),  # selects among the others by name
    "vets": VETSForecaster,  # the whole-tree default, one series at a time
}
MODEL_NAMES: tuple[str, ...] = tuple(_MODELS)

# The original service called its boosting model "catboost"; we use scikit-learn's
# histogram gradient boosting instead, so the old name keeps working.
ALIASES: dict[str, str] = {"catboost": "gbm"}
