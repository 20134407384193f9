"""``support-ai users ...`` and ``support-ai keys ...``: the first admin, and keys for automation.

They work on the database directly (like ``data``), so they also work before the API runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tasks_support_system_ai.auth import AuthService
from tasks_support_system_ai.cli.data import fail
from tasks_support_system_ai.config import get_settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.errors import SupportAIError

users_app = typer.Typer(help="Dashboard users (argon2id passwords).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
console = Console()

ScopeOption = Annotated[str, typer.Option(help="read, write or admin")]
Password = Annotated[
    str,
    typer.Option(
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="SUPPORT_AI_NEW_PASSWORD",
        help="asked for when not given by SUPPORT_AI_NEW_PASSWORD",
    ),
]


@contextmanager
def _auth() -> Iterator[AuthService]:
    context = build_context(get_settings())
    try:
        yield context.auth
    except SupportAIError as exc:
        raise fail(exc) from None
    finally:
        context.close()


@users_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="user name")] = "admin",
    password: Password = "",
) -> None:
    """Create a user with the admin scope (the dashboard's first sign-in)."""
    with _auth() as auth:
        user = auth.store.create_user(username, password, "admin")
    console.print(f"admin user {user.username!r} created (id {user.id})")


@users_app.command("create")
def create_user(
    username: Annotated[str, typer.Argument(help="user name")],
    scope: ScopeOption = "read",
    password: Password = "",
) -> None:
    """Create a user who signs in to the dashboard with this scope."""
    with _auth() as auth:
        user = auth.store.create_user(username, password, scope)
    console.print(f"user {user.username!r} created with scope {user.scope} (id {user.id})")


@users_app.command("list")
def list_users() -> None:
    with _auth() as auth:
        users = auth.store.users()
    table = Table("id", "user", "scope", "disabled", "created")
    for user in users:
        table.add_row(
            str(user.id), user.username, user.scope, "yes" if user.disabled else "",
            f"{user.created_at:%Y-%m-%d %H:%M}",
        )  # fmt: skip
    console.print(table)


@users_app.command("disable")
def disable_user(username: str, enable: bool = typer.Option(False, help="enable instead")) -> None:
    """Disable a user (their sessions and keys stop working), or ``--enable`` them again."""
    with _auth() as auth:
        user = auth.update_user(auth.store.user_named(username).id, disabled=not enable)
    console.print(f"user {user.username!r} {'disabled' if user.disabled else 'enabled'}")


@keys_app.command("create")
def create_key(
    name: Annotated[str, typer.Option(help="what the key is for")] = "automation",
    scope: ScopeOption = "read",
    expires_in_days: Annotated[
        float | None, typer.Option(help="expire after this many days [default: never]")
    ] = None,
) -> None:
    """Create a key; it is printed once (only its hash is stored)."""
    with _auth() as auth:
        record, key = auth.create_key(name, scope, expires_in_days=expires_in_days)
    console.print(f"key {record.prefix} ({record.scope}) created; shown only this once:")
    typer.echo(key)


@keys_app.command("list")
def list_keys(
    sessions: Annotated[bool, typer.Option(help="also list dashboard sessions")] = False,
) -> None:
    with _auth() as auth:
        keys = auth.store.api_keys(include_sessions=sessions)
    table = Table("name", "scope", "kind", "expires", "revoked", "last used")
    table.add_column("key prefix", no_wrap=True)
    for key in keys:
        table.add_row(
            key.name, key.scope, key.kind, _when(key.expires_at),
            _when(key.revoked_at), _when(key.last_used_at), key.prefix,
        )  # fmt: skip
    console.print(table)


@keys_app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="the prefix shown by `keys list` (or its id)")],
) -> None:
    with _auth() as auth:
        record = auth.revoke_key(key_id.removeprefix("sai_"))
    console.print(f"key {record.prefix} revoked")


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else ""
