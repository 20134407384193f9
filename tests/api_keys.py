"""API keys in tests: the local admin key every test client sends, and a client that sends none."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tasks_support_system_ai.auth.local_key import read_key_file


def local_admin_key(context: Any) -> str:
    """The admin key in the context's data folder (created as ``serve`` would)."""
    context.auth.ensure_local_admin_key()
    key = read_key_file(context.settings.local_key_file)
    assert key is not None
    return key


class AnonymousTestClient(TestClient):
    """A test client that sends no key unless the test gives one."""

    sends_admin_key = False
