"""``support-ai users ...``, ``support-ai keys ...`` and the admin key ``serve`` announces."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tasks_support_system_ai.cli.main import announce_local_admin_key, app
from tasks_support_system_ai.config import get_settings
from tasks_support_system_ai.context import build_context

runner = CliRunner()
KEY = re.compile(r"sai_[0-9a-f]{12}_[A-Za-z0-9_-]+")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SUPPORT_AI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SUPPORT_AI_API_KEY", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_create_admin_then_sign_in_works() -> None:
    created = runner.invoke(
        app, ["users", "create-admin", "--username", "root"], input="long enough\nlong enough\n"
    )
    assert created.exit_code == 0, created.output
    assert "long enough" not in created.output
    context = build_context(get_settings())
    try:
        _, key, user = context.auth.sign_in("root", "long enough")
        assert (user.scope, context.auth.verifier.verify(key).scope) == ("admin", "admin")
    finally:
        context.close()
    again = runner.invoke(
        app,
        ["users", "create-admin", "--username", "root"],
        env={"SUPPORT_AI_NEW_PASSWORD": "x" * 9},
    )
    assert again.exit_code == 2
    assert "user_exists" in again.output


def test_keys_create_list_and_revoke() -> None:
    created = runner.invoke(app, ["keys", "create", "--name", "ci", "--scope", "write"])
    assert created.exit_code == 0, created.output
    key = KEY.search(created.output)
    assert key is not None
    key_id = key[0].split("_")[1]
    assert key[0].startswith(f"sai_{key_id}_")

    listing = runner.invoke(app, ["keys", "list"])
    assert key_id in listing.output
    assert key[0] not in listing.output  # the secret is shown only at creation
    assert runner.invoke(app, ["keys", "revoke", f"sai_{key_id}"]).exit_code == 0
    context = build_context(get_settings())
    try:
        revoked = next(k for k in context.auth.store.api_keys() if k.id == key_id)
        assert revoked.revoked_at is not None
    finally:
        context.close()
    bad_scope = runner.invoke(app, ["keys", "create", "--scope", "root"])
    assert bad_scope.exit_code == 2
    assert "invalid_scope" in bad_scope.output


def test_users_list_and_disable() -> None:
    env = {"SUPPORT_AI_NEW_PASSWORD": "long enough"}
    assert (
        runner.invoke(app, ["users", "create", "ops", "--scope", "write"], env=env).exit_code == 0
    )
    assert runner.invoke(app, ["users", "disable", "ops"]).exit_code == 0
    listing = runner.invoke(app, ["users", "list"])
    assert "ops" in listing.output
    assert "yes" in listing.output
    missing = runner.invoke(app, ["users", "disable", "nobody"])
    assert (missing.exit_code, "user_not_found" in missing.output) == (2, True)


def test_serve_announces_the_first_admin_key_once(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = build_context(get_settings())
    try:
        announce_local_admin_key(context.auth)
        first = capsys.readouterr().err
        announce_local_admin_key(context.auth)
        second = capsys.readouterr().err
    finally:
        context.close()
    key_file = data_dir / "admin_api_key"
    key = key_file.read_text().strip()
    assert key in first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert second == ""
