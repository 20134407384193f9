"""Queue analytics: the spec's TS read endpoints."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.api.deps import DataDep
from tasks_support_system_ai.api.responses import CachedJSONResponse, ModelResponse
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES
from tasks_support_system_ai.api.schemas.queues import (
    AverageLoadWeekdays,
    AverageLoadWeekly,
    QueueChildren,
    QueueInfo,
    QueuesResponse,
    QueueStatsResponse,
    TimeSeriesData,
)
from tasks_support_system_ai.datasets.active import LoadedData

router = APIRouter(prefix="/api", tags=["queues"], responses=ERROR_RESPONSES)

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
QueueParam = Annotated[
    int, Query(ge=0, le=2**62, description="queue id; 0 is the virtual root (all tickets)")
]


@dataclass(frozen=True)
class DateRange:
    start: date | None
    end: date | None


async def date_range(
    start_date: Annotated[date | None, Query(description="first day, YYYY-MM-DD")] = None,
    end_date: Annotated[date | None, Query(description="last day, inclusive")] = None,
    date_start: Annotated[date | None, Query(include_in_schema=False)] = None,
    date_end: Annotated[date | None, Query(include_in_schema=False)] = None,
) -> DateRange:
    """``start_date``/``end_date``; the old dashboard's ``date_start``/``date_end`` also work."""
    return DateRange(start_date or date_start, end_date or date_end)


RangeDep = Annotated[DateRange, Depends(date_range)]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


_queues_body: dict[tuple[str, str], bytes] = {}


def _serialised_queues(data: LoadedData) -> bytes:
    """The list only changes with the data, so it is serialised once per content pair."""
    key = (data.tickets.content_hash, data.hierarchy.content_hash)
    if key not in _queues_body:
        grouped = {
            str(level): [QueueInfo(**asdict(q)) for q in summaries]
            for level, summaries in data.queues_by_level.items()
        }
        body = QueuesResponse(queues_by_level=grouped, total_load=int(data.load.totals()[0]))
        _queues_body.clear()
        _queues_body[key] = body.model_dump_json().encode()
    return _queues_body[key]


@router.get("/queues", response_model=QueuesResponse)
async def queues(data: DataDep) -> CachedJSONResponse:
    """All queues grouped by level (busiest first), with their whole-period load."""
    return CachedJSONResponse(_serialised_queues(data))


def _queue_info(data: LoadedData, queue_id: int) -> QueueInfo:
    tree = data.tree
    load = int(data.load.totals()[tree.index_of(queue_id)])
    return QueueInfo(id=queue_id, name=tree.name(queue_id), load=load, level=tree.level(queue_id))


@router.get("/queue_children", response_model=QueueChildren)
async def queue_children(data: DataDep, queue_id: QueueParam = 0) -> QueueChildren:
    """A queue's direct children (busiest first) and its ancestors: one step of tree navigation."""
    tree = data.tree
    children = sorted(
        (_queue_info(data, child) for child in tree.children(queue_id)),
        key=lambda q: (-q.load, q.id),
    )
    path: list[QueueInfo] = []
    ancestor = tree.parent(queue_id) if queue_id else None
    while ancestor is not None:
        path.insert(0, _queue_info(data, ancestor))
        ancestor = tree.parent(ancestor)
    if queue_id:
        path.append(_queue_info(data, queue_id))
    return QueueChildren(
        queue_id=queue_id,
        name=tree.name(queue_id),
        level=tree.level(queue_id),
        path=path,
        children=children,
    )


@router.get("/historical", response_model=TimeSeriesData)
async def historical(
    data: DataDep,
    queue_id: QueueParam,
    dates: RangeDep,
    granularity: Granularity = Granularity.DAILY,
) -> ModelResponse:
    """Load of a queue (with all descendants) per day, week or month."""
    labels, values = data.load.resample(queue_id, granularity, dates.start, dates.end)
    return ModelResponse(
        TimeSeriesData.model_construct(
            queue_id=queue_id,
            values=values.tolist(),
            timestamps=labels.tolist(),
            granularity=granularity,
        )
    )


@router.get("/daily_average", response_model=AverageLoadWeekdays)
async def daily_average(
    data: DataDep, queue_id: QueueParam, dates: RangeDep
) -> AverageLoadWeekdays:
    """Mean daily load per weekday, Monday to Sunday."""
    profile = data.load.weekday_profile(queue_id, dates.start, dates.end)
    return AverageLoadWeekdays(queue_id=queue_id, weekdays=WEEKDAYS, average_load=profile.tolist())


@router.get("/weekly_average/{queue_id}", response_model=AverageLoadWeekly)
async def weekly_average(
    data: DataDep, queue_id: Annotated[int, Path(ge=0, le=2**62)], dates: RangeDep
) -> AverageLoadWeekly:
    """Mean daily load of each Monday–Sunday week in the range."""
    starts, means = data.load.weekly_profile(queue_id, dates.start, dates.end)
    return AverageLoadWeekly(
        queue_id=queue_id,
        week=[f"week {i}" for i in range(1, len(means) + 1)],
        average_load=means.tolist(),
        week_start=starts.tolist(),
    )


@router.get("/queue_stats", response_model=QueueStatsResponse)
async def queue_stats(
    data: DataDep,
    queue_id: QueueParam,
    dates: RangeDep,
    granularity: Granularity = Granularity.DAILY,
) -> ModelResponse:
    """Structure of the queue in the tree, load statistics and busiest/quietest periods."""
    stats = data.load.stats(queue_id, dates.start, dates.end, granularity)
    return ModelResponse(
        QueueStatsResponse.model_validate(
            {
                "queue_id": stats.queue_id,
                "start_date": _midnight(stats.start_date),
                "end_date": _midnight(stats.end_date),
                "granularity": stats.granularity,
                "structure": asdict(stats.structure),
                "load": asdict(stats.load),
                "time": {
                    **asdict(stats.time),
                    "busiest_day": _midnight(stats.time.busiest_day),
                    "quietest_day": _midnight(stats.time.quietest_day),
                },
            }
        )
    )
