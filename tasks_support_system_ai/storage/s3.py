"""Object store on MinIO or any S3-compatible server, through the MinIO SDK."""

from __future__ import annotations

import io
from pathlib import Path

from minio import Minio
from minio.error import S3Error

from tasks_support_system_ai.storage.base import check_key, missing

_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "NoSuchBucket", "ResourceNotFound"}


class S3ObjectStore:
    """S3 uploads are atomic per object, so no temp-and-rename dance is needed."""

    def __init__(self, client: Minio, bucket: str, *, create_bucket: bool = True) -> None:
        self.client = client
        self.bucket = bucket
        if create_bucket and not client.bucket_exists(bucket):
            client.make_bucket(bucket)

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}"

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(self.bucket, check_key(key), io.BytesIO(data), len(data))

    def put_file(self, key: str, path: Path) -> None:
        self.client.fput_object(self.bucket, check_key(key), str(path))

    def get_bytes(self, key: str) -> bytes:
        try:
            response = self.client.get_object(self.bucket, check_key(key))
        except S3Error as exc:
            raise self._translate(exc, key) from exc
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def download(self, key: str, path: Path) -> None:
        try:
            self.client.fget_object(self.bucket, check_key(key), str(path))
        except S3Error as exc:
            raise self._translate(exc, key) from exc

    def exists(self, key: str) -> bool:
        try:
            self.client.stat_object(self.bucket, check_key(key))
        except S3Error as exc:
            if exc.code in _NOT_FOUND:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.remove_object(self.bucket, check_key(key))

    def list(self, prefix: str = "") -> list[str]:
        objects = self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True)
        return sorted(o.object_name for o in objects if o.object_name is not None)

    def _translate(self, exc: S3Error, key: str) -> Exception:
        return missing(key) if exc.code in _NOT_FOUND else exc
