"""Forecasting models behind one ``Forecaster`` interface, created by name with ``make_model``."""

from tasks_support_system_ai.forecasting.models.auto import AutoModel
from tasks_support_system_ai.forecasting.models.catalogue import (
    ALIASES,
    MODEL_NAMES,
    canonical_name,
    make_model,
)
from tasks_support_system_ai.forecasting.models.ets import ExponentialSmoothing
from tasks_support_system_ai.forecasting.models.gbm import GradientBoosting
from tasks_support_system_ai.forecasting.models.linear import LinearModel
from tasks_support_system_ai.forecasting.models.median import SeasonalMedian
from tasks_support_system_ai.forecasting.models.naive import SeasonalNaive
from tasks_support_system_ai.forecasting.models.prophet_model import ProphetModel
from tasks_support_system_ai.forecasting.models.sarima import Sarima

__all__ = [
    "ALIASES",
    "MODEL_NAMES",
    "AutoModel",
    "ExponentialSmoothing",
    "GradientBoosting",
    "LinearModel",
    "ProphetModel",
    "Sarima",
    "SeasonalMedian",
    "SeasonalNaive",
    "canonical_name",
    "make_model",
]
