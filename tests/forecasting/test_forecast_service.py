"""``ForecastService.staffing``: forecast, then staffing, as the API and the CLI both call it."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from factories import HIERARCHY_CSV, seasonal_tickets_frame, to_csv

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.staffing import StaffingParams, plan_staffing


@pytest.fixture
def context(settings: Settings) -> Iterator[AppContext]:
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="upload")
    tickets = to_csv(seasonal_tickets_frame(days=200))
    context.datasets.ingest(DatasetKind.TICKETS, tickets, "t.csv", source="upload")
    yield context
    context.close()


def test_staffing_plans_for_the_forecast_it_asks_for(context: AppContext) -> None:
    data, params = context.active.current(), StaffingParams(handling_minutes=20)
    mean = context.forecasts.staffing(data, 0, 5, params, model="naive")
    upper = context.forecasts.staffing(data, 0, 5, params, model="naive", plan_for="upper_95")
    forecast = mean.forecast.forecast
    np.testing.assert_allclose(mean.plan.tickets, forecast.mean)
    np.testing.assert_allclose(upper.plan.tickets, forecast.upper[95])
    assert np.all(upper.plan.agents_on_duty >= mean.plan.agents_on_duty)
    expected = plan_staffing(forecast.mean, params)
    np.testing.assert_array_equal(mean.plan.agents_scheduled, expected.agents_scheduled)


def test_staffing_rejects_bad_parameters_before_forecasting(context: AppContext) -> None:
    with pytest.raises(InvalidInputError) as caught:
        context.forecasts.staffing(context.active.current(), 0, 5, StaffingParams(shrinkage=1.5))
    assert caught.value.code == "invalid_staffing"
    assert len(context.forecasts.models) == 0  # nothing was fitted
