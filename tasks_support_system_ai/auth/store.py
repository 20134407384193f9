"""Users and API keys in the metadata database (no caching here: see ``verifier``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tasks_support_system_ai.auth.key_format import new_key
from tasks_support_system_ai.auth.passwords import dummy_hash, hash_password, verify_password
from tasks_support_system_ai.auth.scopes import Scope, parse_scope
from tasks_support_system_ai.db.models import ApiKey, User, utcnow
from tasks_support_system_ai.errors import ConflictError, InvalidInputError, NotFoundError

USERNAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MAX_KEY_NAME_CHARS: Final = 128


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    scope: str
    disabled: bool
    created_at: datetime

    @classmethod
    def of(cls, row: User) -> UserRecord:
        return cls(row.id, row.username, row.scope, row.disabled, row.created_at)


@dataclass(frozen=True)
class KeyRecord:
    """A key as people see it: never the secret, never its hash."""

    id: str
    name: str
    prefix: str
    scope: str
    kind: str
    user_id: int | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, row: ApiKey) -> KeyRecord:
        return cls(
            row.id, row.name, row.prefix, row.scope, row.kind, row.user_id,
            row.created_at, row.expires_at, row.revoked_at, row.last_used_at,
        )  # fmt: skip


@dataclass(frozen=True)
class StoredKey:
    """What verification needs: the key, its secret's hash and whether its user is disabled."""

    record: KeyRecord
    secret_hash: str
    user_disabled: bool


class AuthStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- users ---

    def create_user(self, username: str, password: str, scope: str = "read") -> UserRecord:
        if not USERNAME.fullmatch(username):
            raise InvalidInputError(
                "A user name has 1 to 64 letters, digits or . _ @ - (starting with a letter"
                " or digit)",
                code="invalid_username",
            )
        row = User(
            username=username,
            password_hash=hash_password(password),
            scope=parse_scope(scope),
            disabled=False,
            created_at=utcnow(),
        )
        with Session(self.engine) as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError as error:
                raise ConflictError(
                    f"User {username!r} already exists", code="user_exists"
                ) from error
            return UserRecord.of(row)

    def users(self, *, limit: int | None = None, offset: int = 0) -> list[UserRecord]:
        query = select(User).order_by(User.id).offset(offset).limit(limit)
        with Session(self.engine) as session:
            return [UserRecord.of(row) for row in session.scalars(query)]

    def user(self, user_id: int) -> UserRecord:
        with Session(self.engine) as session:
            return UserRecord.of(self._user_row(session, user_id))

    def user_named(self, username: str) -> UserRecord:
        with Session(self.engine) as session:
            row = session.scalars(select(User).where(User.username == username[:64])).first()
            if row is None:
                raise NotFoundError(f"No user named {username[:64]!r}", code="user_not_found")
            return UserRecord.of(row)

    def update_user(
        self,
        user_id: int,
        *,
        disabled: bool | None = None,
        scope: str | None = None,
        password: str | None = None,
    ) -> UserRecord:
        """Change a user; disabling one also ends every session and key they hold."""
        with Session(self.engine) as session:
            row = self._user_row(session, user_id)
            if scope is not None:
                row.scope = parse_scope(scope)
            if password is not None:
                row.password_hash = hash_password(password)
            if disabled is not None:
                row.disabled = disabled
            session.commit()
            return UserRecord.of(row)

    def authenticate(self, username: str, password: str) -> UserRecord | None:
        """The enabled user with this name and password, else None (same cost either way)."""
        with Session(self.engine) as session:
            row = session.scalars(select(User).where(User.username == username[:64])).first()
        if row is None:
            verify_password(dummy_hash(), password)
            return None
        if not verify_password(row.password_hash, password) or row.disabled:
            return None
        return UserRecord.of(row)

    @staticmethod
    def _user_row(session: Session, user_id: int) -> User:
        row = session.get(User, user_id)
        if row is None:
            raise NotFoundError(f"No user with id {user_id}", code="user_not_found")
        return row

    # --- keys ---

    def create_key(
        self,
        name: str,
        scope: Scope,
        *,
        expires_at: datetime | None = None,
        user_id: int | None = None,
        kind: str = "key",
    ) -> tuple[KeyRecord, str]:
        """A new key and its plaintext, which is shown once and never stored."""
        name = name.strip()
        if not 0 < len(name) <= MAX_KEY_NAME_CHARS:
            raise InvalidInputError(
                f"A key name has 1 to {MAX_KEY_NAME_CHARS} characters", code="invalid_key_name"
            )
        key = new_key()
        row = ApiKey(
            id=key.id, name=name, prefix=key.prefix, secret_hash=key.secret_hash,
            scope=parse_scope(scope), kind=kind, user_id=user_id, created_at=utcnow(),
            expires_at=expires_at, revoked_at=None, last_used_at=None,
        )  # fmt: skip
        with Session(self.engine) as session:
            session.add(row)
            session.commit()
            return KeyRecord.of(row), key.plaintext

    def api_keys(
        self, *, include_sessions: bool = False, limit: int | None = None, offset: int = 0
    ) -> list[KeyRecord]:
        query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id).offset(offset).limit(limit)
        if not include_sessions:
            query = query.where(ApiKey.kind == "key")
        with Session(self.engine) as session:
            return [KeyRecord.of(row) for row in session.scalars(query)]

    def stored_key(self, key_id: str) -> StoredKey | None:
        with Session(self.engine) as session:
            row = session.get(ApiKey, key_id)
            if row is None:
                return None
            user = session.get(User, row.user_id) if row.user_id is not None else None
            disabled = user is not None and user.disabled
            return StoredKey(KeyRecord.of(row), row.secret_hash, disabled)

    def revoke_key(self, key_id: str) -> KeyRecord:
        with Session(self.engine) as session:
            row = session.get(ApiKey, key_id)
            if row is None:
                raise NotFoundError(f"No API key with id {key_id[:40]!r}", code="key_not_found")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
                session.commit()
            return KeyRecord.of(row)

    def touch_key(self, key_id: str, when: datetime) -> None:
        with Session(self.engine) as session:
            session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))
            session.commit()
