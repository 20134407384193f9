"""Split a labeling job's time span into parts that workers can label independently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from tasks_support_system_ai.errors import InvalidInputError

MAX_PARTS: Final = 10_000
_TICK: Final = timedelta(microseconds=1)


@dataclass(frozen=True)
class TimeRange:
    """``start <= t < end``, or ``start <= t <= end`` when ``closed_end`` (the last part)."""

    start: datetime
    end: datetime
    closed_end: bool = False

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment and (
            moment <= self.end if self.closed_end else moment < self.end
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, e.g. for a task message."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "closed_end": self.closed_end,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimeRange:
        return cls(
            datetime.fromisoformat(data["start"]),
            datetime.fromisoformat(data["end"]),
            bool(data.get("closed_end", False)),
        )


def split_time_range(start: datetime, end: datetime, parts: int) -> list[TimeRange]:
    """``parts`` consecutive ranges covering ``[start, end]`` once: all half-open but the last.

    Boundaries fall on whole microseconds (the finest common timestamp unit), so a part may be
    empty when the span has fewer microseconds than parts; it then just labels nothing.
    """
    _check(start, end, parts)
    span = (end - start) // _TICK
    edges = [start + _TICK * (span * k // parts) for k in range(parts)] + [end]
    return [TimeRange(edges[k], edges[k + 1], closed_end=k == parts - 1) for k in range(parts)]


def split_by_rows(
    times: NDArray[np.datetime64], start: datetime, end: datetime, parts: int
) -> list[TimeRange]:
    """Like ``split_time_range``, but each part holds about the same number of the ``times``
    (ticket volume varies over time: equal spans gave parts from 227k to 356k rows, and the
    largest part decides when a parallel stage ends). Falls back to equal spans when the
    times cannot give ``parts`` distinct boundaries."""
    _check(start, end, parts)
    micros = times.astype("datetime64[us]")
    inside = np.sort(micros[(micros >= np.datetime64(start)) & (micros <= np.datetime64(end))])
    picks = [inside[inside.size * k // parts] for k in range(1, parts)] if inside.size else []
    edges = [start, *(pick.item() for pick in picks), end]
    if len(set(edges)) != len(edges) or edges != sorted(edges):
        return split_time_range(start, end, parts)
    return [TimeRange(edges[k], edges[k + 1], closed_end=k == parts - 1) for k in range(parts)]


def _check(start: datetime, end: datetime, parts: int) -> None:
    if isinstance(parts, bool) or not isinstance(parts, int) or not 1 <= parts <= MAX_PARTS:
        raise InvalidInputError(
            f"parts must be an integer from 1 to {MAX_PARTS}, got {parts!r}", code="invalid_parts"
        )
    if (start.tzinfo is None) != (end.tzinfo is None):
        raise InvalidInputError(
            "start and end must both have a time zone or both be naive",
            code="invalid_time_range",
        )
    if end < start:
        raise InvalidInputError(
            f"Time range end {end.isoformat()} is before start {start.isoformat()}",
            code="invalid_time_range",
        )
