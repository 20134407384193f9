"""A job's work in a forked child: its result, its errors, and a cancel that kills it."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tasks_support_system_ai.errors import InvalidInputError, SupportAIError
from tasks_support_system_ai.jobs.forked import run_in_child
from tasks_support_system_ai.jobs.progress import JobCancelled


def _never() -> bool:
    return False


def test_the_result_comes_from_another_process() -> None:
    result = run_in_child(lambda: {"pid": os.getpid()}, stop=_never)
    assert result["pid"] != os.getpid()


def test_a_domain_error_keeps_its_code_and_message() -> None:
    def work() -> dict[str, Any]:
        raise InvalidInputError("column 'text' is empty in row 3", code="empty_text")

    with pytest.raises(SupportAIError) as raised:
        run_in_child(work, stop=_never)
    assert (raised.value.code, raised.value.message) == (
        "empty_text",
        "column 'text' is empty in row 3",
    )


def test_any_other_error_is_internal_and_tells_no_details() -> None:
    def work() -> dict[str, Any]:
        raise ValueError("/secret/path/model.bin is broken")

    with pytest.raises(SupportAIError) as raised:
        run_in_child(work, stop=_never)
    assert raised.value.code == "internal_error"
    assert "ValueError" in raised.value.message
    assert "/secret" not in raised.value.message


def test_a_child_that_dies_is_a_failure_not_a_hang() -> None:
    with pytest.raises(SupportAIError, match="ended unexpectedly"):
        run_in_child(lambda: os._exit(7), stop=_never)


def test_stop_kills_the_child_and_raises_cancelled(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    def work() -> dict[str, Any]:
        pid_file.write_text(str(os.getpid()))
        time.sleep(300)
        return {}

    started = time.monotonic()
    with pytest.raises(JobCancelled):
        run_in_child(work, stop=pid_file.exists)
    assert time.monotonic() - started < 60
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_a_failing_cancel_check_does_not_end_the_work() -> None:
    checks = iter([RuntimeError("database gone"), False, False])

    def flaky() -> bool:
        outcome = next(checks, False)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def work() -> dict[str, Any]:
        time.sleep(1.0)
        return {"done": True}

    assert run_in_child(work, stop=flaky) == {"done": True}
