"""Scopes of a credential: ``read`` < ``write`` < ``admin``; a scope allows everything below it."""

from __future__ import annotations

from typing import Final, Literal

from tasks_support_system_ai.errors import InvalidInputError

Scope = Literal["read", "write", "admin"]
SCOPES: Final[tuple[Scope, ...]] = ("read", "write", "admin")
_RANK: Final[dict[str, int]] = {scope: rank for rank, scope in enumerate(SCOPES)}


def allows(have: str, need: Scope) -> bool:
    """Whether a credential of scope ``have`` may do what needs ``need``."""
    return _RANK.get(have, -1) >= _RANK[need]


def parse_scope(value: str) -> Scope:
    if value not in SCOPES:
        raise InvalidInputError(
            f"Unknown scope {value[:20]!r}: expected one of {', '.join(SCOPES)}",
            code="invalid_scope",
        )
    return value
