"""Key verification with a short-lived in-process cache, so a request pays microseconds.

A cache hit is a SHA-256 of the presented key and a dict lookup; a miss reads the key's row
(run it off the event loop). Revocation, expiry and disabling a user take effect at once in
the process that made the change (``forget``) and within ``ttl_s`` in the others; expiry is
checked on every request, cached or not.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from tasks_support_system_ai.auth.key_format import hash_secret, split_key
from tasks_support_system_ai.auth.store import AuthStore
from tasks_support_system_ai.errors import AuthenticationError

MAX_CACHED: Final = 10_000


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key (and, for a sign-in session, the user) and its scope."""

    key_id: str
    key_name: str
    scope: str
    kind: str
    user_id: int | None
    expires_at: float | None  # Unix time

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass(frozen=True)
class _Entry:
    principal: Principal | None
    failure: str  # the error code when principal is None
    until: float


FAILURES: Final = {
    "invalid_api_key": "The API key is not valid",
    "api_key_revoked": "The API key has been revoked",
    "api_key_expired": "The API key has expired",
    "user_disabled": "The user of this key is disabled",
}


class KeyVerifier:
    def __init__(
        self,
        store: AuthStore,
        *,
        ttl_s: float,
        touch_every_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.touch_every_s = touch_every_s
        self.clock = clock
        self._cache: dict[bytes, _Entry] = {}
        self._touched: dict[str, float] = {}

    def cached(self, key: str) -> Principal | None:
        """The principal from the cache (no I/O); None when the key must be ``load``ed.

        Raises AuthenticationError for a key known to be bad.
        """
        entry = self._cache.get(_digest(key))
        if entry is None or entry.until <= self.clock():
            return None
        return self._accept(entry)

    def load(self, key: str) -> Principal:
        """Verify against the database and cache the outcome (blocking: call from a thread)."""
        entry = self._read(key)
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[_digest(key)] = entry
        return self._accept(entry)

    def verify(self, key: str) -> Principal:
        return self.cached(key) or self.load(key)

    def due_for_touch(self, principal: Principal) -> bool:
        """Whether this key's last-used time should be written now (and mark it written)."""
        now = self.clock()
        if now - self._touched.get(principal.key_id, -1e18) < self.touch_every_s:
            return False
        self._touched[principal.key_id] = now
        return True

    def touch(self, principal: Principal) -> None:
        self.store.touch_key(principal.key_id, datetime.now(UTC))

    def forget(self) -> None:
        """Drop every cached verdict (after a revoke, a disabled user or a changed scope)."""
        self._cache.clear()

    def _accept(self, entry: _Entry) -> Principal:
        if entry.principal is None:
            raise AuthenticationError(FAILURES[entry.failure], code=entry.failure)
        if entry.principal.expired(time.time()):
            raise AuthenticationError(FAILURES["api_key_expired"], code="api_key_expired")
        return entry.principal

    def _read(self, key: str) -> _Entry:
        until = self.clock() + self.ttl_s
        parts = split_key(key)
        stored = self.store.stored_key(parts[0]) if parts else None
        if (
            parts is None
            or stored is None
            or not hmac.compare_digest(stored.secret_hash, hash_secret(parts[1]))
        ):
            return _Entry(None, "invalid_api_key", until)
        record = stored.record
        if record.revoked_at is not None:
            return _Entry(None, "api_key_revoked", until)
        if stored.user_disabled:
            return _Entry(None, "user_disabled", until)
        expires = record.expires_at.timestamp() if record.expires_at else None
        principal = Principal(
            record.id, record.name, record.scope, record.kind, record.user_id, expires
        )
        return _Entry(principal, "", until)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "replace")).digest()
