"""A lean path for ``POST /api/predict_nlp``, the one route that must answer thousands per second.

Plain ASGI, in front of FastAPI: when the body is a valid request for a model that is already
in memory, the label is computed right here and written back.
Everything else (bad JSON, empty text, a model that must be loaded first, unknown ids) is
handed to the FastAPI route unchanged, so validation, errors and the OpenAPI contract stay in
one place and the answers are identical. Under the original service's prefix the label is
wrapped in its answer shape, ``{"clusters": [label]}``, as the legacy route does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tasks_support_system_ai.api.observe import ROUTE_KEY
from tasks_support_system_ai.nlp.linear import TextPredictor
from tasks_support_system_ai.observability.metrics import InferenceTimer

PATHS: Final[dict[str, Callable[[str], object]]] = {
    "/api/predict_nlp": lambda label: label,
    "/nlp/api/predict_nlp": lambda label: {"clusters": [label]},  # the original shape
}
MAX_FAST_BODY: Final = 1 << 20
HEADERS: Final = [(b"content-type", b"application/json")]

PredictorLookup = Callable[[str], TextPredictor | None]


class FastPredictMiddleware:
    def __init__(self, app: ASGIApp, lookup: Callable[[], PredictorLookup | None]) -> None:
        self.app = app
        self.lookup = lookup
        self.inferences = InferenceTimer("fast")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in PATHS:
            await self.app(scope, receive, send)
            return
        body, complete = await _read_body(receive)
        label = self._label(body) if complete else None
        if label is None:
            await self.app(scope, _replay(body, complete, receive), send)
            return
        scope[ROUTE_KEY] = scope["path"]
        payload = json.dumps(PATHS[scope["path"]](label), ensure_ascii=False).encode()
        headers = [*HEADERS, (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def _label(self, body: bytes) -> str | None:
        """The label, or None to let the full route answer (and explain any problem)."""
        lookup = self.lookup()
        try:
            request: Any = json.loads(body)
        except ValueError:
            return None
        if lookup is None or not isinstance(request, dict):
            return None
        model_id, text = request.get("id"), request.get("text")
        if not isinstance(model_id, str) or not isinstance(text, str) or not text.strip():
            return None
        predict = lookup(model_id)
        if predict is None:
            return None
        started = time.perf_counter()
        label = predict(text)
        self.inferences.record(model_id, 1, time.perf_counter() - started)
        return label


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The body, unless it grows past the fast path's limit (then what was read so far)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_FAST_BODY:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A ``receive`` that yields the already-read body first, then the rest of the stream."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay
