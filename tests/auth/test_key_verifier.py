"""Cached verification: a hit reads nothing; TTL, revocation, expiry and last-used writes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tasks_support_system_ai.auth import AuthService, AuthStore, KeyVerifier
from tasks_support_system_ai.auth.store import StoredKey
from tasks_support_system_ai.errors import AuthenticationError


class CountingStore(AuthStore):
    """The real store, counting how often verification reads and writes the database."""

    reads = 0
    touches = 0

    def stored_key(self, key_id: str) -> StoredKey | None:
        self.reads += 1
        return super().stored_key(key_id)

    def touch_key(self, key_id: str, when: datetime) -> None:
        self.touches += 1
        super().touch_key(key_id, when)


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(auth: AuthService) -> CountingStore:
    return CountingStore(auth.store.engine)


def test_a_cached_key_reads_nothing_until_the_ttl_ends(store: CountingStore) -> None:
    _, key = store.create_key("ci", "read")
    clock = Clock()
    verifier = KeyVerifier(store, ttl_s=5, touch_every_s=60, clock=clock)

    assert verifier.cached(key) is None
    verifier.load(key)
    for _ in range(100):
        assert verifier.cached(key) is not None
    assert store.reads == 1
    clock.now += 5
    assert verifier.cached(key) is None  # stale: the caller loads it again
    verifier.verify(key)
    assert store.reads == 2


def test_bad_keys_are_cached_too(store: CountingStore) -> None:
    verifier = KeyVerifier(store, ttl_s=5, touch_every_s=60, clock=Clock())
    bad = "sai_0123456789ab_not-a-secret"
    for _ in range(20):
        with pytest.raises(AuthenticationError):
            verifier.verify(bad)
    assert store.reads == 1


def test_revocation_elsewhere_takes_effect_after_the_ttl(store: CountingStore) -> None:
    record, key = store.create_key("ci", "write")
    clock = Clock()
    other_process = KeyVerifier(store, ttl_s=5, touch_every_s=60, clock=clock)
    other_process.verify(key)

    store.revoke_key(record.id)

    assert other_process.verify(key).key_id == record.id  # still cached
    clock.now += 5.1
    with pytest.raises(AuthenticationError):
        other_process.verify(key)


def test_expiry_is_checked_on_every_request_even_when_cached(store: CountingStore) -> None:
    _, key = store.create_key(
        "short", "read", expires_at=datetime.now(UTC) + timedelta(seconds=0.3)
    )
    verifier = KeyVerifier(store, ttl_s=3600, touch_every_s=60)
    verifier.verify(key)
    time.sleep(0.4)
    with pytest.raises(AuthenticationError) as caught:
        verifier.verify(key)
    assert caught.value.code == "api_key_expired"


def test_last_used_is_written_at_most_every_interval(store: CountingStore) -> None:
    record, key = store.create_key("ci", "read")
    clock = Clock()
    verifier = KeyVerifier(store, ttl_s=5, touch_every_s=60, clock=clock)
    principal = verifier.verify(key)
    due = [verifier.due_for_touch(principal) for _ in range(50)]
    assert due == [True] + [False] * 49
    verifier.touch(principal)
    clock.now += 60
    assert verifier.due_for_touch(principal)
    listed = next(k for k in store.api_keys() if k.id == record.id)
    assert listed.last_used_at is not None
    assert store.touches == 1
