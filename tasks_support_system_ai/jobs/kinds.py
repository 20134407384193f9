"""Job kinds: what a worker runs for each kind of job, registered from the wiring.

The job system stores, queues and runs jobs but knows no domain: the wiring
(``tasks_support_system_ai.job_kinds``) registers each kind's handler (which reads the kind's
typed parameters back from JSON), what to clean up when a job's worker is lost, and how a
worker process builds the services handlers run against.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from tasks_support_system_ai.errors import SupportAIError
from tasks_support_system_ai.jobs.progress import JobProgress

if TYPE_CHECKING:
    from tasks_support_system_ai.config import Settings
    from tasks_support_system_ai.jobs.service import JobService
    from tasks_support_system_ai.jobs.store import JobRecord

Result = dict[str, Any]
"""A job's outcome as recorded on it (JSON)."""


class JobParams(Protocol):
    """A job's typed parameters; stored on the job record as JSON, read back by its kind."""

    def to_json(self) -> dict[str, Any]: ...


class WorkerServices(Protocol):
    """What the job system needs from the services jobs run against (``context.AppContext``)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def jobs(self) -> JobService: ...


S = TypeVar("S", bound=WorkerServices)
Handler = Callable[[S, Mapping[str, Any], JobProgress], Result]
"""A single-stage job kind: the services, the job's JSON params, its progress → its result."""
OnLost = Callable[[S, "JobRecord"], None]
"""Clean-up after a job of the kind failed because its worker died (``jobs.liveness``)."""


@dataclass(frozen=True, slots=True)
class SplitStages(Generic[S]):
    """A job run as parts in parallel (any worker each), then one finishing step."""

    part: Callable[[S, str, int, JobProgress], Result]
    finish: Callable[[S, str, JobProgress], Result]


class JobKinds(Generic[S]):
    """The registered job kinds, and the services they run against: one set per process.

    ``build_services`` runs on first use in each (forked) worker process: database engines
    and open files must not cross a fork.
    """

    def __init__(
        self,
        build_services: Callable[[], S],
        handlers: dict[str, Handler[S]] | None = None,
    ) -> None:
        """``handlers`` (kind → handler) is used as given, not copied: kinds added to it later,
        before a job of that kind runs, are found too (tests add theirs)."""
        self._build = build_services
        self._services: dict[int, S] = {}
        self._lock = threading.Lock()
        self._single: dict[str, Handler[S]] = {} if handlers is None else handlers
        self._split: dict[str, SplitStages[S]] = {}
        self._on_lost: dict[str, OnLost[S]] = {}

    def register(self, kind: str, handler: Handler[S]) -> None:
        """A single-stage kind; ``handler`` reads the JSON params into its kind's typed ones."""
        self._single[kind] = handler

    def register_split(self, kind: str, stages: SplitStages[S]) -> None:
        self._split[kind] = stages

    def on_lost(self, kind: str, clean_up: OnLost[S]) -> None:
        """What to undo when a job of ``kind`` fails because its worker died."""
        self._on_lost[kind] = clean_up

    def run(
        self, services: S, kind: str, params: Mapping[str, Any], progress: JobProgress
    ) -> Result:
        if kind not in self._single:
            raise _unknown(kind)
        return self._single[kind](services, params, progress)

    def split(self, kind: str) -> SplitStages[S]:
        if kind not in self._split:
            raise _unknown(kind)
        return self._split[kind]

    def is_split(self, kind: str) -> bool:
        """Split kinds check for cancellation between batches and are never retried whole."""
        return kind in self._split

    def lost(self, services: S, record: JobRecord) -> None:
        """Run the kind's clean-up (if any) for a job whose worker died."""
        clean_up = self._on_lost.get(record.kind)
        if clean_up is not None:
            clean_up(services, record)

    def services(self) -> S:
        """This process's services, built on first use."""
        with self._lock:
            pid = os.getpid()
            if pid not in self._services:
                self._services[pid] = self._build()
            return self._services[pid]

    def use(self, services: S) -> None:
        """Run jobs in this process against existing services (in-process workers, tests)."""
        with self._lock:
            self._services[os.getpid()] = services


def _unknown(kind: str) -> SupportAIError:
    """A job recorded by a newer (or other) version than this worker knows."""
    return SupportAIError(
        f"This worker has no handler for job kind {kind!r}", code="unknown_job_kind"
    )
