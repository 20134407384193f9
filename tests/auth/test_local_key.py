"""The owner-only admin key file ``serve`` writes and local clients read."""

from __future__ import annotations

from pydantic import SecretStr

from tasks_support_system_ai.auth import AuthService
from tasks_support_system_ai.auth.local_key import client_api_key, read_key_file


def test_first_start_writes_a_working_admin_key_readable_by_the_owner_only(
    auth: AuthService,
) -> None:
    path = auth.settings.local_key_file
    key = auth.ensure_local_admin_key()

    assert key is not None
    assert read_key_file(path) == key
    assert path.stat().st_mode & 0o777 == 0o600
    assert auth.verifier.verify(key).scope == "admin"
    assert auth.ensure_local_admin_key() is None  # later starts keep it and print nothing
    assert read_key_file(path) == key


def test_a_revoked_local_key_is_replaced(auth: AuthService) -> None:
    first = auth.ensure_local_admin_key()
    assert first is not None
    auth.revoke_key(first.split("_")[1])
    second = auth.ensure_local_admin_key()
    assert second is not None
    assert second != first
    assert auth.settings.local_key_file.stat().st_mode & 0o777 == 0o600


def test_clients_prefer_the_setting_then_the_file(auth: AuthService) -> None:
    settings = auth.settings
    assert client_api_key(settings) is None
    key = auth.ensure_local_admin_key()
    assert client_api_key(settings) == key
    settings.api_key = SecretStr("sai_from_env")
    assert client_api_key(settings) == "sai_from_env"
