"""Both object-store backends behave the same; S3 runs against a real HTTP server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from minio import Minio

from tasks_support_system_ai.config import S3Settings, Settings
from tasks_support_system_ai.errors import InvalidInputError, NotFoundError
from tasks_support_system_ai.storage import (
    LocalObjectStore,
    ObjectStore,
    object_store_from_settings,
)
from tasks_support_system_ai.storage.s3 import S3ObjectStore


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    endpoint = request.getfixturevalue("s3_endpoint")
    client = Minio(endpoint, access_key="test", secret_key="testtest", secure=False)
    return S3ObjectStore(client, f"bucket-{uuid.uuid4().hex[:8]}")


def test_round_trip_bytes_and_files(store: ObjectStore, tmp_path: Path) -> None:
    store.put_bytes("datasets/a/1.bin", b"hello")
    source = tmp_path / "source.txt"
    source.write_text("from file")
    store.put_file("datasets/b/2.txt", source)

    assert store.get_bytes("datasets/a/1.bin") == b"hello"
    store.download("datasets/b/2.txt", tmp_path / "out" / "copy.txt")
    assert (tmp_path / "out" / "copy.txt").read_text() == "from file"
    assert store.list() == ["datasets/a/1.bin", "datasets/b/2.txt"]
    assert store.list("datasets/b") == ["datasets/b/2.txt"]


def test_overwrite_exists_and_delete(store: ObjectStore) -> None:
    store.put_bytes("k", b"1")
    store.put_bytes("k", b"2")
    assert store.get_bytes("k") == b"2"
    assert store.exists("k")
    store.delete("k")
    assert not store.exists("k")
    assert store.list() == []


def test_missing_object_is_not_found(store: ObjectStore, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        store.get_bytes("nope")
    with pytest.raises(NotFoundError):
        store.download("nope", tmp_path / "x")


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b", "./a"])
def test_unsafe_keys_are_rejected(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidInputError):
        store.put_bytes(key, b"x")


def test_local_store_leaves_no_temp_files(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    store.put_bytes("a/b", b"x" * 1000)
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b"]


def test_settings_pick_backend(tmp_path: Path, s3_endpoint: str) -> None:
    local = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert isinstance(object_store_from_settings(local), LocalObjectStore)
    s3 = S3Settings(endpoint=s3_endpoint, access_key="a", secret_key="bbbbbbbb", bucket="cfg")  # type: ignore[arg-type]
    remote = Settings(data_dir=tmp_path, s3=s3, _env_file=None)  # type: ignore[call-arg]
    store = object_store_from_settings(remote)
    assert isinstance(store, S3ObjectStore)
    store.put_bytes("x", b"y")
    assert store.get_bytes("x") == b"y"


@pytest.mark.parametrize("form", ["{host}", "http://{host}", "http://{host}/"])
def test_object_store_accepts_host_port_and_url_endpoints(
    tmp_path: Path, s3_endpoint: str, form: str
) -> None:
    """The compose setup writes ``SUPPORT_AI_S3_ENDPOINT=http://minio:9000``."""
    endpoint = form.format(host=s3_endpoint)
    s3 = S3Settings(endpoint=endpoint, access_key="a", secret_key="bbbbbbbb", bucket="forms")  # type: ignore[arg-type]
    settings = Settings(data_dir=tmp_path, s3=s3, _env_file=None)  # type: ignore[call-arg]
    store = object_store_from_settings(settings)
    store.put_bytes(f"k-{len(form)}", form.encode())
    assert store.get_bytes(f"k-{len(form)}") == form.encode()


@pytest.mark.parametrize("endpoint", ["ftp://host:21", "http://host:9000/path", "http://"])
def test_object_store_rejects_endpoints_that_are_not_a_server(
    tmp_path: Path, endpoint: str
) -> None:
    s3 = S3Settings(endpoint=endpoint, access_key="a", secret_key="bbbbbbbb")  # type: ignore[arg-type]
    settings = Settings(data_dir=tmp_path, s3=s3, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(InvalidInputError) as error:
        object_store_from_settings(settings)
    assert error.value.code == "invalid_endpoint"
