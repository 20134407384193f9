"""The storage interface every backend implements.

Keys are ``/``-separated relative paths (``datasets/tickets/<hash>.parquet``). Writes are
all-or-nothing: a reader never sees a half-written object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from tasks_support_system_ai.errors import InvalidInputError, NotFoundError


@runtime_checkable
class ObjectStore(Protocol):
    def put_bytes(self, key: str, data: bytes) -> None: ...
    def put_file(self, key: str, path: Path) -> None: ...
    def get_bytes(self, key: str) -> bytes: ...
    def download(self, key: str, path: Path) -> None: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def list(self, prefix: str = "") -> list[str]: ...

    @property
    def location(self) -> str:
        """Human-readable place, for logs and status pages."""
        ...


def check_key(key: str) -> str:
    """Reject keys that could escape the store's root or are ambiguous."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InvalidInputError(f"Invalid object key {key!r}", code="invalid_object_key")
    return key


def missing(key: str, location: str) -> NotFoundError:
    return NotFoundError(f"Object {key!r} not found in {location}", code="object_not_found")
