"""Optional error reporting to Sentry (``SUPPORT_AI_SENTRY_DSN``); off unless set.

Events carry no request bodies or personal data: ``send_default_pii`` stays off and every
message and exception value goes through the same PII scrubber as the logs.
"""

from __future__ import annotations

import logging
from typing import Any

from tasks_support_system_ai import __version__
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.observability.logs import scrub

log = logging.getLogger(__name__)


def init_sentry(settings: Settings, component: str) -> bool:
    """Start reporting if a DSN is configured; True if it is on."""
    if settings.sentry_dsn is None or not settings.sentry_dsn.get_secret_value():
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.sentry_environment,
        release=f"support-ai@{__version__}",
        traces_sample_rate=settings.sentry_traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub_event,  # type: ignore[arg-type]
    )
    sentry_sdk.set_tag("component", component)
    log.info("Sentry error reporting on for %s", component)
    return True


def scrub_event(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Mask PII in the message, log entry and exception values of an event."""
    for holder, key in _texts(event):
        if isinstance(holder.get(key), str):
            holder[key] = scrub(holder[key])
    return event


def _texts(event: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    found: list[tuple[dict[str, Any], str]] = [(event, "message")]
    if isinstance(event.get("logentry"), dict):
        found += [(event["logentry"], "message"), (event["logentry"], "formatted")]
    for value in (event.get("exception") or {}).get("values") or []:
        if isinstance(value, dict):
            found.append((value, "value"))
    return found
