"""Identity and access: users (argon2id passwords), API keys (hashed, scoped, expiring,
revocable), cached verification and per-key rate limits. No web framework here."""

from tasks_support_system_ai.auth.scopes import SCOPES, Scope, allows
from tasks_support_system_ai.auth.service import AuthService
from tasks_support_system_ai.auth.store import AuthStore, KeyRecord, UserRecord
from tasks_support_system_ai.auth.verifier import KeyVerifier, Principal

__all__ = [
    "SCOPES",
    "AuthService",
    "AuthStore",
    "KeyRecord",
    "KeyVerifier",
    "Principal",
    "Scope",
    "UserRecord",
    "allows",
]
