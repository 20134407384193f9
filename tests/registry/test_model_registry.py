"""Model registry on SQLite and PostgreSQL, with skops artifacts in the object store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sqlalchemy import Engine

from tasks_support_system_ai.db import make_engine, migrate
from tasks_support_system_ai.errors import ConflictError, InvalidInputError, NotFoundError
from tasks_support_system_ai.registry import ModelRegistry, dump_artifact, load_artifact
from tasks_support_system_ai.storage import LocalObjectStore


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = (
        f"sqlite:///{tmp_path / 'm.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = make_engine(url)
    migrate(engine)
    yield engine
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM registered_models")
    engine.dispose()


@pytest.fixture
def registry(engine: Engine, tmp_path: Path) -> ModelRegistry:
    return ModelRegistry(engine, LocalObjectStore(tmp_path / "objects"))


def _trained() -> object:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    y = (x[:, 0] > 0).astype(int)
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)


def test_lifecycle_versions_and_artifact_round_trip(registry: ModelRegistry) -> None:
    first = registry.create("tickets", "nlp_classifier", {"C": 1.0}, dataset_ref="texts@1")
    second = registry.create("tickets", "nlp_classifier", {"C": 10.0})
    assert (first.version, second.version, first.status) == (1, 2, "training")

    model = _trained()
    ready = registry.complete(first.id, model, {"accuracy": 0.9})
    assert ready.status == "ready"
    assert ready.metrics == {"accuracy": 0.9}
    loaded = registry.load(first.id)
    x = np.eye(3)
    assert (loaded.predict(x) == model.predict(x)).all()  # type: ignore[attr-defined]
    failed = registry.fail(second.id, "boom")
    assert (failed.status, failed.error) == ("failed", "boom")
    assert [m.id for m in registry.records()] == [second.id, first.id]


def test_promotion_keeps_one_production_model(registry: ModelRegistry) -> None:
    ids = []
    for _ in range(2):
        record = registry.create("tickets", "nlp_classifier", {})
        registry.complete(record.id, _trained(), {})
        ids.append(record.id)
    registry.promote(ids[0], "production")
    registry.promote(ids[1], "production")
    production = registry.production("tickets")
    assert production is not None
    assert production.id == ids[1]
    assert registry.get(ids[0]).stage == "staging"


def test_only_ready_models_load_or_promote(registry: ModelRegistry) -> None:
    record = registry.create("x", "nlp_classifier", {})
    with pytest.raises(ConflictError, match="training"):
        registry.load(record.id)
    with pytest.raises(ConflictError):
        registry.promote(record.id, "production")


def test_protected_models_survive_remove_all(registry: ModelRegistry) -> None:
    default = registry.create("default", "nlp_classifier", {}, protected=True)
    other = registry.create("mine", "nlp_classifier", {})
    assert registry.remove_all() == [other.id]
    with pytest.raises(ConflictError) as error:
        registry.remove(default.id)
    assert error.value.code == "model_protected"
    assert registry.remove_all(force=True) == [default.id]
    with pytest.raises(NotFoundError):
        registry.get(default.id)


def test_the_service_keeps_a_production_model_unless_forced(registry: ModelRegistry) -> None:
    """After promoting another model the default is in staging: the new production model is
    what ``remove_all`` must keep, so ``"id": "production"`` keeps answering."""
    default = registry.create("tickets", "nlp_classifier", {}, protected=True)
    mine = registry.create("tickets", "nlp_classifier", {})
    spare = registry.create("tickets", "nlp_classifier", {})
    for record in (default, mine, spare):
        registry.complete(record.id, _trained(), {})
    registry.promote(default.id, "production")
    registry.promote(mine.id, "production")
    assert registry.remove_all() == [spare.id]
    production = registry.production("tickets")
    assert production is not None
    assert production.id == mine.id
    for refused in (
        lambda: registry.remove(mine.id),
        lambda: registry.promote(mine.id, "staging"),
        lambda: registry.promote(mine.id, "none"),
    ):
        with pytest.raises(ConflictError) as error:
            refused()
        assert error.value.code == "model_protected"
    registry.promote(default.id, "production")  # a successor first: then the old one may go
    registry.remove(mine.id)
    assert registry.promote(default.id, "staging", force=True).stage == "staging"
    assert registry.production("tickets") is None


def test_artifacts_with_untrusted_types_are_refused() -> None:
    import skops.io as sio

    class Sneaky:
        pass

    data = sio.dumps({"payload": Sneaky()})
    with pytest.raises(InvalidInputError) as error:
        load_artifact(data)
    assert error.value.code == "untrusted_artifact"
    with pytest.raises(InvalidInputError) as error:
        load_artifact(b"not a zip")
    assert error.value.code == "invalid_artifact"
    assert load_artifact(dump_artifact({"a": 1})) == {"a": 1}
