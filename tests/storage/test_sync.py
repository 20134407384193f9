"""MinIO sync: the pure plan, error mapping, and round trips against a real S3 server (moto)."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import urllib3
from minio.datatypes import Object
from minio.error import S3Error
from pydantic import SecretStr

from tasks_support_system_ai.config import S3Settings
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.storage import sync
from tasks_support_system_ai.storage.sync import (
    BucketNotFoundError,
    Direction,
    LocalDirNotFoundError,
    LocalFile,
    Remote,
    RemoteObject,
    S3AuthError,
    Transfer,
    plan_sync,
)

MD5_A = "0" * 32
MD5_B = "1" * 32
T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


# --- the pure plan ----------------------------------------------------------------------------


def test_same_content_uses_md5_etag_then_sha256_metadata() -> None:
    local = LocalFile("k", 3, md5=MD5_A, sha256="s")
    assert sync.same_content(local, RemoteObject("k", 3, MD5_A))
    assert not sync.same_content(local, RemoteObject("k", 3, MD5_B))
    assert not sync.same_content(local, RemoteObject("k", 4, MD5_A))
    assert sync.same_content(local, RemoteObject("k", 3, "abc-2", sha256="s"))
    assert not sync.same_content(local, RemoteObject("k", 3, "abc-2", sha256="other"))
    assert not sync.same_content(local, RemoteObject("k", 3, "abc-2"))  # unknown → copy
    assert not sync.same_content(LocalFile("k", 3), RemoteObject("k", 3, MD5_A))  # not hashed


def test_push_plan_copies_new_and_changed_skips_same_keeps_extra() -> None:
    local = {
        "same": LocalFile("same", 1, md5=MD5_A),
        "changed": LocalFile("changed", 1, md5=MD5_A),
        "new": LocalFile("new", 5),
    }
    remote = {
        "same": RemoteObject("same", 1, MD5_A),
        "changed": RemoteObject("changed", 1, MD5_B),
        "extra": RemoteObject("extra", 1, MD5_A),
    }

    plan = plan_sync(Direction.PUSH, local, remote, new_backup="backups/x/")

    assert plan.copy == (Transfer("changed", 1), Transfer("new", 5))
    assert plan.copy_bytes == 6
    assert plan.skip == ("same",)
    assert plan.delete == ()
    assert plan.kept == ("extra",)
    assert plan.backup == "backups/x/"
    assert plan.backup_keys == ("changed", "extra", "same")
    deleting = plan_sync(Direction.PUSH, local, remote, delete=True)
    assert deleting.delete == ("extra",)
    assert deleting.kept == ()


def test_pull_plan_mirrors_push_and_never_backs_up() -> None:
    local = {"mine": LocalFile("mine", 1), "same": LocalFile("same", 1, md5=MD5_A)}
    remote = {"same": RemoteObject("same", 1, MD5_A), "theirs": RemoteObject("theirs", 7, MD5_B)}

    plan = plan_sync(Direction.PULL, local, remote, delete=True, new_backup="backups/x/")

    assert plan.copy == (Transfer("theirs", 7),)
    assert plan.skip == ("same",)
    assert plan.delete == ("mine",)
    assert plan.backup is None
    assert plan.expire == ()


def test_no_backup_when_nothing_changes_or_bucket_was_empty() -> None:
    files = {"a": LocalFile("a", 1, md5=MD5_A)}
    unchanged = plan_sync(Direction.PUSH, files, {"a": RemoteObject("a", 1, MD5_A)}, new_backup="n")
    first_push = plan_sync(Direction.PUSH, files, {}, new_backup="n")

    assert not unchanged.changes_files
    assert unchanged.backup is None
    assert unchanged.backup_keys == ()
    assert first_push.copy
    assert first_push.backup is None


def test_retention_expires_oldest_but_never_the_new_backup() -> None:
    old = [sync.backup_name(T0 + timedelta(hours=h)) for h in range(5)]
    new = sync.backup_name(T0 + timedelta(days=1))
    local = {"a": LocalFile("a", 2)}
    remote = {"a": RemoteObject("a", 1, MD5_A)}

    plan = plan_sync(Direction.PUSH, local, remote, backups=old, keep_backups=3, new_backup=new)
    assert plan.backup == new
    assert plan.expire == tuple(old[:3])

    skewed = sync.backup_name(T0 - timedelta(days=1))  # a client clock behind the others
    plan = plan_sync(Direction.PUSH, local, remote, backups=old, keep_backups=1, new_backup=skewed)
    assert skewed not in plan.expire
    assert plan.expire == tuple(old[:4])

    with pytest.raises(InvalidInputError):
        plan_sync(Direction.PUSH, local, remote, keep_backups=0)


def test_backup_names_are_utc_and_sort_by_time() -> None:
    name = sync.backup_name(datetime(2025, 3, 4, 5, 6, 7, 89, tzinfo=UTC))
    assert name == "backups/20250304T050607.000089Z/"
    later = sync.backup_name(datetime(2025, 3, 4, 6, 0, tzinfo=UTC) + timedelta(hours=1))
    assert sorted([later, name]) == [name, later]


@pytest.mark.parametrize("prefix", ["backups/", "backups/2025/", "a/../b", "../x"])
def test_prefix_cannot_reach_backups_or_escape(prefix: str) -> None:
    with pytest.raises(InvalidInputError):
        sync.normalise_prefix(prefix)
    assert sync.normalise_prefix("/demo/") == "demo/"


def test_scan_local_skips_temp_files_backups_and_exclusions(tmp_path: Path) -> None:
    for rel in ["a.txt", "demo/b.csv", "demo/.tmp-x", "c.bin.etag.part.minio", "backups/old/a.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"12")
    (tmp_path / "support_ai.db").write_bytes(b"db")

    assert list(sync.scan_local(tmp_path)) == ["a.txt", "support_ai.db", "demo/b.csv"]
    assert list(sync.scan_local(tmp_path, exclude=["*.db"])) == ["a.txt", "demo/b.csv"]
    assert sync.scan_local(tmp_path, "demo/") == {"demo/b.csv": LocalFile("demo/b.csv", 2)}


# --- error mapping, with a fake client raising the SDK's real errors -------------------------


class FakeClient:
    """Just enough of ``Minio`` for planning; ``error`` is raised from ``bucket_exists``."""

    def __init__(self, error: Exception | None = None, objects: list[Object] | None = None):
        self.error = error
        self.objects = objects or []

    def bucket_exists(self, bucket: str) -> bool:
        if self.error:
            raise self.error
        return True

    def list_objects(self, bucket: str, **_: Any) -> list[Object]:
        return self.objects


def s3_error(code: str, status: int = 403) -> S3Error:
    response = urllib3.HTTPResponse(body=b"", status=status)
    return S3Error(response, code, f"{code} message", "/bucket", "req", "host")


def fake_remote(client: FakeClient) -> Remote:
    return Remote(client, "bucket", "http://s3.example:9000")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "code", ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken"]
)
def test_credential_errors_map_to_s3_auth_failed(code: str, tmp_path: Path) -> None:
    with pytest.raises(S3AuthError) as caught:
        sync.plan_pull(fake_remote(FakeClient(s3_error(code))), tmp_path)
    assert caught.value.code == "s3_auth_failed"
    assert code in caught.value.message
    assert "http://s3.example:9000" in caught.value.message


def test_other_s3_errors_keep_their_code(tmp_path: Path) -> None:
    with pytest.raises(sync.SyncError) as caught:
        sync.plan_pull(fake_remote(FakeClient(s3_error("InternalError", 500))), tmp_path)
    assert caught.value.code == "s3_error"
    assert "InternalError" in caught.value.message


def test_pull_refuses_keys_that_would_escape_the_folder(tmp_path: Path) -> None:
    evil = Object("bucket", "../outside.txt", etag=MD5_A, size=1)
    with pytest.raises(InvalidInputError, match="outside"):
        sync.plan_pull(fake_remote(FakeClient(objects=[evil])), tmp_path / "data")


@pytest.mark.parametrize(
    ("endpoint", "code"),
    [(None, "s3_not_configured"), ("ftp://host:21", "invalid_endpoint")],
)
def test_connect_rejects_bad_configuration(endpoint: str | None, code: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        sync.connect(S3Settings(endpoint=endpoint))
    assert caught.value.code == code


def test_connect_takes_tls_from_the_url_scheme() -> None:
    assert sync.connect(S3Settings(endpoint="https://h:9000")).endpoint == "https://h:9000"
    assert sync.connect(S3Settings(endpoint="h:9000", secure=True)).endpoint == "https://h:9000"


# --- round trips against a real S3 server ------------------------------------------------------


@pytest.fixture
def remote(s3_endpoint: str) -> Remote:
    settings = S3Settings(
        endpoint=s3_endpoint,
        bucket=f"sync-{uuid.uuid4().hex[:10]}",
        access_key="test",
        secret_key=SecretStr("testtest"),
    )
    made = sync.connect(settings)
    made.client.make_bucket(made.bucket)
    return made


def write(root: Path, files: dict[str, bytes]) -> None:
    for key, content in files.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(content)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def push(
    remote: Remote, root: Path, at: datetime = T0, **options: Any
) -> tuple[sync.SyncPlan, sync.SyncReport]:
    plan = sync.plan_push(remote, root, now=at, **options)
    return plan, sync.apply_plan(remote, root, plan)


def pull(remote: Remote, root: Path, **options: Any) -> tuple[sync.SyncPlan, sync.SyncReport]:
    plan = sync.plan_pull(remote, root, **options)
    return plan, sync.apply_plan(remote, root, plan)


def test_the_job_queue_folder_is_never_synced(tmp_path: Path) -> None:
    """The embedded broker's messages and worker control files are one machine's state."""
    for rel in ["demo/b.csv", "jobs/control/worker.pidbox", "jobs/queue/msg.json", "objects/m"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"12")
    assert list(sync.scan_local(tmp_path)) == ["demo/b.csv", "objects/m"]
    assert sync.scan_local(tmp_path, "jobs/") == {}


def bucket_keys(remote: Remote) -> list[str]:
    listing = remote.client.list_objects(remote.bucket, recursive=True)
    return sorted(o.object_name for o in listing)


BIG = os.urandom(6 * 1024 * 1024)  # > 5 MiB: minio uploads it in parts (ETag "…-2")
FILES = {"a.txt": b"alpha", "demo/b.csv": b"x,y\n1,2\n", "demo/deep/c.bin": bytes(range(256))}


def test_push_then_pull_gives_identical_bytes_and_repeats_skip_all(
    remote: Remote, tmp_path: Path
) -> None:
    source, copy = tmp_path / "source", tmp_path / "copy"
    write(source, {**FILES, "big.parquet": BIG})
    seen: list[tuple[str, int]] = []

    _, first = push(remote, source)
    plan, downloaded = pull(remote, copy)
    sync.apply_plan(remote, copy, plan, progress=lambda key, n: seen.append((key, n)))

    assert (first.copied, first.skipped, first.backup) == (4, 0, None)
    assert downloaded.copied == 4
    assert tree(copy) == tree(source)
    assert sum(n for _, n in seen) == len(BIG) + sum(map(len, FILES.values()))
    etag = remote.client.stat_object(remote.bucket, "big.parquet").etag or ""
    assert "-" in etag  # uploaded in parts, so the skip relied on the sha256 metadata

    again, report = push(remote, source, T0 + timedelta(minutes=1))
    assert again.copy == ()
    assert (report.copied, report.skipped, report.backup) == (0, 4, None)
    assert sync.list_backups(remote) == []
    assert pull(remote, copy)[1].skipped == 4


def test_changed_file_is_backed_up_and_retention_keeps_n(remote: Remote, tmp_path: Path) -> None:
    root = tmp_path / "data"
    keep = 2
    for i in range(keep + 2):  # first push: empty bucket, nothing to back up
        write(root, {"a.txt": f"version {i}".encode(), "same.txt": b"same"})
        _, report = push(remote, root, T0 + timedelta(minutes=i), keep_backups=keep)
        assert (report.copied, report.skipped) == ((2, 0) if i == 0 else (1, 1))

    backups = sync.list_backups(remote)
    assert backups == [sync.backup_name(T0 + timedelta(minutes=i)) for i in (2, 3)]
    last = remote.client.get_object(remote.bucket, f"{backups[-1]}a.txt")
    assert last.read() == b"version 2"  # the state before the last push
    assert bucket_keys(remote).count(f"{backups[0]}same.txt") == 1

    fresh = tmp_path / "fresh"
    pull(remote, fresh)
    assert tree(fresh) == {"a.txt": b"version 3", "same.txt": b"same"}  # backups never pulled


def test_planning_changes_nothing(remote: Remote, tmp_path: Path) -> None:
    root = tmp_path / "data"
    write(root, FILES)
    push(remote, root)
    write(root, {"a.txt": b"changed", "new.txt": b"n"})
    before = bucket_keys(remote)

    plan = sync.plan_push(remote, root, delete=True, now=T0 + timedelta(hours=1))
    pulled = sync.plan_pull(remote, tmp_path / "elsewhere", delete=True)

    assert plan.backup is not None
    assert [t.key for t in plan.copy] == ["a.txt", "new.txt"]
    assert len(pulled.copy) == 3
    assert bucket_keys(remote) == before
    assert not (tmp_path / "elsewhere").exists()


def test_delete_is_opt_in_both_ways(remote: Remote, tmp_path: Path) -> None:
    root, other = tmp_path / "data", tmp_path / "other"
    write(root, FILES)
    push(remote, root)
    (root / "a.txt").unlink()
    write(other, {"local-only/x.txt": b"x"})

    assert push(remote, root, T0 + timedelta(minutes=1))[1].deleted == 0
    assert "a.txt" in bucket_keys(remote)
    _, report = push(remote, root, T0 + timedelta(minutes=2), delete=True)
    assert report.deleted == 1
    assert report.backup is not None  # a delete is a change: the old a.txt is kept in the backup
    assert "a.txt" not in [k for k in bucket_keys(remote) if not k.startswith("backups/")]

    assert pull(remote, other)[1].deleted == 0
    assert (other / "local-only/x.txt").exists()
    assert pull(remote, other, delete=True)[1].deleted == 1
    assert not (other / "local-only").exists()  # emptied folders go too
    assert tree(other) == tree(root)


def test_prefix_limits_both_directions(remote: Remote, tmp_path: Path) -> None:
    root = tmp_path / "data"
    write(root, FILES)
    _, report = push(remote, root, prefix="demo/")
    assert report.copied == 2
    assert bucket_keys(remote) == ["demo/b.csv", "demo/deep/c.bin"]

    fresh = tmp_path / "fresh"
    write(fresh, {"a.txt": b"untouched"})
    pull(remote, fresh, prefix="demo/deep/", delete=True)
    assert tree(fresh) == {"a.txt": b"untouched", "demo/deep/c.bin": FILES["demo/deep/c.bin"]}


def test_missing_bucket_and_folder_are_domain_errors(remote: Remote, tmp_path: Path) -> None:
    with pytest.raises(LocalDirNotFoundError):
        sync.plan_push(remote, tmp_path / "missing")
    gone = Remote(remote.client, f"gone-{uuid.uuid4().hex[:8]}", remote.endpoint)
    with pytest.raises(BucketNotFoundError, match=gone.bucket):
        sync.plan_pull(gone, tmp_path)
    write(tmp_path / "data", {"a": b"1"})
    plan = sync.plan_push(gone, tmp_path / "data", create_bucket=True)
    assert plan.create_bucket
    assert not remote.client.bucket_exists(gone.bucket)  # planning did not create it
    sync.apply_plan(gone, tmp_path / "data", plan)
    assert bucket_keys(gone) == ["a"]
