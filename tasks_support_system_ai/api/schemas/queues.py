"""Queue analytics responses (spec section "TS")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, WithJsonSchema

from tasks_support_system_ai.analytics import Granularity

#: The spec's local midnight timestamps: ISO 8601 without a zone (not RFC 3339 date-time).
LocalDateTime = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "description": "ISO 8601 date and time without a zone, e.g. 2017-01-02T00:00:00",
        }
    ),
]


class QueueInfo(BaseModel):
    id: int
    name: str
    load: int = Field(description="tickets of the queue and all its descendants, whole period")
    level: int


class QueuesResponse(BaseModel):
    queues_by_level: dict[str, list[QueueInfo]]
    total_load: int = Field(description="every ticket, including queues absent from the tree")


class QueueChildren(BaseModel):
    queue_id: int
    name: str
    level: int
    path: list[QueueInfo] = Field(description="ancestors from the top level down to the queue")
    children: list[QueueInfo] = Field(description="direct children, busiest first")


class TimeSeriesData(BaseModel):
    queue_id: int
    values: list[int]
    timestamps: list[date] = Field(
        description="period labels: the day; the week's Sunday; the month's last day"
    )
    granularity: Granularity


class AverageLoadWeekdays(BaseModel):
    queue_id: int
    weekdays: list[str]
    average_load: list[float]


class AverageLoadWeekly(BaseModel):
    queue_id: int
    week: list[str]
    average_load: list[float] = Field(description="mean daily load of each Monday–Sunday week")
    week_start: list[date]


class QueueStructureOut(BaseModel):
    level: int
    direct_children: int
    all_descendants: int = Field(description="descendants excluding the queue itself")
    leaf_nodes: int
    depth: int = Field(description="levels below the queue (0 for a leaf)")
    parent_id: int | None


class LoadOut(BaseModel):
    total_tickets: int
    avg_tickets: float
    peak_load: int
    min_load: int
    median_load: float
    std_dev: float
    percentile_90: float
    percentile_95: float


class TimeOut(BaseModel):
    busiest_day: LocalDateTime
    quietest_day: LocalDateTime
    weekend_avg: float
    weekday_avg: float


class QueueStatsResponse(BaseModel):
    queue_id: int
    start_date: LocalDateTime
    end_date: LocalDateTime
    granularity: Granularity
    structure: QueueStructureOut
    load: LoadOut
    time: TimeOut
