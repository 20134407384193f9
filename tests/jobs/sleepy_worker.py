"""A real worker (prefork pool) that also knows a "sleep" job kind: one long call that never
checks for cancellation, like a library fit. Run as a script by ``test_cancel_running_job``."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tasks_support_system_ai.job_kinds import HANDLERS
from tasks_support_system_ai.jobs import JobProgress
from tasks_support_system_ai.worker import run_worker


def _sleep(context: Any, params: Mapping[str, Any], progress: JobProgress) -> dict[str, Any]:
    Path(params["pid_file"]).write_text(f"{os.getpid()} {os.getppid()}")
    time.sleep(params["seconds"])
    return {"slept": params["seconds"]}


if __name__ == "__main__":
    HANDLERS["sleep"] = _sleep  # registered before the pool forks, so every process has it
    run_worker(int(sys.argv[1]))
