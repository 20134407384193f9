"""Long work as jobs on Celery: records in the database, any number of workers.

The Celery app lives in ``jobs.celery_app`` and is imported only where an app is made, so code
that only reads and updates job records does not load Celery.
"""

from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress
from tasks_support_system_ai.jobs.service import JobService
from tasks_support_system_ai.jobs.store import STATUSES, JobRecord, JobStore, PartRecord

__all__ = [
    "STATUSES",
    "JobCancelled",
    "JobProgress",
    "JobRecord",
    "JobService",
    "JobStore",
    "PartRecord",
]
