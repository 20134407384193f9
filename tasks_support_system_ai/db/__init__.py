"""Metadata database: SQLite by default, PostgreSQL by URL; schema owned by Alembic migrations."""

from tasks_support_system_ai.db.engine import make_engine, migrate
from tasks_support_system_ai.db.models import ActiveDataset, Base, DatasetVersion, RegisteredModel

__all__ = [
    "ActiveDataset",
    "Base",
    "DatasetVersion",
    "RegisteredModel",
    "make_engine",
    "migrate",
]
