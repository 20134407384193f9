"""Structured logs: one JSON object per line, with the request id, scrubbed of PII.

``configure_logging`` sets up the root logger for the CLI and the job worker; ``uvicorn_log_config``
is the same set-up as a ``logging.config`` dict, which uvicorn applies in each of its worker
processes. Log files rotate at ``ROTATE_BYTES``.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from tasks_support_system_ai.observability.request_id import current_request_id

ROTATE_BYTES: Final = 10 * 1024 * 1024
ROTATE_KEEP: Final = 5
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_RESERVED: Final = frozenset(vars(logging.makeLogRecord({})))


def scrub(text: str) -> str:
    """Mask e-mails, phones, contract/account numbers and names (the ticket-text scrubber).

    Imported on first use: a process that never logs does not pay for the morphology tables.
    """
    from tasks_support_system_ai.nlp.pii import scrub_pii

    return scrub_pii(text)


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", ...extra, "exc"}``, PII-scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in entry and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool) else scrub(str(value))
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The human format, scrubbed the same way."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def use_json(log_format: str) -> bool:
    return log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())


def uvicorn_log_config(level: str, log_format: str, log_file: Path | None) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict: root, uvicorn and our loggers share the handlers."""
    formatter = {"()": f"{__name__}.{'JsonFormatter' if use_json(log_format) else 'TextFormatter'}"}
    if not use_json(log_format):
        formatter["format"] = TEXT_FORMAT
    handlers: dict[str, Any] = {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "main",
            "stream": "ext://sys.stderr",
        }
    }
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers["file"] = {
            "class": "logging.handlers.RotatingFileHandler",
            "formatter": "main",
            "filename": str(log_file),
            "maxBytes": ROTATE_BYTES,
            "backupCount": ROTATE_KEEP,
            "encoding": "utf-8",
        }
    names = list(handlers)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": handlers,
        "root": {"level": level, "handlers": names},
        "loggers": {
            name: {"level": level, "handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure_logging(level: str, log_format: str = "auto", log_file: Path | None = None) -> None:
    """Set up the root logger of this process (CLI, job worker)."""
    import logging.config

    logging.config.dictConfig(uvicorn_log_config(level, log_format, log_file))
