"""The id of the request (or job) being served, carried through threads by a context var."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token
from typing import Final

MAX_LENGTH: Final = 128
_SAFE: Final = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_current: ContextVar[str | None] = ContextVar("support_ai_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def set_request_id(request_id: str | None) -> Token[str | None]:
    return _current.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(incoming: str | None) -> str:
    """The caller's id (nginx's ``$request_id``) if it is short and plain, else a fresh one:
    an id ends up in logs and job records, so it must never carry newlines or markup."""
    if incoming and _SAFE.fullmatch(incoming):
        return incoming
    return new_request_id()
