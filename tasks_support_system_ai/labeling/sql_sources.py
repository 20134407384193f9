"""SQL ticket sources as named connections an admin configures, never URLs from a request.

``SUPPORT_AI_SQL_SOURCES`` maps a name to a SQLAlchemy URL; a labeling request names one. The
URL (and any password in it) stays in the settings: jobs store the name only, and errors say
which connection failed and how, never where it points. Connecting has a timeout, so a silent
host costs seconds, not the thread pool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.errors import NotFoundError, SourceUnavailableError, SupportAIError
from tasks_support_system_ai.labeling.sources import SqlSource


def open_sql_source(
    settings: Settings, name: str, table: str, columns: dict[str, str]
) -> SqlSource:
    """The table ``table`` of connection ``name``: 404 for an unknown name or table, 502 when
    the database cannot be reached or read (bad host, credentials, driver)."""
    engine = _engine(settings, name)
    try:
        source = SqlSource(engine, table, **columns, owns_engine=True)
        source.time_bounds()  # reachable and readable now, not only at the first batch
        return source
    except SupportAIError:
        engine.dispose()
        raise
    except SQLAlchemyError as error:
        engine.dispose()
        raise unavailable(name, error) from None


def unavailable(name: str, error: Exception) -> SourceUnavailableError:
    """What went wrong with connection ``name``, without the driver's text (it may name hosts)."""
    reason = type(getattr(error, "orig", None) or error).__name__
    return SourceUnavailableError(
        f"SQL source {name!r} could not be reached or read ({reason}); "
        "check the connection an admin configured",
        connection=name,
        reason=reason,
    )


def _engine(settings: Settings, name: str) -> Engine:
    secret = settings.sql_sources.get(name)
    if secret is None:
        configured = sorted(settings.sql_sources)
        raise NotFoundError(
            f"No SQL source named {name[:100]!r}; configured: {configured or 'none'}",
            code="sql_source_not_found",
            configured=configured,
        )
    try:
        url = make_url(secret.get_secret_value())
        backend = url.get_backend_name()
        if backend == "sqlite" and not _sqlite_file_exists(url.database):
            raise FileNotFoundError("the SQLite file does not exist")
        return create_engine(url, connect_args=_timeout_args(backend, settings))
    except (ArgumentError, NoSuchModuleError, ValueError, FileNotFoundError) as error:
        raise unavailable(name, error) from None


def _sqlite_file_exists(database: str | None) -> bool:
    """In-memory databases count as existing; a missing file would become a new empty one."""
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return True
    return Path(database).is_file()


def _timeout_args(backend: str, settings: Settings) -> dict[str, Any]:
    seconds = settings.sql_connect_timeout_s
    if backend == "postgresql":
        return {"connect_timeout": max(int(seconds), 1)}
    if backend in ("mysql", "mariadb"):
        return {"connect_timeout": max(int(seconds), 1)}
    if backend == "sqlite":
        return {"timeout": seconds}
    return {}
