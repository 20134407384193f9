"""Long work as jobs on Celery: records in the database, any number of workers."""

from tasks_support_system_ai.jobs.celery_app import JobsCelery, make_celery
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
    "JobsCelery",
    "PartRecord",
    "make_celery",
]
