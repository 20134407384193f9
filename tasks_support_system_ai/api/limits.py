"""Request limits enforced before any route runs: body size and JSON nesting depth.

Plain ASGI, so a body is counted while it streams in: an oversized JSON body or upload is
refused with 413 as soon as it passes its limit (or at once when ``Content-Length`` says so),
never after it has been buffered or spooled to disk whole. Small JSON bodies are read here,
checked for nesting depth (deep nesting makes the JSON parser recurse) and handed on unchanged.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

import numpy as np
from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tasks_support_system_ai.api.errors import error_body
from tasks_support_system_ai.config import Settings, get_settings
from tasks_support_system_ai.context import AppContext
from tasks_support_system_ai.errors import BusyError, InvalidInputError, PayloadTooLargeError

#: Room for multipart boundaries and form fields next to the file itself.
MULTIPART_OVERHEAD: Final = 1 << 20
RETRY_AFTER_S: Final = 5
_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


@dataclass(frozen=True)
class Limits:
    json_bytes: int
    json_depth: int
    upload_bytes: int
    busy_requests: int = 2


def request_limits(settings: Settings | None, context: AppContext | None) -> Limits:
    """The limits from the settings the app is built with."""
    resolved = settings or (context.settings if context else get_settings())
    return Limits(
        json_bytes=resolved.max_json_bytes,
        json_depth=resolved.max_json_depth,
        upload_bytes=resolved.max_upload_bytes,
        busy_requests=resolved.max_busy_requests,
    )


class BodyTooLargeError(Exception):
    """Raised into the app's ``receive`` once a streamed body passes its limit."""


def json_depth(body: bytes) -> int:
    """The deepest nesting of ``[``/``{`` in a JSON text (strings ignored), vectorised."""
    if b"[" not in body and b"{" not in body:
        return 0
    bare = np.frombuffer(_STRING.sub(b"", body), dtype=np.uint8)
    steps = np.zeros(bare.shape, dtype=np.int32)
    steps[(bare == ord("[")) | (bare == ord("{"))] = 1
    steps[(bare == ord("]")) | (bare == ord("}"))] = -1
    return int(np.cumsum(steps).max(initial=0))


class RequestLimitsMiddleware:
    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        limit = (
            self.limits.upload_bytes + MULTIPART_OVERHEAD if multipart else self.limits.json_bytes
        )
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, self._too_large(multipart))
            return
        if multipart:
            await self._stream(scope, receive, send, limit)
            return
        body, complete = await _read_up_to(receive, limit)
        if not complete:
            await _refuse(send, self._too_large(multipart))
            return
        if json_depth(body) > self.limits.json_depth:
            error = InvalidInputError(
                f"JSON is nested deeper than {self.limits.json_depth} levels",
                code="json_too_deep",
                max_depth=self.limits.json_depth,
            )
            await _refuse(send, error, 422)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _stream(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass a multipart body through, counting; past the limit the answer is our 413."""
        size = 0
        exceeded = False

        async def counted() -> Message:
            nonlocal size, exceeded
            if exceeded:
                raise BodyTooLargeError
            message = await receive()
            size += len(message.get("body", b""))
            if size > limit:
                exceeded = True
                raise BodyTooLargeError
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own answer to the interrupted body is replaced below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except BodyTooLargeError:
            exceeded = True
        if exceeded and not started:
            await _refuse(send, self._too_large(multipart=True))

    def _too_large(self, multipart: bool) -> PayloadTooLargeError:
        if multipart:
            limit = self.limits.upload_bytes
            return PayloadTooLargeError(
                f"File is larger than the {limit / 2**20:.0f} MB limit", limit_bytes=limit
            )
        limit = self.limits.json_bytes
        return PayloadTooLargeError(
            f"Request body is larger than the {limit / 2**20:.0f} MB limit",
            code="body_too_large",
            limit_bytes=limit,
        )


async def _read_up_to(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole body, or (what was read, False) once it passes ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    """The checked body in one message, then the real stream (which reports the disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(
    send: Send, error: InvalidInputError | PayloadTooLargeError, status: int = 413
) -> None:
    payload = json.dumps(error_body(error.code, error.message, error.details)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class BusySlots:
    """A cap on expensive synchronous requests running at once (whole-tree forecasts,
    comparisons, backtests, labeling submissions): one more is told 429 ``busy`` at once
    rather than piling up in the thread pool behind the others."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    def acquire(self) -> None:
        if not self._free.acquire(blocking=False):
            raise BusyError(
                f"{self.size} expensive requests are already running; retry shortly "
                "or use the job routes (/api/jobs/...)",
                retry_after_s=RETRY_AFTER_S,
            )

    def release(self) -> None:
        self._free.release()


async def expensive(request: Request) -> AsyncIterator[None]:
    """Route dependency: hold one of the app's ``BusySlots`` while the request runs."""
    slots: BusySlots = request.app.state.busy_slots
    slots.acquire()
    try:
        yield
    finally:
        slots.release()


Expensive = Depends(expensive)
