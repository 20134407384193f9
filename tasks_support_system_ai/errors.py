"""Domain exceptions with stable ``code``s; the API maps each class to an HTTP status once."""

from __future__ import annotations

from typing import Any


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
