"""Agents needed per period from a ticket forecast, with the Erlang C queueing model.

Tickets of a period are assumed to arrive uniformly over its working hours (a Poisson
process) and to be handled by interchangeable agents with exponential handling times. The
service level is the share of tickets whose wait is at most ``target_wait_hours``; the
smallest agent count meeting it is then grossed up for shrinkage (breaks, training, leave).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.errors import InvalidInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


#: One ticket handled in at most a week; more is a unit mistake, and it overflows the maths.
MAX_HANDLING_MINUTES = 7 * 24 * 60
#: Agents busy at once the Erlang C search will plan for (its cost grows with the square).
MAX_TRAFFIC_ERLANGS = 20_000


@dataclass(frozen=True)
class StaffingParams:
    handling_minutes: float = 15.0  # average handling time of one ticket
    service_level: float = 0.8  # share of tickets answered within the target wait
    target_wait_hours: float = 1.0
    working_hours: float = 8.0  # hours per period in which tickets are worked (per day)
    shrinkage: float = 0.3  # share of paid time agents are not available
    max_occupancy: float = 0.9  # agents never planned to be busier than this

    def validate(self) -> None:
        checks = {
            "handling_minutes": 0 < self.handling_minutes <= MAX_HANDLING_MINUTES,
            "service_level": 0 < self.service_level < 1,
            "target_wait_hours": 0 <= self.target_wait_hours <= 24 * 31,
            "working_hours": 0 < self.working_hours <= 24 * 31,
            "shrinkage": 0 <= self.shrinkage < 1,
            "max_occupancy": 0 < self.max_occupancy <= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise InvalidInputError(
                f"Invalid staffing parameter(s): {', '.join(bad)}",
                code="invalid_staffing",
                fields=bad,
            )


@dataclass(frozen=True)
class StaffingPlan:
    tickets: FloatArray
    traffic_erlangs: FloatArray  # average number of agents busy
    agents_on_duty: IntArray  # Erlang C minimum meeting the service level and occupancy cap
    agents_scheduled: IntArray  # on duty grossed up for shrinkage
    service_level: FloatArray  # achieved with agents_on_duty
    occupancy: FloatArray


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a ticket waits (agents > traffic), via the stable Erlang B recursion."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, handling_hours: float, wait_hours: float) -> float:
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    decay = math.exp(-(agents - traffic) * wait_hours / handling_hours)
    return 1.0 - erlang_c(agents, traffic) * decay


def agents_needed(traffic: float, params: StaffingParams) -> tuple[int, float]:
    """Smallest on-duty count meeting the service level and occupancy cap, with its level."""
    if traffic <= 0:
        return 0, 1.0
    handling = params.handling_minutes / 60
    agents = max(1, math.ceil(traffic / params.max_occupancy))
    while True:
        level = service_level(agents, traffic, handling, params.target_wait_hours)
        if level >= params.service_level:
            return agents, level
        agents += 1


def plan_staffing(tickets: npt.ArrayLike, params: StaffingParams) -> StaffingPlan:
    """Agents per period for forecast ticket counts per period."""
    params.validate()
    counts = np.clip(np.asarray(tickets, dtype=np.float64), 0, None)
    traffic = counts * (params.handling_minutes / 60) / params.working_hours
    if traffic.size and not float(traffic.max()) <= MAX_TRAFFIC_ERLANGS:
        raise InvalidInputError(
            f"The forecast needs more than {MAX_TRAFFIC_ERLANGS} agents busy at once; "
            "check handling_minutes and working_hours",
            code="invalid_staffing",
            fields=["handling_minutes", "working_hours"],
        )
    results = [agents_needed(float(a), params) for a in traffic]
    on_duty = np.array([r[0] for r in results], dtype=np.int64)
    scheduled = np.ceil(on_duty / (1 - params.shrinkage) - 1e-9).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(on_duty > 0, traffic / np.maximum(on_duty, 1), 0.0)
    return StaffingPlan(
        tickets=counts,
        traffic_erlangs=traffic,
        agents_on_duty=on_duty,
        agents_scheduled=scheduled,
        service_level=np.array([r[1] for r in results]),
        occupancy=occupancy,
    )
