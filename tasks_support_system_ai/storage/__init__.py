"""Object storage for datasets, model artifacts and job outputs: a local folder or MinIO/S3."""

from tasks_support_system_ai.storage.base import ObjectStore
from tasks_support_system_ai.storage.factory import object_store_from_settings
from tasks_support_system_ai.storage.local import LocalObjectStore

__all__ = ["LocalObjectStore", "ObjectStore", "object_store_from_settings"]
