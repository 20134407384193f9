"""Erlang C staffing against textbook values and invariants."""

from __future__ import annotations

import pytest

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.staffing import (
    StaffingParams,
    erlang_c,
    plan_staffing,
    service_level,
)


def test_erlang_c_textbook_value() -> None:
    # 10 Erlangs on 11 agents: probability of waiting ≈ 0.6821 (standard Erlang C table).
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = utilisation


def test_service_level_textbook_call_centre() -> None:
    # 360 calls/h, 4-min handling: 24 Erlangs; 28 agents, 20-s target → SL ≈ 0.77.
    level = service_level(28, 24.0, handling_hours=4 / 60, wait_hours=20 / 3600)
    assert level == pytest.approx(0.77, abs=0.01)


def test_plan_meets_target_with_the_fewest_agents() -> None:
    params = StaffingParams(
        handling_minutes=10,
        service_level=0.8,
        target_wait_hours=0.25,
        working_hours=8,
        shrinkage=0.25,
    )
    plan = plan_staffing([0, 48, 480, 4800], params)

    assert plan.agents_on_duty[0] == 0
    assert list(plan.traffic_erlangs) == pytest.approx([0, 1, 10, 100])
    assert (plan.service_level >= 0.8).all()
    handling = params.handling_minutes / 60
    for agents, traffic in zip(plan.agents_on_duty[1:], plan.traffic_erlangs[1:], strict=True):
        fewer = service_level(int(agents) - 1, float(traffic), handling, params.target_wait_hours)
        occupancy_ok = traffic / (agents - 1) <= params.max_occupancy
        assert fewer < 0.8 or not occupancy_ok
    assert list(plan.agents_scheduled) == [
        int(-(-a // 0.75)) if a else 0 for a in plan.agents_on_duty
    ]
    assert (plan.occupancy <= params.max_occupancy).all()


def test_more_tickets_never_need_fewer_agents() -> None:
    plan = plan_staffing(range(0, 2000, 50), StaffingParams())
    assert (plan.agents_on_duty[1:] >= plan.agents_on_duty[:-1]).all()


@pytest.mark.parametrize(
    "field", ["handling_minutes", "service_level", "working_hours", "shrinkage"]
)
def test_invalid_parameters_are_rejected(field: str) -> None:
    params = StaffingParams(**{field: -1.0})
    with pytest.raises(InvalidInputError) as error:
        plan_staffing([10], params)
    assert error.value.code == "invalid_staffing"
    assert field in error.value.message
