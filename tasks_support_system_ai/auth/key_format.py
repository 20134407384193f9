"""The API key format: ``sai_<id>_<secret>``.

The id (12 hex characters) finds the row; only the SHA-256 of the secret is stored, so a
database dump reveals no usable key. The secret has 256 random bits, so a fast hash is enough
(no password stretching is needed, and verification stays in microseconds).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Final

PREFIX: Final = "sai"
ID_HEX_CHARS: Final = 12
MAX_KEY_CHARS: Final = 128


@dataclass(frozen=True)
class NewKey:
    id: str
    secret_hash: str
    plaintext: str

    @property
    def prefix(self) -> str:
        return display_prefix(self.id)


def new_key() -> NewKey:
    key_id = secrets.token_hex(ID_HEX_CHARS // 2)
    secret = secrets.token_urlsafe(32)
    return NewKey(key_id, hash_secret(secret), f"{PREFIX}_{key_id}_{secret}")


def split_key(key: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed key, else None."""
    if len(key) > MAX_KEY_CHARS:
        return None
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != ID_HEX_CHARS or not parts[2]:
        return None
    return parts[1], parts[2]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(key_id: str) -> str:
    """What people see to tell keys apart (the secret part is never shown again)."""
    return f"{PREFIX}_{key_id}"
