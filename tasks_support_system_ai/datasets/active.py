"""The analysis-ready view of the active dataset versions, shared by every request.

Building it (tree, summing matrix, all queues' series) costs about a second, so it is done
once per pair of active versions and swapped in atomically. Each process re-reads the
active pointers at most every ``check_interval`` seconds, so an upload handled by one API
worker reaches the others without a restart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from tasks_support_system_ai.analytics import QueueLoad
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.datasets.store import DatasetStore, VersionInfo
from tasks_support_system_ai.errors import DataNotReadyError
from tasks_support_system_ai.hierarchy import QueueTree
from tasks_support_system_ai.memory import release_free_memory


@dataclass(frozen=True)
class QueueSummary:
    id: int
    name: str
    load: int
    level: int


@dataclass(frozen=True)
class LoadedData:
    tickets: VersionInfo
    hierarchy: VersionInfo
    load: QueueLoad

    @property
    def tree(self) -> QueueTree:
        return self.load.tree

    @property
    def synthetic(self) -> bool:
        """Whether the ticket counts (every figure the analytics show) are generated demo data.

        The versions carry each kind's own flag: real tickets on the demo hierarchy are real.
        """
        return self.tickets.synthetic

    @cached_property
    def queues_by_level(self) -> dict[int, list[QueueSummary]]:
        """Every real queue grouped by level, busiest first; computed once per version pair."""
        tree, totals = self.tree, self.load.totals()
        order = np.lexsort((tree.ids, -totals, tree.levels))
        grouped: dict[int, list[QueueSummary]] = {}
        for index in order[tree.levels[order] > 0]:
            queue_id = int(tree.ids[index])
            level = int(tree.levels[index])
            grouped.setdefault(level, []).append(
                QueueSummary(queue_id, tree.name(queue_id), int(totals[index]), level)
            )
        return grouped


class ActiveData:
    def __init__(self, store: DatasetStore, *, check_interval: float = 2.0) -> None:
        self.store = store
        self.check_interval = check_interval
        self._loaded: LoadedData | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> LoadedData:
        """The loaded view; raises DataNotReadyError when no tickets/hierarchy are active."""
        if time.monotonic() - self._checked_at > self.check_interval:
            self.refresh()
        if self._loaded is None:
            raise DataNotReadyError(
                "No active tickets and hierarchy datasets: upload them or run "
                "`support-ai data generate` first",
            )
        return self._loaded

    def refresh(self) -> LoadedData | None:
        """Rebuild if the active versions changed since the last build."""
        with self._lock:
            self._checked_at = time.monotonic()
            tickets = self.store.active(DatasetKind.TICKETS)
            hierarchy = self.store.active(DatasetKind.HIERARCHY)
            if tickets is None or hierarchy is None:
                self._loaded = None
                return None
            loaded = self._loaded
            if loaded is None or (loaded.tickets.id, loaded.hierarchy.id) != (
                tickets.id,
                hierarchy.id,
            ):
                self._loaded = self._build(tickets, hierarchy)
            return self._loaded

    def _build(self, tickets: VersionInfo, hierarchy: VersionInfo) -> LoadedData:
        tree = QueueTree.from_frame(self.store.load_frame(hierarchy))
        load = QueueLoad.build(tree, self.store.load_frame(tickets))
        release_free_memory()  # the ticket frame was several times the size of the view
        return LoadedData(tickets=tickets, hierarchy=hierarchy, load=load)

    @property
    def is_ready(self) -> bool:
        return self._loaded is not None
