"""The worker side's process context: built on first use in each (forked) worker process."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tasks_support_system_ai.config import Settings

if TYPE_CHECKING:
    from tasks_support_system_ai.context import AppContext

_contexts: dict[tuple[int, int], AppContext] = {}


def worker_context(settings: Settings) -> AppContext:
    """One context per process and settings: engines and open files must not cross a fork."""
    key = (os.getpid(), id(settings))
    if key not in _contexts:
        from tasks_support_system_ai.context import build_context  # the context builds us

        _contexts[key] = build_context(settings)
    return _contexts[key]


def use_context(context: AppContext) -> None:
    """Run tasks in this process against an existing context (in-process workers, tests)."""
    _contexts[(os.getpid(), id(context.settings))] = context
