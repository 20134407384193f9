"""The job worker process: ``python -m tasks_support_system_ai.worker [--concurrency N]``.

``support-ai worker`` replaces itself with this module (``os.execv``) because the CLI imports
pandas and friends for its other commands, and a Celery prefork worker's pool processes inherit
everything their parent imported: starting here keeps every worker process small, and each pool
process imports only the domain code of the jobs it runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Final

from tasks_support_system_ai.config import get_settings

log = logging.getLogger(__name__)
PARENT_POLL_S: Final = 1.0
COLD_SHUTDOWN_AFTER_S: Final = 20.0
POOL_POLL_S: Final = 2.0
POOL_GRACE_POLLS: Final = 3
_MODULE = "tasks_support_system_ai.worker"  # ``__name__`` is "__main__" when run with -m


def command(concurrency: int | None = None, parent_pid: int | None = None) -> list[str]:
    """The command line that starts a worker with this interpreter; with ``parent_pid`` the
    worker stops when that process (the API that started it) is gone, even after a SIGKILL."""
    extra = [] if concurrency is None else ["--concurrency", str(concurrency)]
    if parent_pid is not None:
        extra += ["--parent-pid", str(parent_pid)]
    return [sys.executable, "-m", _MODULE, *extra]


def exec_worker(concurrency: int | None = None) -> None:
    """Become a worker process (never returns)."""
    argv = command(concurrency)
    os.execv(argv[0], argv)


def watch_parent(parent_pid: int, poll_s: float = PARENT_POLL_S) -> threading.Thread:
    """Stop this worker once ``parent_pid`` is no longer its parent: a warm shutdown (SIGTERM:
    running jobs go back to the queue or finish), then a cold one if that takes too long."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll_s)
        log.warning("The process that started this worker (%s) is gone; stopping", parent_pid)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(COLD_SHUTDOWN_AFTER_S)
        os.kill(os.getpid(), signal.SIGQUIT)

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


def watch_pool(
    poll_s: float = POOL_POLL_S, grace_polls: int = POOL_GRACE_POLLS
) -> threading.Thread:
    """Restart this worker (exec itself) when its prefork pool has lost every process and none
    came back: Celery does not replace pool processes that were all killed at once, and the
    worker would go on taking messages it never runs. Linux only (reads ``/proc``)."""
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")

    def count() -> int:
        try:
            return len(children.read_text().split())
        except OSError:
            return -1

    from celery.signals import worker_shutting_down

    stopping = threading.Event()
    worker_shutting_down.connect(lambda **_: stopping.set(), weak=False)

    def watch() -> None:
        while count() == 0 and not stopping.is_set():  # the pool is still starting
            time.sleep(poll_s)
        empty = 0
        while count() != -1 and not stopping.is_set():
            empty = empty + 1 if count() == 0 else 0
            if empty >= grace_polls and not stopping.is_set():
                log.error("Every pool process of this worker died; restarting the worker")
                os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
            time.sleep(poll_s)

    thread = threading.Thread(target=watch, name="pool-watch", daemon=True)
    thread.start()
    return thread


def run_worker(concurrency: int | None = None, parent_pid: int | None = None) -> None:
    """Run jobs until stopped: migrate the database, then consume the job queue."""
    from tasks_support_system_ai.observability.worker import start_worker_observability

    if parent_pid is not None:
        watch_parent(parent_pid)
    watch_pool()
    settings = get_settings()
    start_worker_observability(settings)  # first: it decides how metrics are stored
    from tasks_support_system_ai.context import build_context

    context = build_context(settings)  # migrates the database before any job runs
    processes = concurrency or settings.worker_concurrency
    context.jobs.app.worker_main(
        ["worker", f"--concurrency={processes}", f"--loglevel={settings.log_level}"]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run Support AI jobs.")
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--parent-pid", type=int, default=None)
    arguments = parser.parse_args()
    run_worker(arguments.concurrency, arguments.parent_pid)
