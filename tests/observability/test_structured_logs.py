"""JSON log lines: one object per event, with the request id, PII masked, files rotated."""

from __future__ import annotations

import json
import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasks_support_system_ai.observability.logs import (
    ROTATE_BYTES,
    JsonFormatter,
    configure_logging,
    uvicorn_log_config,
)
from tasks_support_system_ai.observability.request_id import (
    accepted_request_id,
    reset_request_id,
    set_request_id,
)


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers, root.level = handlers, level


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "t", "levelname": "INFO", "levelno": 20})
    record.msg, record.args = message, args
    record.__dict__.update(extra)
    return record


def test_a_line_is_json_with_the_request_id_and_no_pii() -> None:
    token = set_request_id("req-42")
    try:
        line = JsonFormatter().format(
            _record("Ticket from %s, phone %s", "ivan.petrov@mail.ru", "+7 912 345-67-89", job="j1")
        )
    finally:
        reset_request_id(token)
    entry = json.loads(line)
    assert entry["request_id"] == "req-42"
    assert entry["level"] == "INFO"
    assert entry["job"] == "j1"
    assert "ivan.petrov" not in line
    assert "345-67-89" not in line
    assert entry["message"] == "Ticket from <EMAIL>, phone <PHONE>"


def test_tracebacks_are_one_scrubbed_field() -> None:
    try:
        raise ValueError("bad address anna@example.org")
    except ValueError:
        record = _record("failed")
        record.exc_info = __import__("sys").exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert "ValueError" in entry["exc"]
    assert "anna@example.org" not in entry["exc"]


def test_no_request_id_outside_a_request() -> None:
    assert "request_id" not in json.loads(JsonFormatter().format(_record("idle")))


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("0f3a9c", True), ("a" * 128, True), ("a" * 129, False), ("x\nforged", False), (None, False)],
)
def test_incoming_request_ids_are_kept_only_when_plain(incoming: str | None, kept: bool) -> None:
    accepted = accepted_request_id(incoming)
    assert (accepted == incoming) is kept
    assert 1 <= len(accepted) <= 128
    assert "\n" not in accepted


@pytest.mark.usefixtures("restore_root_logger")
def test_log_file_gets_json_lines_and_rotates_at_10_mb(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "support-ai.log"
    configure_logging("INFO", "json", log_file)
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    assert handler.maxBytes == ROTATE_BYTES == 10 * 1024 * 1024
    handler.maxBytes = 2_000  # rotate after a few lines, as 10 MB would after many
    for n in range(40):
        logging.getLogger("support").info("event %d for user bob@example.com", n)
    handler.flush()
    assert log_file.with_name("support-ai.log.1").exists()
    lines = log_file.read_text().splitlines()
    assert lines
    assert all(json.loads(line)["logger"] == "support" for line in lines)
    assert "bob@example.com" not in log_file.read_text()


def test_uvicorn_config_routes_its_loggers_through_ours(tmp_path: Path) -> None:
    config = uvicorn_log_config("WARNING", "json", None)
    assert config["root"]["level"] == "WARNING"
    assert config["formatters"]["main"]["()"].endswith("JsonFormatter")
    assert all(logger["propagate"] for logger in config["loggers"].values())
