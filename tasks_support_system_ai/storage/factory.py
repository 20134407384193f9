"""Pick the object store the settings ask for (the MinIO client is imported only for S3)."""

from __future__ import annotations

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.storage.base import ObjectStore
from tasks_support_system_ai.storage.local import LocalObjectStore


def object_store_from_settings(settings: Settings) -> ObjectStore:
    s3 = settings.s3
    if not s3.endpoint:
        return LocalObjectStore(settings.resolved_object_store_dir)
    from tasks_support_system_ai.storage.s3 import S3ObjectStore
    from tasks_support_system_ai.storage.s3_client import make_s3_client

    return S3ObjectStore(make_s3_client(s3), s3.bucket)
