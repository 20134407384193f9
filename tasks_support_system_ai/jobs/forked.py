"""A single-stage job's work in a forked child of its pool process, so cancel kills only that.

Celery can cancel a running task only by terminating the pool process that runs it
(``revoke(terminate=True)``), and that path leaves the worker's bookkeeping wrong: a message the
pool hands out around the kill is never run, and with late acks and a prefetch of one the
worker may take nothing again. Here the pool process forks a child for the work and watches the
job record meanwhile; on a cancel request it kills the child (and, through ``die_with_parent``,
the child's own pool) and the task returns normally, so Celery never sees a process die.

Forking keeps what the pool process already imported and loaded (no fresh interpreter per
job). The child gets new database connections (``db.engine`` disposes inherited pools at fork).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Final

from tasks_support_system_ai.errors import SupportAIError, public_message
from tasks_support_system_ai.jobs.progress import JobCancelled
from tasks_support_system_ai.lifetime import children_allowed, die_with_parent

__all__ = ["run_in_child"]

log = logging.getLogger(__name__)
STOP_POLL_S: Final = 0.25
INTERNAL_ERROR: Final = "internal_error"

Outcome = tuple[str, Any]
"""What the child sends back: ("done", result), ("error", (code, message)), ("cancelled",
None) or ("failed", message)."""


def run_in_child(work: Callable[[], dict[str, Any]], *, stop: Callable[[], bool]) -> dict[str, Any]:
    """``work()`` run in a forked child; killed, raising ``JobCancelled``, once ``stop()``.

    Errors come back as domain errors: one from the work keeps its code and message, anything
    else becomes ``internal_error`` with the text clients may see (the child logs the trace).
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with children_allowed():
        child = context.Process(target=_child, args=(work, sender, os.getpid()), daemon=False)
        child.start()
    sender.close()
    try:
        outcome = _wait(child, receiver, stop)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    return _unpack(outcome)


def _wait(
    child: multiprocessing.process.BaseProcess, receiver: Connection, stop: Callable[[], bool]
) -> Outcome:
    while True:
        if receiver.poll(STOP_POLL_S):
            try:
                outcome: Outcome = receiver.recv()
            except EOFError:  # the child died before it could answer
                break
            return outcome
        if not child.is_alive() and not receiver.poll(0):
            break
        if _asked_to_stop(stop):
            child.kill()
            return ("cancelled", None)
    child.join()
    return ("failed", f"the job's process ended unexpectedly (exit code {child.exitcode})")


def _asked_to_stop(stop: Callable[[], bool]) -> bool:
    try:
        return stop()
    except Exception:  # a database hiccup must not end the job; the next poll asks again
        log.warning("Could not check the job for a cancel request", exc_info=True)
        return False


def _unpack(outcome: Outcome) -> dict[str, Any]:
    kind, value = outcome
    if kind == "done":
        return dict(value)
    if kind == "cancelled":
        raise JobCancelled("The job was cancelled")
    if kind == "error":
        code, message = value
        raise SupportAIError(message, code=code)
    raise SupportAIError(f"The job failed: {value}", code=INTERNAL_ERROR)


def _child(work: Callable[[], dict[str, Any]], sender: Connection, parent: int) -> None:
    die_with_parent(parent)
    outcome: Outcome
    try:
        outcome = ("done", work())
    except JobCancelled:
        outcome = ("cancelled", None)
    except SupportAIError as error:
        outcome = ("error", (error.code, error.message))
    except Exception as error:
        log.exception("Job work failed")
        outcome = ("failed", public_message(error))
    sender.send(outcome)
    sender.close()
