"""The malformed-input corpus (``tests/corpus``): every file is rejected with a 4xx and its
stable code, and nothing changes (active versions, stored objects)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import HIERARCHY_CSV, tickets_csv
from fastapi.testclient import TestClient

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind

CORPUS = Path(__file__).parents[1] / "corpus"
EXPECTED: dict[str, list[object]] = json.loads((CORPUS / "expected.json").read_text())
EXPANDED = ".expand.gz"


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.parent != CORPUS)


def content(path: Path) -> tuple[str, bytes]:
    """The file name and bytes to upload (large cases are stored compressed)."""
    if path.name.endswith(EXPANDED):
        return path.name.removesuffix(EXPANDED), gzip.decompress(path.read_bytes())
    return path.name, path.read_bytes()


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("corpus"), _env_file=None)  # type: ignore[call-arg]
    settings.max_upload_mb = 64  # the 50 MB line reaches the parser's own check
    settings.max_cube_cells = 200_000  # a small tree: three centuries is far too many days
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="demo")
    context.datasets.ingest(DatasetKind.TICKETS, tickets_csv(), "t.csv", source="demo")
    yield context
    context.close()


@pytest.fixture(scope="module")
def client(context: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(context=context), raise_server_exceptions=False) as client:
        yield client


def test_the_corpus_is_complete() -> None:
    names = {p.relative_to(CORPUS).as_posix() for p in corpus_files()}
    assert len(names) >= 40
    assert names == set(EXPECTED), names ^ set(EXPECTED)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_each_file_is_rejected_and_nothing_changes(
    client: TestClient, context: AppContext, path: Path
) -> None:
    status, code = EXPECTED[path.relative_to(CORPUS).as_posix()]
    active = [context.datasets.active(kind) for kind in DatasetKind]
    objects = context.objects.list()
    name, data = content(path)
    files = {"file": (name, data, "application/octet-stream")}
    response = client.post("/api/upload_data", data={"df_type": path.parent.name}, files=files)
    assert (response.status_code, response.json().get("code")) == (status, code), response.text
    assert 400 <= response.status_code < 500
    assert len(response.content) < 10_000, "the error does not repeat the input"
    assert [context.datasets.active(kind) for kind in DatasetKind] == active
    assert context.objects.list() == objects
