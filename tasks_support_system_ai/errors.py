"""Domain exceptions with stable ``code``s; the API maps each class to an HTTP status once."""

from __future__ import annotations

from typing import Any

#: Longest repr of a client's value repeated in an error message.
SHOWN_CHARS = 80


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a huge cell never makes a huge error."""
    text = repr(value) if not isinstance(value, str) or len(value) <= limit else repr(value[:limit])
    return text if len(text) <= limit + 2 else text[:limit] + "…"


class SupportAIError(Exception):
    """Base of every error a client can cause or see."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class NotFoundError(SupportAIError):
    """A named thing (queue, dataset version, model, job) does not exist."""

    code = "not_found"


class InvalidInputError(SupportAIError):
    """A request parameter is malformed or out of range."""

    code = "invalid_input"


class DatasetValidationError(InvalidInputError):
    """An uploaded file was rejected; ``details`` says which column/row and what was expected."""

    code = "invalid_dataset"


class PayloadTooLargeError(InvalidInputError):
    """An upload exceeds the configured size limit."""

    code = "file_too_large"


class DataNotReadyError(SupportAIError):
    """No active dataset is loaded yet (e.g. the service is still starting)."""

    code = "data_not_ready"


class ConflictError(SupportAIError):
    """The request is valid but the resource is not in a state that allows it (e.g. training)."""

    code = "conflict"


class JobFailedError(SupportAIError):
    """A job the caller waited for failed; ``code`` is the job's own error code."""

    code = "job_failed"


class AuthenticationError(SupportAIError):
    """No credential, or one that is unknown, expired, revoked or belongs to a disabled user."""

    code = "unauthenticated"


class PermissionDeniedError(SupportAIError):
    """The credential is valid but its scope does not allow this operation."""

    code = "forbidden"


class RateLimitedError(SupportAIError):
    """Too many requests for one key (or address) in the current window."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class QuotaExceededError(PayloadTooLargeError):
    """Storing this would take the stored data past the configured quota."""

    code = "quota_exceeded"


class BusyError(SupportAIError):
    """Too many expensive requests at once: try again shortly (429, ``Retry-After``)."""

    code = "busy"


class SourceUnavailableError(SupportAIError):
    """An external source (a configured SQL connection) could not be reached or read."""

    code = "source_unavailable"


def public_message(error: BaseException, limit: int = 500) -> str:
    """What a client may read about ``error``: a domain error's own message (cut short);
    anything else only its type, since its text can carry paths, hosts or a traceback (the
    log has the details)."""
    if isinstance(error, SupportAIError):
        return error.message if len(error.message) <= limit else error.message[:limit] + "…"
    return f"{type(error).__name__} (details are in the server log)"
