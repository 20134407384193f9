"""File-level guarantees: synthetic markers, manifest, determinism, atomic writes, quiet mode."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks_support_system_ai.datasets.demo import DemoFiles, generate_demo
from tasks_support_system_ai.datasets.demo._io import atomic_target
from tasks_support_system_ai.datasets.demo.texts import make_ticket_texts
from tasks_support_system_ai.errors import InvalidInputError

DEMO_SEED = 42  # the session fixture's seed (see conftest.py)
MARKERS = {b"synthetic": b"true", b"generator": b"support-ai demo", b"seed": b"42"}


def _parquet_paths(files: DemoFiles) -> list[Path]:
    return [files.hierarchy, files.tickets, files.ticket_texts]


def _frames(files: DemoFiles) -> list[pd.DataFrame]:
    return [pd.read_parquet(path) for path in _parquet_paths(files)]


def test_every_parquet_is_marked_synthetic(demo_files: DemoFiles) -> None:
    for path in _parquet_paths(demo_files):
        metadata = pq.read_schema(path).metadata
        assert {k: metadata[k] for k in MARKERS} == MARKERS, path


def test_manifest(demo_files: DemoFiles, demo_tickets: pd.DataFrame) -> None:
    manifest = json.loads(demo_files.manifest.read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert manifest["generator"] == "support-ai demo"
    assert manifest["seed"] == DEMO_SEED
    assert manifest["date_range"] == {"start": "2017-01-01", "end": "2020-09-30"}
    assert manifest["tickets"]["total_tickets"] == demo_tickets["new_tickets"].sum()
    assert sum(manifest["ticket_texts"]["topics"].values()) == 10_000
    assert manifest["large_table"] is None
    assert demo_files.large_table is None


def test_same_seed_same_data_other_seed_other_data(demo_files: DemoFiles, tmp_path: Path) -> None:
    again = generate_demo(tmp_path / "again", seed=DEMO_SEED, progress=False)
    for expected, actual in zip(_frames(demo_files), _frames(again), strict=True):
        pd.testing.assert_frame_equal(expected, actual)
    assert again.manifest.read_bytes() == demo_files.manifest.read_bytes()
    other = generate_demo(tmp_path / "other", seed=DEMO_SEED + 1, progress=False)
    for expected, actual in zip(_frames(demo_files), _frames(other), strict=True):
        assert not expected.equals(actual)


def test_quiet_when_progress_disabled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "tasks_support_system_ai.datasets.demo.generate.make_ticket_texts",
        _tiny_texts,
    )
    generate_demo(tmp_path, progress=False)
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def _tiny_texts(rng: np.random.Generator, queue_ids: np.ndarray) -> pa.Table:
    return make_ticket_texts(rng, queue_ids, n=100)


def _interrupted_write(target: Path) -> None:
    with atomic_target(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")


def test_atomic_target_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "data.parquet"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        _interrupted_write(target)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.parquet"]


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        generate_demo(tmp_path, seed=-1, progress=False)
    with pytest.raises(InvalidInputError):
        generate_demo(tmp_path, large_table_rows=-5, progress=False)
