"""Engine creation and schema migration."""

from __future__ import annotations

import logging
import os
import weakref
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_S: Final = 60.0
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def make_engine(url: str) -> Engine:
    """An engine that is safe to share across the API's threads and survives a fork."""
    engine = _create(url)
    _engines.add(engine)
    return engine


def _forget_inherited_connections() -> None:
    """In a forked child: new connections from now on; the parent keeps using its own
    (SQLAlchemy's recipe: ``dispose(close=False)`` drops the pool without closing them)."""
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


def _create(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Several processes write the same file in embedded mode (API, workers, labeling children):
    # a writer waits up to SQLITE_BUSY_S for the lock instead of pysqlite's 5 s.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_S})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while a worker process writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to call at every start-up."""
    # Before the import: importing alembic logs its plugin set-up at INFO (seven lines that
    # every CLI command would print).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from alembic import command  # slow to import: only processes that migrate pay for it
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
