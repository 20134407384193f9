"""The one place where domain exceptions become HTTP responses.

Every error body has the spec's ErrorResponse shape (``status``, ``message``) plus a stable
``code`` and optional ``details``; no stack trace ever reaches the client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tasks_support_system_ai.errors import (
    AuthenticationError,
    BusyError,
    ConflictError,
    DataNotReadyError,
    InvalidInputError,
    JobFailedError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    SourceUnavailableError,
    SupportAIError,
    shown,
)

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[SupportAIError], int]] = [
    (BusyError, 429),
    (SourceUnavailableError, 502),
    (NotFoundError, 404),
    (ConflictError, 409),
    (PayloadTooLargeError, 413),
    (InvalidInputError, 422),
    (JobFailedError, 422),
    (DataNotReadyError, 503),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (RateLimitedError, 429),
]


#: Caps on what an error repeats, whatever a domain error was given.
MAX_MESSAGE_CHARS = 2000
MAX_DETAIL_CHARS = 200


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[:MAX_MESSAGE_CHARS] + "…"
    body: dict[str, Any] = {"status": "error", "code": code, "message": message}
    if details:
        body["details"] = {name: _short(value) for name, value in details.items()}
    return body


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_DETAIL_CHARS:
        return value[:MAX_DETAIL_CHARS] + "…"
    if isinstance(value, list) and len(value) > MAX_DETAIL_CHARS:
        return [_short(v) for v in value[:MAX_DETAIL_CHARS]]
    if isinstance(value, list):
        return [_short(v) for v in value]
    return value


def status_for(exc: SupportAIError) -> int:
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), 400)


def headers_for(exc: SupportAIError) -> dict[str, str]:
    """Headers an error's status calls for (RFC 9110: 401 names the scheme, 429 says when)."""
    if isinstance(exc, AuthenticationError):
        return {"WWW-Authenticate": 'Bearer realm="support-ai"'}
    if isinstance(exc, RateLimitedError):
        return {"Retry-After": str(exc.retry_after_s)}
    if isinstance(exc, BusyError):
        return {"Retry-After": str(exc.details.get("retry_after_s", 1))}
    return {}


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SupportAIError)
    body = error_body(exc.code, exc.message, exc.details)
    return JSONResponse(body, status_for(exc), headers=headers_for(exc))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_describe(err) for err in exc.errors()]
    return JSONResponse(
        error_body("invalid_request", "; ".join(problems), {"errors": problems}), 422
    )


SECRET_FIELDS = frozenset({"password", "api_key"})


def _describe(err: Any) -> str:
    """``field: problem (got value)``; the field is the body's path, ``query.x`` for a query
    parameter, or ``body`` when the request body itself is missing or not an object."""
    loc = [str(part) for part in err.get("loc", ())]
    where = ".".join(loc[1:] if loc[:1] == ["body"] and len(loc) > 1 else loc) or "request"
    found = None if SECRET_FIELDS & set(loc) else err.get("input")  # never echo secrets
    got = f" (got {shown(found)})" if found is not None and not isinstance(found, dict) else ""
    return f"{where}: {err.get('msg', 'invalid value')}{got}"


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("Unhandled error", exc_info=exc)
    return JSONResponse(error_body("internal_error", "Internal server error"), 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SupportAIError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
