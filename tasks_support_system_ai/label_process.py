"""Each labeling stage in a fresh, lean process (``python -m`` this module).

A Celery pool process inherits its worker's memory and keeps whatever earlier jobs imported;
pyarrow also imports pandas (~50 MB) the first time it builds an array, although labeling never
uses it. A part (or the publish step) therefore runs in a new interpreter that imports only what
labeling needs and refuses pandas, and gives everything back when it ends. The pool process
waits for it: a cancel request is still seen by the child (it reads its job record), and the
child dies with the pool process if that is killed, so a redelivered part never runs twice at
once.

Protocol: ``label_process STAGE JOB_ID PART PARENT_PID``, the settings as JSON on stdin; the
stage's summary, or its error, leaves as one JSON line on stdout, and the exit code says which.
"""

from __future__ import annotations

import importlib.abc
import json
import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING, Any, Final

from pydantic import SecretStr

from tasks_support_system_ai.errors import SupportAIError

if TYPE_CHECKING:
    from tasks_support_system_ai.config import Settings

_MODULE: Final = "tasks_support_system_ai.label_process"
_DONE, _ERROR, _CANCELLED, _PENDING = 0, 2, 3, 4
PART, PUBLISH = "part", "publish"
_PR_SET_PDEATHSIG: Final = 1
_CHILD_ENVIRONMENT: Final = {"ARROW_DEFAULT_MEMORY_POOL": "system"}
"""Arrow's mimalloc pool, once started, keeps ~30 MB of its own even when Arrow is later
switched to the system allocator (``memory.keep_large_blocks_returnable``); the child never
starts it."""


def run_isolated(settings: Settings, stage: str, job_id: str, part: int = 0) -> dict[str, Any]:
    """Run a part or the publish step in a child; the outcome is a summary or an exception."""
    from tasks_support_system_ai.jobs.progress import JobCancelled, PartsPending

    command = [sys.executable, "-m", _MODULE, stage, job_id, str(part), str(os.getpid())]
    done = subprocess.run(
        command,
        input=settings_json(settings),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **_CHILD_ENVIRONMENT},
    )
    if done.returncode == _CANCELLED:
        raise JobCancelled(f"Job {job_id} was cancelled")
    if done.returncode == _PENDING:
        raise PartsPending(job_id)
    outcome = _last_json_line(done.stdout)
    if done.returncode == _DONE and outcome is not None:
        return dict(outcome)
    if done.returncode == _ERROR and outcome is not None:
        raise SupportAIError(outcome["message"], code=outcome["code"])
    raise RuntimeError(f"labeling {stage} exited with {done.returncode}: {done.stderr[-2000:]}")


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


def _main(stage: str, job_id: str, part: int, parent: int) -> int:
    _die_with(parent)
    sys.meta_path.insert(0, _NoPandas())  # pyarrow then works without it
    from tasks_support_system_ai.config import Settings
    from tasks_support_system_ai.context import build_context
    from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress, PartsPending
    from tasks_support_system_ai.labeling.service import run_part, run_publish
    from tasks_support_system_ai.memory import keep_large_blocks_returnable

    keep_large_blocks_returnable()

    context = build_context(Settings.model_validate_json(sys.stdin.read()), migrate_schema=False)
    progress = JobProgress(context.jobs.store, job_id)
    try:
        if stage == PART:
            summary = run_part(context, job_id, part, progress)
        else:
            summary = run_publish(context, job_id, progress)
    except JobCancelled:
        return _CANCELLED
    except PartsPending:
        return _PENDING
    except SupportAIError as error:
        print(json.dumps({"code": error.code, "message": error.message}))
        return _ERROR
    finally:
        context.close()
    print(json.dumps(summary))
    return _DONE


class _NoPandas(importlib.abc.MetaPathFinder):
    """Make ``import pandas`` fail (as if not installed) in this process."""

    def find_spec(self, name: str, *_: Any) -> None:
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"{name} is not loaded in labeling processes", name=name)


def _die_with(parent: int) -> None:
    """Be killed when the pool process dies (Linux), and stop now if it already has."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        raise SystemExit(_CANCELLED)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
