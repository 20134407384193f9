"""The owner-only key file in the data folder (as Jupyter keeps its token).

``support-ai serve`` writes an admin key there on first start; the CLI and the local
dashboard read it when ``SUPPORT_AI_API_KEY`` is not set.
"""

from __future__ import annotations

import os
from pathlib import Path

from tasks_support_system_ai.config import Settings

FILE_MODE = 0o600


def write_key_file(path: Path, key: str) -> None:
    """Write ``key`` readable by the owner only, replacing any previous file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    os.chmod(temporary, FILE_MODE)  # in case the file existed with wider permissions
    os.replace(temporary, path)


def read_key_file(path: Path) -> str | None:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, PermissionError, UnicodeDecodeError):
        return None
    return key or None


def client_api_key(settings: Settings) -> str | None:
    """The key a local client sends: ``SUPPORT_AI_API_KEY``, else the key file, else none."""
    if settings.api_key is not None:
        return settings.api_key.get_secret_value()
    return read_key_file(settings.local_key_file)
