"""One stage of a job in a fresh, lean child process (``python -m <module>``).

A Celery pool process inherits its worker's memory and keeps whatever earlier jobs imported; a
stage run in a new interpreter imports only what it needs and gives everything back when it
ends (``label_process`` is such a child). The pool process waits for it: a cancel request is
still seen by the child (it reads its job record), and the child dies with the pool process if
that is killed (``die_with``), so a redelivered part never runs twice at once.

Protocol: ``<module> STAGE JOB_ID PART PARENT_PID``, the settings as JSON on stdin; the stage's
summary, or its error, leaves as one JSON line on stdout, and the exit code says which.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from pydantic import SecretStr

from tasks_support_system_ai.errors import SupportAIError

if TYPE_CHECKING:
    from tasks_support_system_ai.config import Settings

DONE, ERROR, CANCELLED, PENDING = 0, 2, 3, 4
"""The child's exit codes: a summary, a domain error (both on stdout), cancelled, parts pending."""
_PR_SET_PDEATHSIG: Final = 1


def run_isolated(
    settings: Settings,
    module: str,
    stage: str,
    job_id: str,
    part: int = 0,
    *,
    environment: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run ``stage`` of a job in a ``module`` child; the outcome is a summary or an exception."""
    from tasks_support_system_ai.jobs.progress import JobCancelled, PartsPending

    command = [sys.executable, "-m", module, stage, job_id, str(part), str(os.getpid())]
    done = subprocess.run(
        command,
        input=settings_json(settings),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(environment or {})},
    )
    if done.returncode == CANCELLED:
        raise JobCancelled(f"Job {job_id} was cancelled")
    if done.returncode == PENDING:
        raise PartsPending(job_id)
    outcome = _last_json_line(done.stdout)
    if done.returncode == DONE and outcome is not None:
        return dict(outcome)
    if done.returncode == ERROR and outcome is not None:
        raise SupportAIError(outcome["message"], code=outcome["code"])
    raise RuntimeError(f"{module} {stage} exited with {done.returncode}: {done.stderr[-2000:]}")


def settings_json(settings: Settings) -> str:
    """The settings as JSON with secrets in clear (``model_dump_json`` masks them): the child
    needs the real S3 credentials. They travel over the child's stdin, never its command line."""
    return json.dumps(settings.model_dump(), default=_plain)


def _plain(value: object) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def _last_json_line(stdout: str) -> Any:
    lines = stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def die_with(parent: int) -> None:
    """In the child: be killed when the pool process dies (Linux), and stop now if it has."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        raise SystemExit(CANCELLED)
