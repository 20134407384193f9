"""Users and keys as stored: hashes only, scopes, expiry, revocation, disabling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tasks_support_system_ai.auth import AuthService, AuthStore
from tasks_support_system_ai.auth.key_format import split_key
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.db import make_engine, migrate
from tasks_support_system_ai.db.models import ApiKey, User
from tasks_support_system_ai.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
)


def test_key_is_shown_once_and_only_its_hash_is_stored(auth: AuthService) -> None:
    record, key = auth.create_key("ci", "write")

    key_id, secret = split_key(key) or ("", "")
    assert key.startswith(f"sai_{record.id}_")
    assert key_id == record.id
    assert record.prefix == f"sai_{record.id}"
    with Session(auth.store.engine) as session:
        row = session.scalars(select(ApiKey)).one()
        dump = " ".join(
            str(value) for value in session.execute(text("SELECT * FROM api_keys")).one()
        )
    assert secret not in dump
    assert key not in dump
    assert len(row.secret_hash) == 64
    assert auth.verifier.verify(key).scope == "write"


def test_wrong_secret_unknown_id_and_garbage_are_all_invalid(auth: AuthService) -> None:
    _, key = auth.create_key("ci", "read")
    key_id = split_key(key)[0]  # type: ignore[index]
    for bad in [
        key[:-1] + ("A" if key[-1] != "A" else "B"),
        f"sai_{'0' * 12}_x",
        "nonsense",
        "x" * 500,
    ]:
        with pytest.raises(AuthenticationError) as caught:
            auth.verifier.load(bad)
        assert caught.value.code == "invalid_api_key"
        assert bad not in caught.value.message
    assert key_id  # the valid key's id alone does not open anything


def test_passwords_are_argon2id_and_checked(auth: AuthService) -> None:
    user = auth.store.create_user("ops", "correct horse", "write")
    with Session(auth.store.engine) as session:
        stored = session.scalars(select(User)).one().password_hash
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert auth.store.authenticate("ops", "correct horse") == user
    assert auth.store.authenticate("ops", "wrong horse!") is None
    assert auth.store.authenticate("nobody", "correct horse") is None


def test_user_rules(auth: AuthService) -> None:
    auth.store.create_user("ops", "long enough")
    with pytest.raises(ConflictError):
        auth.store.create_user("ops", "long enough")
    with pytest.raises(InvalidInputError) as weak:
        auth.store.create_user("other", "short")
    assert weak.value.code == "weak_password"
    with pytest.raises(InvalidInputError) as bad_name:
        auth.store.create_user("../etc", "long enough")
    assert bad_name.value.code == "invalid_username"
    with pytest.raises(InvalidInputError) as bad_scope:
        auth.store.create_user("third", "long enough", "root")
    assert bad_scope.value.code == "invalid_scope"


def test_sign_in_gives_a_session_key_with_the_user_scope(auth: AuthService) -> None:
    auth.store.create_user("ops", "correct horse", "write")
    record, key, user = auth.sign_in("ops", "correct horse")

    principal = auth.verifier.verify(key)
    assert (principal.scope, principal.kind, principal.user_id) == ("write", "session", user.id)
    assert record.expires_at is not None
    assert record.expires_at > datetime.now(UTC)
    with pytest.raises(AuthenticationError) as wrong:
        auth.sign_in("ops", "wrong horse!")
    assert wrong.value.code == "invalid_credentials"


def test_disabling_a_user_ends_their_sessions_and_sign_in(auth: AuthService) -> None:
    user = auth.store.create_user("ops", "correct horse", "write")
    _, key, _ = auth.sign_in("ops", "correct horse")
    auth.verifier.verify(key)

    auth.update_user(user.id, disabled=True)

    with pytest.raises(AuthenticationError) as caught:
        auth.verifier.verify(key)
    assert caught.value.code == "user_disabled"
    with pytest.raises(AuthenticationError):
        auth.sign_in("ops", "correct horse")
    auth.update_user(user.id, disabled=False)
    assert auth.verifier.verify(key).user_id == user.id


def test_revoked_and_expired_keys_are_refused(auth: AuthService) -> None:
    record, key = auth.create_key("ci", "admin")
    auth.verifier.verify(key)
    auth.revoke_key(record.id)
    with pytest.raises(AuthenticationError) as revoked:
        auth.verifier.verify(key)
    assert revoked.value.code == "api_key_revoked"

    _, old = auth.store.create_key(
        "old", "admin", expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    with pytest.raises(AuthenticationError) as expired:
        auth.verifier.verify(old)
    assert expired.value.code == "api_key_expired"
    with pytest.raises(InvalidInputError):
        auth.create_key("ci", "write", expires_in_days=-1)


def test_key_listing_hides_sessions_unless_asked(auth: AuthService) -> None:
    auth.create_key("ci", "read")
    auth.store.create_user("ops", "correct horse")
    auth.sign_in("ops", "correct horse")
    assert [k.kind for k in auth.store.api_keys()] == ["key"]
    assert sorted(k.kind for k in auth.store.api_keys(include_sessions=True)) == ["key", "session"]


def test_keys_and_users_on_postgresql(postgres_url: str, settings: Settings) -> None:
    engine = make_engine(postgres_url)
    migrate(engine)
    try:
        auth = AuthService(settings, AuthStore(engine))
        record, key = auth.create_key("pg", "write")
        assert auth.verifier.verify(key).key_id == record.id
        user = auth.store.create_user(f"pg-{record.id}", "long enough", "admin")
        with pytest.raises(ConflictError):
            auth.store.create_user(user.username, "long enough")
        auth.revoke_key(record.id)
        with pytest.raises(AuthenticationError):
            auth.verifier.verify(key)
    finally:
        engine.dispose()
