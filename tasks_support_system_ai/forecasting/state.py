"""Helpers for the models' ``__getstate__``/``__setstate__``: artifacts hold plain data only.

skops writes any JSON-serialisable value as JSON, so a ``Granularity`` (a ``StrEnum``) comes
back as a bare ``str`` and tuples come back as lists. ``granularity is Granularity.DAILY``
checks would then fail silently (missing calendar features, weekly future dates), so every
model puts the stored series back into its proper types when it is loaded.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.base import TimeSeries

__all__ = ["restore_series", "without"]


@overload
def restore_series(series: TimeSeries) -> TimeSeries: ...
@overload
def restore_series(series: None) -> None: ...
def restore_series(series: TimeSeries | None) -> TimeSeries | None:
    """The series with its granularity an enum member again (and arrays of the right dtype)."""
    if series is None:
        return None
    return TimeSeries(
        np.asarray(series.values, dtype=np.float64),
        np.asarray(series.dates, dtype="datetime64[D]"),
        Granularity(series.granularity),
    )


def without(state: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of an instance ``__dict__`` minus the library objects that must not be stored."""
    return {key: value for key, value in state.items() if key not in keys}
