"""DatasetStore on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from factories import HIERARCHY_CSV, tickets_csv, tickets_frame, to_csv
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.datasets.store import DatasetStore
from tasks_support_system_ai.db import DatasetVersion, make_engine, migrate
from tasks_support_system_ai.errors import (
    DatasetValidationError,
    NotFoundError,
    PayloadTooLargeError,
)
from tasks_support_system_ai.storage import LocalObjectStore


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'meta.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    migrate(engine)
    yield engine
    if request.param == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM active_datasets; DELETE FROM dataset_versions")
    engine.dispose()


@pytest.fixture
def store(engine: Engine, tmp_path: Path) -> DatasetStore:
    return DatasetStore(engine, LocalObjectStore(tmp_path / "objects"), max_upload_bytes=100_000)


def _row_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(DatasetVersion)) or 0


def test_ingest_creates_active_immutable_version(store: DatasetStore) -> None:
    result = store.ingest(DatasetKind.TICKETS, tickets_csv(), "t.csv")

    assert result.created
    active = store.active(DatasetKind.TICKETS)
    assert active == result.version
    assert active.rows == len(tickets_frame())
    assert active.source == "upload"
    assert not active.synthetic
    assert store.objects.exists(active.object_key)
    frame = store.load_frame(active)
    assert list(frame.columns) == ["queueId", "date", "new_tickets"]
    assert int(frame["new_tickets"].sum()) == int(tickets_frame()["new_tickets"].sum())


def test_identical_content_is_reused_not_duplicated(store: DatasetStore, engine: Engine) -> None:
    first = store.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv")
    second = store.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "again.csv")

    assert not second.created
    assert second.version.id == first.version.id
    assert _row_count(engine) == 1


def test_new_upload_keeps_old_version_and_can_switch_back(store: DatasetStore) -> None:
    old = store.ingest(DatasetKind.TICKETS, tickets_csv(), "old.csv").version
    smaller = tickets_frame().head(10)
    new = store.ingest(DatasetKind.TICKETS, to_csv(smaller), "new.csv").version

    assert store.active(DatasetKind.TICKETS) == new
    assert [v.id for v in store.versions(DatasetKind.TICKETS)] == [new.id, old.id]
    assert len(store.load_frame(old)) == len(tickets_frame())
    store.activate(old.id)
    assert store.active(DatasetKind.TICKETS) == old


def test_rejected_upload_changes_nothing(store: DatasetStore, engine: Engine) -> None:
    good = store.ingest(DatasetKind.TICKETS, tickets_csv(), "good.csv").version
    objects_before = store.objects.list()

    with pytest.raises(DatasetValidationError):
        store.ingest(DatasetKind.TICKETS, b"queueId,date\n1,2017-01-01\n", "bad.csv")
    with pytest.raises(PayloadTooLargeError):
        store.ingest(DatasetKind.TICKETS, b"x" * 200_000, "big.csv")

    assert store.active(DatasetKind.TICKETS) == good
    assert _row_count(engine) == 1
    assert store.objects.list() == objects_before


def test_restore_defaults_prefers_newest_non_upload(store: DatasetStore) -> None:
    demo = store.ingest(
        DatasetKind.TICKETS, tickets_csv(), "demo.csv", source="demo", synthetic=True
    )
    store.ingest(DatasetKind.TICKETS, to_csv(tickets_frame().head(5)), "mine.csv")

    restored = store.restore_defaults()

    assert [v.id for v in restored] == [demo.version.id]
    active = store.active(DatasetKind.TICKETS)
    assert active is not None
    assert active.synthetic


def test_unknown_version_is_not_found(store: DatasetStore) -> None:
    with pytest.raises(NotFoundError):
        store.activate(12345)


def test_synthetic_flag_is_written_into_the_parquet(store: DatasetStore) -> None:
    import io

    import pyarrow.parquet as pq

    version = store.ingest(
        DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="demo", synthetic=True
    ).version
    schema = pq.read_schema(io.BytesIO(store.objects.get_bytes(version.object_key)))
    assert schema.metadata[b"synthetic"] == b"true"
    assert isinstance(store.load_frame(version), pd.DataFrame)
