"""Sentry stays off without a DSN, and events it would send are PII-scrubbed."""

from __future__ import annotations

from pydantic import SecretStr

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.observability.errors import init_sentry, scrub_event


def test_off_unless_a_dsn_is_set(settings: Settings) -> None:
    assert init_sentry(settings, "api") is False
    settings.sentry_dsn = SecretStr("")  # the compose file passes an empty value through
    assert init_sentry(settings, "api") is False


def test_events_are_scrubbed() -> None:
    event = {
        "message": "write to ivan@mail.ru failed",
        "logentry": {"message": "call +7 912 345-67-89", "formatted": "call +7 912 345-67-89"},
        "exception": {"values": [{"type": "ValueError", "value": "bad anna@example.org"}]},
    }
    scrubbed = scrub_event(event, {})
    text = str(scrubbed)
    assert "ivan@mail.ru" not in text
    assert "345-67-89" not in text
    assert "anna@example.org" not in text
    assert scrubbed["exception"]["values"][0]["value"] == "bad <EMAIL>"
