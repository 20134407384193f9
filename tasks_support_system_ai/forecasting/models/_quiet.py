"""Silencing the fitting chatter of statsmodels and Stan: per-series warnings are noise here."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["quiet_prophet", "quiet_statsmodels"]


@contextmanager
def quiet_statsmodels() -> Iterator[None]:
    """Hide convergence/start-parameter warnings; a poor fit shows up in the backtest instead."""
    from statsmodels.tools.sm_exceptions import ModelWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


@contextmanager
def quiet_prophet() -> Iterator[None]:
    """Stan's progress logs and prophet's pandas-deprecation warnings, once per forecast."""
    _quiet_stan_loggers()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"prophet\.")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"prophet\.")
        yield


def _quiet_stan_loggers() -> None:
    """Keep cmdstanpy/prophet at WARNING; runs before prophet is imported.

    cmdstanpy resets its logger to DEBUG on first use unless it already has a handler, so a
    ``NullHandler`` is attached first; warnings still propagate to the application's handlers.
    ``prophet.plot`` logs an error at import when plotly is missing; we never plot.
    """
    for name in ("cmdstanpy", "prophet"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.WARNING)
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)
