"""A real worker (prefork pool) whose training and whole-tree forecast jobs wait
``FAULT_DELAY_S`` before the real work, so a test can kill it mid-job every time.
Run as a script by ``test_worker_faults``."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from tasks_support_system_ai.job_kinds import HANDLERS, Handler
from tasks_support_system_ai.jobs import JobProgress
from tasks_support_system_ai.worker import run_worker


def delayed(handler: Handler) -> Handler:
    def run(context: Any, params: Mapping[str, Any], progress: JobProgress) -> dict[str, Any]:
        time.sleep(float(os.environ.get("FAULT_DELAY_S", "0")))
        return handler(context, params, progress)

    return run


if __name__ == "__main__":
    for kind in ("nlp_fit", "forecast_all"):  # wrapped before the pool forks
        HANDLERS[kind] = delayed(HANDLERS[kind])
    run_worker(int(sys.argv[1]))
