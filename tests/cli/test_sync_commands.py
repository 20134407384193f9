"""``support-ai minio-sync pull/push`` end to end against a real S3 server (moto)."""

from __future__ import annotations

import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from minio import Minio
from typer.testing import CliRunner

from tasks_support_system_ai.cli.main import app
from tasks_support_system_ai.config import get_settings

runner = CliRunner()
FILES = {"a.txt": b"alpha", "demo/b.csv": b"x,y\n1,2\n"}


@pytest.fixture
def bucket(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh bucket, configured through the environment like a real deployment."""
    name = f"cli-{uuid.uuid4().hex[:10]}"
    Minio(s3_endpoint, access_key="test", secret_key="testtest", secure=False).make_bucket(name)
    for var, value in {
        "DATA_DIR": str(tmp_path / "data"),
        "S3_ENDPOINT": s3_endpoint,
        "S3_BUCKET": name,
        "S3_ACCESS_KEY": "test",
        "S3_SECRET_KEY": "testtest",
    }.items():
        monkeypatch.setenv(f"SUPPORT_AI_{var}", value)
    get_settings.cache_clear()
    yield name
    get_settings.cache_clear()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for key, content in FILES.items():
        (tmp_path / "data" / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / key).write_bytes(content)
    return tmp_path / "data"


def sync(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["minio-sync", *args])
    return result.exit_code, result.output


def keys(s3_endpoint: str, bucket: str) -> list[str]:
    client = Minio(s3_endpoint, access_key="test", secret_key="testtest", secure=False)
    return sorted(o.object_name for o in client.list_objects(bucket, recursive=True))


def assert_one_line_error(code: int, output: str, error_code: str) -> None:
    assert code == 2, output
    assert output.strip().splitlines() == [output.strip()]
    assert output.startswith(f"error [{error_code}] ")
    assert "Traceback" not in output


def test_push_then_pull_round_trip(bucket: str, data_dir: Path, tmp_path: Path) -> None:
    code, pushed = sync("push")  # with progress bars
    code_again, again = sync("push", "-q")
    code_pull, pulled = sync("pull", "--dir", str(tmp_path / "copy"), "--quiet")

    assert code == 0, pushed
    assert "2 uploaded" in pushed
    assert code_again == 0
    assert "0 uploaded (0 B), 2 unchanged skipped, 0 deleted" in again
    assert "backup" not in again
    assert code_pull == 0, pulled
    assert "2 downloaded" in pulled
    for key, content in FILES.items():
        assert (tmp_path / "copy" / key).read_bytes() == content


def test_push_backs_up_and_dry_run_changes_nothing(
    bucket: str, data_dir: Path, s3_endpoint: str
) -> None:
    assert sync("push", "-q")[0] == 0
    (data_dir / "a.txt").write_bytes(b"changed")
    before = keys(s3_endpoint, bucket)

    code, plan = sync("push", "--dry-run", "--delete")

    assert code == 0, plan
    assert "upload   a.txt" in plan
    assert "backup   2 object(s) → backups/" in plan
    assert "Dry run: nothing was changed." in plan
    assert keys(s3_endpoint, bucket) == before

    code, pushed = sync("push", "-q", "--keep-backups", "1")
    assert code == 0, pushed
    assert "1 uploaded" in pushed
    assert "; backup backups/" in pushed
    assert sum(k.startswith("backups/") for k in keys(s3_endpoint, bucket)) == 2


def test_pull_with_delete_removes_local_only_files(bucket: str, data_dir: Path) -> None:
    assert sync("push", "-q")[0] == 0
    (data_dir / "mine.txt").write_bytes(b"local only")

    assert "0 deleted" in sync("pull", "-q")[1]
    code, output = sync("pull", "-q", "--delete")

    assert code == 0, output
    assert "1 deleted" in output
    assert not (data_dir / "mine.txt").exists()


def test_missing_bucket_is_named(bucket: str, data_dir: Path) -> None:
    code, output = sync("pull", "--bucket", "no-such-bucket-here")
    assert_one_line_error(code, output, "s3_bucket_not_found")
    assert "'no-such-bucket-here'" in output


def test_missing_local_folder(bucket: str, tmp_path: Path) -> None:
    code, output = sync("push", "--dir", str(tmp_path / "nowhere"))
    assert_one_line_error(code, output, "local_dir_not_found")


def test_unreachable_endpoint_fails_fast(bucket: str) -> None:
    started = time.monotonic()
    code, output = sync("pull", "--endpoint", "http://127.0.0.1:1")
    assert_one_line_error(code, output, "s3_unreachable")
    assert "http://127.0.0.1:1" in output
    assert time.monotonic() - started < 10


def test_no_endpoint_configured(bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPORT_AI_S3_ENDPOINT")
    get_settings.cache_clear()
    assert_one_line_error(*sync("pull"), "s3_not_configured")


@pytest.fixture
def moto_checks_credentials(s3_endpoint: str) -> Iterator[None]:
    """moto accepts any key until told otherwise; then only IAM keys it knows (none) pass."""

    def reset_auth(count: str) -> None:
        request = urllib.request.Request(
            f"http://{s3_endpoint}/moto-api/reset-auth",
            data=count.encode(),
            headers={"Content-Type": "text/plain"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=5).close()

    reset_auth("0")
    try:
        yield
    finally:
        reset_auth("inf")


def test_bad_credentials(bucket: str, data_dir: Path, moto_checks_credentials: None) -> None:
    code, output = sync("push", "--access-key", "nobody", "--secret-key", "wrong-secret")
    assert_one_line_error(code, output, "s3_auth_failed")
    assert bucket in output
