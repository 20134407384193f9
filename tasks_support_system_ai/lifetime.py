"""Child processes that live no longer than their parent, started from any process.

A Celery prefork pool process is daemonic, and ``multiprocessing`` refuses to let a daemonic
process start children: nothing would stop them when their parent ends. (Its authentication
key is also billiard's own type, which ``multiprocessing`` cannot hand to a spawned child.)
Jobs still need process pools (statsmodels fits hold the GIL), so ``children_allowed`` lifts
that refusal for the span of a call, and every child started in it runs ``die_with_parent``
first: the kernel kills it when its parent ends (a cancelled job's work is killed,
a worker dies), which is the guarantee the refusal exists for.

``die_with_this_process`` gives the same guarantee to commands started with ``subprocess``
(``support-ai serve``'s worker and dashboard): a SIGKILLed parent runs no cleanup code, so only
the kernel can stop its children.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.process import AuthenticationString  # type: ignore[attr-defined]
from typing import Final

__all__ = [
    "children_allowed",
    "die_with_parent",
    "die_with_spawning_process",
    "die_with_this_process",
]

_PR_SET_PDEATHSIG: Final = 1


def die_with_parent(parent_pid: int, sig: signal.Signals = signal.SIGKILL) -> None:
    """Have the kernel send ``sig`` to this process when its parent ends (Linux; elsewhere a
    no-op).

    A pool initializer: ``parent_pid`` is the starting process, so a child whose parent died
    before the request took effect exits at once instead of running orphaned.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig))
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:
        os._exit(1)


def die_with_this_process(sig: signal.Signals) -> Callable[[], None] | None:
    """A ``subprocess.Popen`` ``preexec_fn``: the kernel sends ``sig`` to the child when the
    calling thread's process ends, even by SIGKILL (Linux; elsewhere None, i.e. no hook).

    The request survives ``exec``. The kernel ties it to the *thread* that forks, so call Popen
    from a thread that lives as long as the process (the main one). prctl is looked up here,
    not in the forked child, where loading a library could deadlock.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig))
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return in_child


def die_with_spawning_process() -> None:
    """In a ``multiprocessing`` child (a uvicorn worker of ``--workers N``): die with the
    process that started it, which otherwise leaves it serving, port held, when SIGKILLed."""
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        die_with_parent(parent.pid)


class _ChildPermission:
    """The process-wide flags ``multiprocessing`` checks, lifted while any thread needs them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._saved: dict[str, object] = {}

    def acquire(self) -> None:
        config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
        with self._lock:
            if self._holders == 0:
                self._saved = {key: config[key] for key in ("daemon", "authkey") if key in config}
                config["daemon"] = False
                config["authkey"] = AuthenticationString(bytes(config["authkey"]))
            self._holders += 1

    def release(self) -> None:
        config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
        with self._lock:
            self._holders -= 1
            if self._holders == 0:
                config.update(self._saved)


_permission = _ChildPermission()


@contextmanager
def children_allowed() -> Iterator[None]:
    """Let this process start child processes even if it is daemonic (a Celery pool process).

    Children started here must call ``die_with_parent`` (e.g. as their pool's initializer).
    """
    _permission.acquire()
    try:
        yield
    finally:
        _permission.release()
