"""Tickets uploads → one row per (queue, day) with the number of new tickets."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.datasets.parsing.cells import Cells, Numbers
from tasks_support_system_ai.datasets.parsing.dates import parse_dates
from tasks_support_system_ai.datasets.parsing.header import check_columns
from tasks_support_system_ai.datasets.parsing.ids import queue_ids
from tasks_support_system_ai.datasets.parsing.kinds import Canonical
from tasks_support_system_ai.datasets.parsing.problems import Offenders, join_and
from tasks_support_system_ai.errors import DatasetValidationError

COLUMNS = ("queueId", "date", "new_tickets")
COUNT = "a non-negative whole number of tickets"
#: Tickets of one queue on one day; 2^31 rows of this still sum inside int64 with room.
MAX_COUNT = 2**31 - 1


def parse_tickets(raw: pd.DataFrame) -> Canonical:
    """Validate the cells and return the frame sorted by (date, queueId) with its summary."""
    check_columns(raw, required=COLUMNS, what="A tickets file")
    frame = pd.DataFrame(
        {"queueId": queue_ids(raw), "date": parse_dates(raw), "new_tickets": _counts(raw)}
    )
    _check_one_row_per_day(frame)
    frame = frame.sort_values(["date", "queueId"], kind="stable", ignore_index=True)
    return frame, _summary(frame)


def _counts(raw: pd.DataFrame) -> npt.NDArray[np.int64]:
    numbers = Numbers.of(Cells.of(raw, "new_tickets"))
    cells = numbers.cells
    cells.reject(
        ~numbers.integral(), "invalid_count", problem="is not a whole number", expected=COUNT
    )
    cells.reject(numbers.values < 0, "negative_count", problem="is negative", expected=COUNT)
    cells.reject(
        numbers.values > MAX_COUNT,
        "count_too_large",
        problem="is too large",
        expected=f"at most {MAX_COUNT:,} tickets per queue and day",
    )
    return numbers.per_row()


def _check_one_row_per_day(frame: pd.DataFrame) -> None:
    """Two rows for one queue and day would be summed or dropped silently, so refuse them."""
    offenders = Offenders.of(frame.duplicated(["queueId", "date"]).to_numpy())
    if offenders is None:
        return
    first = frame.iloc[offenders.first]
    same = (frame["queueId"] == first["queueId"]) & (frame["date"] == first["date"])
    positions = np.flatnonzero(same.to_numpy())[:5]
    rows = [int(p) + 1 for p in positions]
    counts = [int(c) for c in frame["new_tickets"].to_numpy()[positions]]
    queue, day = int(first["queueId"]), pd.Timestamp(first["date"]).date().isoformat()
    raise DatasetValidationError(
        f"Rows {join_and(rows)} repeat queueId {queue} on {day} "
        f"(new_tickets {join_and(counts)}); each queue may have one row per date."
        + offenders.more(),
        code="duplicate_rows",
        column="queueId, date",
        row=offenders.first + 1,
        rows=rows,
        value=f"{queue}, {day}",
        queue_id=queue,
        date=day,
        new_tickets=counts,
        count=offenders.count,
    )


def _summary(frame: pd.DataFrame) -> dict[str, object]:
    dates = frame["date"]
    return {
        "rows": len(frame),
        "queues": int(frame["queueId"].nunique()),
        "start_date": pd.Timestamp(dates.iloc[0]).date().isoformat(),
        "end_date": pd.Timestamp(dates.iloc[-1]).date().isoformat(),
        "total_tickets": int(frame["new_tickets"].sum()),
    }
