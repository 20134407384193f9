"""A labeling stage (a part, or publishing) in a fresh, lean child process (``python -m``).

Run by a worker's pool process through ``jobs.isolated`` (which describes the protocol). Why a
child: pyarrow imports pandas (its cost: docs/benchmarks.md) the first time it builds an array,
although labeling never uses it, and a pool process keeps whatever earlier jobs imported. This
interpreter imports only what labeling needs, refuses pandas, and gives everything back when it
ends.
"""

from __future__ import annotations

import importlib.abc
import json
import sys
from typing import Any

from tasks_support_system_ai.errors import SupportAIError
from tasks_support_system_ai.job_kinds import LABEL_PART
from tasks_support_system_ai.jobs.isolated import CANCELLED, DONE, ERROR, PENDING, die_with


def _main(stage: str, job_id: str, part: int, parent: int) -> int:
    die_with(parent)
    sys.meta_path.insert(0, _NoPandas())  # pyarrow then works without it
    from tasks_support_system_ai.config import Settings
    from tasks_support_system_ai.context import build_context
    from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress, PartsPending
    from tasks_support_system_ai.memory import keep_large_blocks_returnable

    keep_large_blocks_returnable()

    context = build_context(Settings.model_validate_json(sys.stdin.read()), migrate_schema=False)
    progress = JobProgress(context.jobs.store, job_id)
    try:
        if stage == LABEL_PART:
            summary = context.labeling.run_part(job_id, part, progress)
        else:
            summary = context.labeling.run_publish(job_id, progress)
    except JobCancelled:
        return CANCELLED
    except PartsPending:
        return PENDING
    except SupportAIError as error:
        print(json.dumps({"code": error.code, "message": error.message}))
        return ERROR
    finally:
        context.close()
    print(json.dumps(summary))
    return DONE


class _NoPandas(importlib.abc.MetaPathFinder):
    """Make ``import pandas`` fail (as if not installed) in this process."""

    def find_spec(self, name: str, *_: Any) -> None:
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"{name} is not loaded in labeling processes", name=name)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
