"""``QueueLoad``: every queue's aggregated daily load, computed once per dataset version pair.

Build cost is one scatter of the ticket rows plus one sparse product ``S @ own``; after that a
request touches only one contiguous matrix row, so per-call work is O(days in range).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.analytics.periods import (
    Calendar,
    Granularity,
    parse_granularity,
    period_labels,
    period_sums,
)
from tasks_support_system_ai.analytics.profiles import weekday_means, weekly_means
from tasks_support_system_ai.analytics.ranges import DayRange, resolve_range
from tasks_support_system_ai.analytics.stats import (
    QueueStats,
    load_summary,
    queue_structure,
    time_summary,
)
from tasks_support_system_ai.errors import DatasetValidationError
from tasks_support_system_ai.hierarchy import ROOT_ID, QueueTree

__all__ = ["QueueLoad"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]
_COLUMNS = ("queueId", "date", "new_tickets")


class QueueLoad:
    """Nodes × days matrix of subtree ticket counts, rows aligned with ``tree.ids``."""

    __slots__ = ("_calendar", "_load", "_totals", "_tree", "_unknown_ids", "_unknown_tickets")

    def __init__(
        self,
        tree: QueueTree,
        calendar: Calendar,
        load: IntArray,
        unknown_tickets: int,
        unknown_ids: int,
    ) -> None:
        """Prefer ``build``; ``load`` is the aggregated matrix, made read-only here."""
        load.flags.writeable = False
        totals: IntArray = load.sum(axis=1)
        totals.flags.writeable = False
        self._tree = tree
        self._calendar = calendar
        self._load = load
        self._totals = totals
        self._unknown_tickets = unknown_tickets
        self._unknown_ids = unknown_ids

    @classmethod
    def build(cls, tree: QueueTree, tickets: pd.DataFrame) -> QueueLoad:
        """Aggregate ``queueId``/``date``/``new_tickets`` rows; unknown queues count at the root."""
        queue_ids, days, counts = _columns(tickets)
        first = days.min()
        calendar = Calendar.of(np.arange(first, days.max() + np.timedelta64(1, "D")))
        rows = tree.indices_of(queue_ids)
        unknown = rows < 0
        rows[unknown] = tree.index_of(ROOT_ID)
        day_index = (days - first).astype(np.int64)
        own = _own_matrix(rows, day_index, counts, len(tree), calendar.days.size)
        load = np.ascontiguousarray(tree.summing_matrix() @ own, dtype=np.int64)
        return cls(
            tree,
            calendar,
            load,
            unknown_tickets=int(counts[unknown].sum()),
            unknown_ids=int(np.unique(queue_ids[unknown]).size),
        )

    @property
    def tree(self) -> QueueTree:
        return self._tree

    @property
    def dates(self) -> DayArray:
        """Continuous daily range from the first to the last ticket date."""
        return self._calendar.days

    @property
    def unknown_queue_tickets(self) -> int:
        """Tickets whose queue is not in the tree (counted as the root's own tickets)."""
        return self._unknown_tickets

    @property
    def unknown_queue_ids(self) -> int:
        """Distinct queue ids in the tickets that are not in the tree."""
        return self._unknown_ids

    @property
    def matrix(self) -> IntArray:
        """All nodes' daily loads (read-only), rows aligned with ``tree.ids``: forecast input."""
        return self._load

    def own_matrix(self) -> IntArray:
        """Each node's own tickets per day (load minus its children's loads)."""
        own = self._load.copy()
        parents = self._tree.parent_index
        has_parent = parents >= 0
        np.subtract.at(own, parents[has_parent], self._load[has_parent])
        return own

    def totals(self) -> IntArray:
        """Full-range load of every node, aligned with ``tree.ids``."""
        return self._totals

    def series(
        self, queue_id: int, start: date | None = None, end: date | None = None
    ) -> tuple[DayArray, IntArray]:
        """Daily dates and loads in the clipped range (read-only views, no copy)."""
        row, span = self._locate(queue_id, start, end)
        return self._calendar.days[span.slice], self._load[row, span.slice]

    def resample(
        self,
        queue_id: int,
        granularity: Granularity,
        start: date | None = None,
        end: date | None = None,
    ) -> tuple[DayArray, IntArray]:
        """Period labels (day / week's Sunday / month end) and summed loads; edges are partial."""
        row, span = self._locate(queue_id, start, end)
        return self._periods(row, span, parse_granularity(granularity))

    def weekday_profile(
        self, queue_id: int, start: date | None = None, end: date | None = None
    ) -> FloatArray:
        """Mean daily load for Monday..Sunday (0.0 for weekdays absent from a short range)."""
        row, span = self._locate(queue_id, start, end)
        return weekday_means(self._load[row, span.slice], self._calendar.weekday[span.slice])

    def weekly_profile(
        self, queue_id: int, start: date | None = None, end: date | None = None
    ) -> tuple[DayArray, FloatArray]:
        """Monday of each week in range and the week's mean daily load over its days in range."""
        row, span = self._locate(queue_id, start, end)
        return weekly_means(self._load[row, span.slice], self._calendar.week_ids[span.slice])

    def stats(
        self,
        queue_id: int,
        start: date | None = None,
        end: date | None = None,
        granularity: Granularity = Granularity.DAILY,
    ) -> QueueStats:
        """Structure, load distribution and timing summary over the clipped range."""
        granularity = parse_granularity(granularity)
        row, span = self._locate(queue_id, start, end)
        labels, values = self._periods(row, span, granularity)
        daily = self._load[row, span.slice]
        return QueueStats(
            queue_id=int(self._tree.ids[row]),
            start_date=span.start,
            end_date=span.end,
            granularity=granularity,
            structure=queue_structure(self._tree, queue_id),
            load=load_summary(values),
            time=time_summary(labels, values, daily, self._calendar.weekday[span.slice]),
        )

    def _locate(self, queue_id: int, start: date | None, end: date | None) -> tuple[int, DayRange]:
        return self._tree.index_of(queue_id), resolve_range(self._calendar.days, start, end)

    def _periods(
        self, row: int, span: DayRange, granularity: Granularity
    ) -> tuple[DayArray, IntArray]:
        values = self._load[row, span.slice]
        if granularity is Granularity.DAILY:
            return self._calendar.days[span.slice], values
        ids = self._calendar.period_ids(granularity)[span.slice]
        starts, sums = period_sums(values, ids)
        return period_labels(ids[starts], granularity), sums


def _columns(tickets: pd.DataFrame) -> tuple[IntArray, DayArray, IntArray]:
    """Ticket columns as numpy arrays (day precision); rejects empty or malformed tables."""
    missing = [c for c in _COLUMNS if c not in tickets.columns]
    if missing:
        raise DatasetValidationError(
            f"Tickets are missing columns: {', '.join(missing)}",
            code="missing_column",
            columns=missing,
        )
    if tickets.empty:
        raise DatasetValidationError("Tickets table is empty", code="empty_dataset")
    return (
        tickets["queueId"].to_numpy(dtype=np.int64),
        tickets["date"].to_numpy().astype("datetime64[D]"),
        tickets["new_tickets"].to_numpy(dtype=np.int64),
    )


def _own_matrix(
    rows: IntArray, days: IntArray, counts: IntArray, n_nodes: int, n_days: int
) -> IntArray:
    """Dense nodes × days matrix of each node's own tickets (duplicate rows summed).

    A dense scatter beats a sparse D here: ~1M rows fill a third of the cells anyway.
    """
    own = np.zeros(n_nodes * n_days, dtype=np.int64)
    np.add.at(own, rows * n_days + days, counts)
    return own.reshape(n_nodes, n_days)
