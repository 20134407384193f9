"""Users, API keys and sign-in as the API shows them (never a password or a stored hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from tasks_support_system_ai.auth import KeyRecord, UserRecord

ScopeName = Literal["read", "write", "admin"]


class UserOut(BaseModel):
    id: int
    username: str
    scope: str
    disabled: bool
    created_at: datetime

    @classmethod
    def of(cls, user: UserRecord) -> UserOut:
        return cls(**user.__dict__)


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64, examples=["ops-lead"])
    password: str = Field(min_length=8, max_length=1024)
    scope: ScopeName = "read"


class UserUpdate(BaseModel):
    disabled: bool | None = None
    scope: ScopeName | None = None
    password: str | None = Field(None, min_length=8, max_length=1024)


class KeyOut(BaseModel):
    id: str
    name: str
    prefix: str = Field(description="the key's first characters, to tell keys apart")
    scope: str
    kind: str = Field(description="'key' (made by an admin) or 'session' (a sign-in)")
    user_id: int | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: KeyRecord) -> KeyOut:
        return cls(**key.__dict__)


class KeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=128, examples=["nightly labeling"])
    scope: ScopeName = "read"
    expires_in_days: float | None = Field(None, gt=0, le=3650)


class NewKeyOut(BaseModel):
    key: KeyOut
    api_key: str = Field(description="the secret key: shown this once, store it now")


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class LoginOut(BaseModel):
    api_key: str = Field(description="a session key: send it as X-API-Key until it expires")
    expires_at: datetime | None
    scope: str
    username: str


class WhoAmI(BaseModel):
    authenticated: bool
    scope: str | None = Field(description="the key's scope; null for an anonymous reader")
    key_prefix: str | None = None
    key_name: str | None = None
    kind: str | None = None
    user_id: int | None = None
    auth_enabled: bool
    public_reads: bool
