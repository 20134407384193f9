"""Pick the object store the settings ask for (the MinIO client is imported only for S3)."""

from __future__ import annotations

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.storage.base import ObjectStore
from tasks_support_system_ai.storage.local import LocalObjectStore


def object_store_from_settings(settings: Settings) -> ObjectStore:
    s3 = settings.s3
    if not s3.endpoint:
        return LocalObjectStore(settings.resolved_object_store_dir)
    from minio import Minio

    from tasks_support_system_ai.storage.s3 import S3ObjectStore

    client = Minio(
        s3.endpoint,
        access_key=s3.access_key,
        secret_key=s3.secret_key.get_secret_value() if s3.secret_key else None,
        secure=s3.secure,
        region=s3.region,
    )
    return S3ObjectStore(client, s3.bucket)
