"""What a running job may do to its own record: report progress, notice a cancel request."""

from __future__ import annotations

import time
from typing import Final

from tasks_support_system_ai.errors import ConflictError
from tasks_support_system_ai.jobs.store import JobStore

CANCEL_CHECK_S: Final = 0.5


class JobCancelled(ConflictError):  # noqa: N818  # reads as an outcome, not a fault
    """Raised inside job code at a cancel check; the job ends as "cancelled"."""

    code = "job_cancelled"


class PartsPending(Exception):  # noqa: N818  # a signal to retry, not an error
    """The final stage of a split job started while a redelivered part is still running."""


class JobProgress:
    """Handed to job code; writes are throttled so progress reports never slow the work."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        self.store = store
        self.job_id = job_id
        self._checked_at = float("-inf")

    def update(self, percent: float) -> None:
        self.store.set_progress(self.job_id, percent)
        self.check_cancelled()

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` if a cancel was requested (checked at most every 0.5 s)."""
        now = time.monotonic()
        if now - self._checked_at < CANCEL_CHECK_S:
            return
        self._checked_at = now
        if self.store.cancel_requested(self.job_id):
            raise JobCancelled(f"Job {self.job_id} was cancelled")

    def should_stop(self) -> bool:
        try:
            self.check_cancelled()
        except JobCancelled:
            return True
        return False
