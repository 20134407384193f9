"""Identity for one process: the store, the cached verifier, the rate limiter and sign-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tasks_support_system_ai.auth.local_key import read_key_file, write_key_file
from tasks_support_system_ai.auth.rate_limit import (
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
)
from tasks_support_system_ai.auth.scopes import Scope, parse_scope
from tasks_support_system_ai.auth.store import AuthStore, KeyRecord, UserRecord
from tasks_support_system_ai.auth.verifier import KeyVerifier
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.errors import AuthenticationError, InvalidInputError

LOCAL_ADMIN_KEY_NAME = "local admin (created by serve)"
MAX_KEY_DAYS = 3650


class AuthService:
    def __init__(self, settings: Settings, store: AuthStore) -> None:
        self.settings = settings
        self.store = store
        self.verifier = KeyVerifier(
            store, ttl_s=settings.auth_cache_ttl_s, touch_every_s=settings.key_last_used_every_s
        )
        self.limiter: RateLimiter = (
            RedisRateLimiter(redis_url, f"{settings.job_queue}:ratelimit")
            if (redis_url := settings.rate_limit_redis_url)
            else MemoryRateLimiter()
        )

    def create_key(
        self, name: str, scope: str, *, expires_in_days: float | None = None
    ) -> tuple[KeyRecord, str]:
        expires_at = None
        if expires_in_days is not None:
            if not 0 < expires_in_days <= MAX_KEY_DAYS:
                raise InvalidInputError(
                    f"expires_in_days is between 0 and {MAX_KEY_DAYS}", code="invalid_expiry"
                )
            expires_at = datetime.now(UTC) + timedelta(days=expires_in_days)
        return self.store.create_key(name, parse_scope(scope), expires_at=expires_at)

    def revoke_key(self, key_id: str) -> KeyRecord:
        record = self.store.revoke_key(key_id)
        self.verifier.forget()
        return record

    def update_user(
        self,
        user_id: int,
        *,
        disabled: bool | None = None,
        scope: str | None = None,
        password: str | None = None,
    ) -> UserRecord:
        user = self.store.update_user(user_id, disabled=disabled, scope=scope, password=password)
        self.verifier.forget()
        return user

    def sign_in(self, username: str, password: str) -> tuple[KeyRecord, str, UserRecord]:
        """A session key for a user's name and password (the dashboard's sign-in)."""
        user = self.store.authenticate(username, password)
        if user is None:
            raise AuthenticationError(
                "Unknown user name or wrong password", code="invalid_credentials"
            )
        expires_at = datetime.now(UTC) + timedelta(minutes=self.settings.session_ttl_minutes)
        scope: Scope = parse_scope(user.scope)
        record, key = self.store.create_key(
            f"session of {user.username}", scope, expires_at=expires_at, user_id=user.id,
            kind="session",
        )  # fmt: skip
        return record, key, user

    def ensure_local_admin_key(self) -> str | None:
        """Create an admin key and its 0600 file unless the file holds a working key.

        Returns the new key (to print once), or None when the existing file still works.
        """
        path = self.settings.local_key_file
        existing = read_key_file(path)
        if existing is not None:
            try:
                self.verifier.load(existing)
                return None
            except AuthenticationError:
                pass
        _, key = self.store.create_key(LOCAL_ADMIN_KEY_NAME, "admin")
        write_key_file(path, key)
        return key
