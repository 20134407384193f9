"""User and API-key management (scope ``admin``; enforced by the auth middleware)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool

from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.api.schemas.auth import (
    KeyCreate,
    KeyOut,
    NewKeyOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES, ErrorResponse

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)
NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "No such user or key"},
}
KeyId = Annotated[str, Path(min_length=1, max_length=32)]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Limit = Annotated[int, Query(ge=1, le=1000, description="at most this many")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="skip this many")]


@router.get("/users", response_model=list[UserOut])
def list_users(context: ContextDep, limit: Limit = 100, offset: Offset = 0) -> list[UserOut]:
    """Users in creation order, a page at a time."""
    users = context.auth.store.users(limit=limit, offset=offset)
    return [UserOut.of(user) for user in users]


@router.post(
    "/users",
    response_model=UserOut,
    status_code=201,
    responses={409: {"model": ErrorResponse, "description": "The user name is taken"}},
)
def create_user(context: ContextDep, body: UserCreate) -> UserOut:
    """A dashboard user; the password is stored as an argon2id hash."""
    return UserOut.of(context.auth.store.create_user(body.username, body.password, body.scope))


@router.patch("/users/{user_id}", response_model=UserOut, responses=NOT_FOUND)
def update_user(context: ContextDep, user_id: UserId, body: UserUpdate) -> UserOut:
    """Disable or enable a user (a disabled user's sessions stop working), change scope or
    password."""
    user = context.auth.update_user(
        user_id, disabled=body.disabled, scope=body.scope, password=body.password
    )
    return UserOut.of(user)


@router.get("/keys", response_model=list[KeyOut])
def list_keys(
    context: ContextDep, include_sessions: bool = False, limit: Limit = 100, offset: Offset = 0
) -> list[KeyOut]:
    """Keys in creation order with their prefix, scope, expiry and last use; never the secret."""
    store = context.auth.store
    keys = store.api_keys(include_sessions=include_sessions, limit=limit, offset=offset)
    return [KeyOut.of(key) for key in keys]


@router.post("/keys", response_model=NewKeyOut, status_code=201)
async def create_key(context: ContextDep, body: KeyCreate) -> NewKeyOut:
    """A new key; the response is the only time its secret is shown."""
    record, key = await run_in_threadpool(
        context.auth.create_key, body.name, body.scope, expires_in_days=body.expires_in_days
    )
    return NewKeyOut(key=KeyOut.of(record), api_key=key)


@router.delete("/keys/{key_id}", response_model=KeyOut, responses=NOT_FOUND)
def revoke_key(context: ContextDep, key_id: KeyId) -> KeyOut:
    """Revoke a key now (other API processes stop accepting it within the cache TTL)."""
    return KeyOut.of(context.auth.revoke_key(key_id))
