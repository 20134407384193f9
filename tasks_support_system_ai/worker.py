"""The job worker process: ``python -m tasks_support_system_ai.worker [--concurrency N]``.

``support-ai worker`` replaces itself with this module (``os.execv``) because the CLI imports
pandas and friends for its other commands, and a Celery prefork worker's pool processes inherit
everything their parent imported: starting here keeps every worker process small, and each pool
process imports only the domain code of the jobs it runs.
"""

from __future__ import annotations

import argparse
import os
import sys

from tasks_support_system_ai.config import get_settings

_MODULE = "tasks_support_system_ai.worker"  # ``__name__`` is "__main__" when run with -m


def command(concurrency: int | None = None) -> list[str]:
    """The command line that starts a worker with this interpreter."""
    extra = [] if concurrency is None else ["--concurrency", str(concurrency)]
    return [sys.executable, "-m", _MODULE, *extra]


def exec_worker(concurrency: int | None = None) -> None:
    """Become a worker process (never returns)."""
    argv = command(concurrency)
    os.execv(argv[0], argv)


def run_worker(concurrency: int | None = None) -> None:
    """Run jobs until stopped: migrate the database, then consume the job queue."""
    from tasks_support_system_ai.context import build_context

    settings = get_settings()
    context = build_context(settings)  # migrates the database before any job runs
    processes = concurrency or settings.worker_concurrency
    context.jobs.app.worker_main(
        ["worker", f"--concurrency={processes}", f"--loglevel={settings.log_level}"]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run Support AI jobs.")
    parser.add_argument("--concurrency", type=int, default=None)
    run_worker(parser.parse_args().concurrency)
