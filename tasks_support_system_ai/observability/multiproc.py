"""Where processes write their metric files (prometheus-client's multiprocess mode).

Kept free of ``prometheus_client`` imports: the library reads ``PROMETHEUS_MULTIPROC_DIR``
once, when first imported, so launchers call ``use_multiprocess_dir`` before importing it.
API processes write to ``<metrics_dir>/api``, job workers to ``<metrics_dir>/worker``; an API
on the same machine as its workers serves both (a worker elsewhere serves its own port).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
API: Final = "api"
WORKER: Final = "worker"


def multiprocess_dir() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def use_multiprocess_dir(folder: Path, *, clear: bool) -> None:
    """Make this process and its children write metrics to ``folder``.

    ``clear``: start empty (the API's launcher, the parent of every API process). Otherwise
    only the files of processes that no longer run are removed (workers may share a folder).
    """
    if clear and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not clear:
        remove_dead_process_files(folder)
    os.environ[ENV] = str(folder)


def remove_dead_process_files(folder: Path) -> None:
    """Drop ``<type>_<pid>.db`` files whose process has exited."""
    for file in folder.glob("*.db"):
        pid = file.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            file.unlink(missing_ok=True)


def served_folders() -> list[str]:
    """The folders ``/metrics`` merges: this process's and, if present, its workers'."""
    own = multiprocess_dir()
    if own is None:
        return []
    sibling = own.parent / WORKER
    return [str(own)] + ([str(sibling)] if sibling != own and sibling.is_dir() else [])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
