"""Authentication, cross-origin and rate-limit checks for every request, as plain ASGI.

It sits in front of the lean predict path (``fast_predict``), so that path is covered too
and pays only a cache lookup: a known key costs a SHA-256 and a dict read; the database is
read (in a thread) only on a cache miss. A refused request never reaches a route, so it
changes nothing. Keys never appear in logs or error messages.

Cross-site requests: a browser on another site can send a "simple" POST (form upload,
text/plain body) with no custom header. Writes need the ``X-API-Key`` header, which such a
request cannot carry, and besides every unsafe method whose ``Origin`` is neither this host
nor in ``allowed_origins`` is refused, so it is refused even with authentication turned off.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any, Final

from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from tasks_support_system_ai.api.access import Access, document_access, required_access
from tasks_support_system_ai.api.errors import error_body, headers_for, status_for
from tasks_support_system_ai.auth import AuthService, Principal, allows
from tasks_support_system_ai.auth import Scope as KeyScope
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.errors import (
    AuthenticationError,
    DataNotReadyError,
    PermissionDeniedError,
    RateLimitedError,
    SupportAIError,
)

log = logging.getLogger(__name__)

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_PORT: Final = re.compile(rb":\d+$")
WANTED: Final = frozenset({b"x-api-key", b"authorization", b"origin", b"host", b"sec-fetch-site"})


class AuthMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        service: Callable[[], AuthService | None],
        allowed_origins: list[str],
    ) -> None:
        self.app = app
        self.service = service
        self.allowed_origins = frozenset(o.rstrip("/").encode() for o in allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        headers = {name: value for name, value in scope["headers"] if name in WANTED}
        try:
            if method not in SAFE_METHODS and self._cross_origin(headers):
                raise PermissionDeniedError(
                    "Cross-origin writes are refused; add the site to SUPPORT_AI_ALLOWED_ORIGINS",
                    code="cross_origin_refused",
                )
            level = required_access(method, scope["path"])
            service = self.service()
            if level != "public":
                if service is None:  # still starting: fail closed
                    raise DataNotReadyError("The service is starting; retry shortly")
                principal = await self._admit(service, level, headers, scope)
                scope.setdefault("state", {})["principal"] = principal
        except SupportAIError as error:
            await _refuse(send, error)
            return
        await self.app(scope, receive, send)

    async def _admit(
        self, service: AuthService, level: Access, headers: dict[bytes, bytes], scope: Scope
    ) -> Principal | None:
        """The caller if allowed (None: anonymous); raises when not."""
        settings = service.settings
        principal = None
        if settings.auth_enabled:
            key = _presented_key(headers)
            principal = await self._verify(service, key) if key else None
            _check_scope(principal, level, public_reads=settings.public_reads)
        if principal is not None:
            limit, bucket = settings.rate_limit_per_minute, f"key:{principal.key_id}"
        else:  # behind a proxy every address is the proxy's: off by default
            limit, bucket = settings.anonymous_rate_limit_per_minute, f"addr:{_address(scope)}"
        if limit:
            retry_after = await service.limiter.hit(bucket, limit)
            if retry_after is not None:
                raise RateLimitedError(
                    f"More than {limit} requests per minute; retry in {retry_after} s",
                    retry_after_s=retry_after,
                )
        return principal

    @staticmethod
    async def _verify(service: AuthService, key: str) -> Principal:
        verifier = service.verifier
        principal = verifier.cached(key)
        if principal is None:
            try:
                principal = await to_thread.run_sync(verifier.load, key)
            except SQLAlchemyError as error:
                log.error("Cannot read API keys from the database: %s", type(error).__name__)
                raise DataNotReadyError(
                    "API keys cannot be checked right now; retry shortly",
                    code="auth_store_unavailable",
                ) from None
        if verifier.due_for_touch(principal):
            try:
                await to_thread.run_sync(verifier.touch, principal)
            except Exception as error:  # bookkeeping must not fail a request
                log.warning("Could not record a key's last use: %s", type(error).__name__)
        return principal

    def _cross_origin(self, headers: dict[bytes, bytes]) -> bool:
        origin = headers.get(b"origin")
        if origin is None:
            return headers.get(b"sec-fetch-site") == b"cross-site"
        origin = origin.rstrip(b"/")
        if origin in self.allowed_origins or b"*" in self.allowed_origins:
            return False
        _, _, netloc = origin.partition(b"://")
        host = headers.get(b"host", b"")
        if not netloc or not host:
            return True
        if _PORT.search(host) is None:  # a proxy that forwards only the host name ($host)
            netloc = _PORT.sub(b"", netloc)
        return netloc != host


def _presented_key(headers: dict[bytes, bytes]) -> str | None:
    key = headers.get(b"x-api-key")
    if key is None:
        authorization = headers.get(b"authorization", b"")
        scheme, _, token = authorization.partition(b" ")
        key = token.strip() if scheme.lower() == b"bearer" else None
    return key.decode("latin-1") if key else None


def _check_scope(principal: Principal | None, level: Access, *, public_reads: bool) -> None:
    if principal is None:
        if level == "read" and public_reads:
            return
        raise AuthenticationError(
            "This operation needs an API key (header X-API-Key or Authorization: Bearer)",
            code="api_key_required",
        )
    needed: KeyScope = "admin" if level == "admin" else "write" if level == "write" else "read"
    if not allows(principal.scope, needed):
        raise PermissionDeniedError(
            f"This operation needs a key with scope {needed!r}; this key has {principal.scope!r}",
            code="insufficient_scope",
        )


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def _refuse(send: Send, error: SupportAIError) -> None:
    content = error_body(error.code, error.message, error.details)
    body = json.dumps(content, separators=(",", ":")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in headers_for(error).items()),
    ]
    await send({"type": "http.response.start", "status": status_for(error), "headers": headers})
    await send({"type": "http.response.body", "body": body})


def install_auth(
    app: FastAPI, settings: Settings, service: Callable[[], AuthService | None]
) -> None:
    """Add the auth middleware (and CORS for ``allowed_origins``) outside what is already
    added, and document the keys in the OpenAPI schema."""
    app.add_middleware(AuthMiddleware, service=service, allowed_origins=settings.allowed_origins)
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["*"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type"],
            expose_headers=["Retry-After"],
        )
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_access(build_schema(), public_reads=settings.public_reads)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
