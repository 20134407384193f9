"""The storage interface every backend implements.

Keys are ``/``-separated relative paths (``datasets/tickets/<hash>.parquet``). Writes are
all-or-nothing: a reader never sees a half-written object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from tasks_support_system_ai.errors import InvalidInputError, NotFoundError, shown

#: Longest key part (a file name); file systems refuse names over 255 bytes.
MAX_KEY_PART_BYTES = 200


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
    if (
        not key
        or key.startswith("/")
        or any(p in ("", ".", "..") or len(p.encode()) > MAX_KEY_PART_BYTES for p in parts)
        or "\x00" in key
    ):
        raise InvalidInputError(f"Invalid object key {shown(key)}", code="invalid_object_key")
    return key


def missing(key: str) -> NotFoundError:
    """Not found, naming the key only: the store's location (a server path) stays private."""
    return NotFoundError(f"Object {shown(key)} not found", code="object_not_found")
