"""First-run set-up: make sure some tickets and hierarchy are active, generating demo data."""

from __future__ import annotations

import logging
from pathlib import Path

from tasks_support_system_ai.datasets.demo import DemoFiles, generate_demo
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.datasets.store import DatasetStore, IngestResult, VersionInfo

log = logging.getLogger(__name__)
DEMO_KINDS = (DatasetKind.HIERARCHY, DatasetKind.TICKETS, DatasetKind.TEXTS)


def import_file(
    store: DatasetStore,
    kind: DatasetKind,
    path: Path,
    *,
    source: str,
    synthetic: bool = False,
    activate: bool = True,
) -> IngestResult:
    """Ingest a local file through the same validation as an upload (no size limit)."""
    return store.ingest(
        kind,
        path.read_bytes(),
        path.name,
        source=source,
        synthetic=synthetic,
        activate=activate,
        size_limited=False,
    )


def ensure_demo_data(store: DatasetStore, demo_dir: Path, *, seed: int, progress: bool) -> bool:
    """Activate the demo data of every kind that has nothing active; True when it did any.

    Demo tickets, hierarchy and texts become ordinary (synthetic) dataset versions, so they
    can be listed, re-activated and restored like any upload.
    """
    missing = [kind for kind in DEMO_KINDS if store.active(kind) is None]
    if not missing:
        return False
    files = _demo_files(demo_dir, seed=seed, progress=progress)
    for kind in missing:
        import_file(store, kind, _file_of(files, kind), source="demo", synthetic=True)
    return True


def restore_demo_data(
    store: DatasetStore, demo_dir: Path, *, seed: int, progress: bool = False
) -> list[VersionInfo]:
    """Undo uploads: per kind, re-activate the newest version that was not uploaded,
    importing the demo file of a kind that has none (generating the demo set if needed)."""
    restored = store.restore_defaults()
    missing = set(DatasetKind) - {version.kind for version in restored}
    if missing:
        files = _demo_files(demo_dir, seed=seed, progress=progress)
        for kind in (kind for kind in DEMO_KINDS if kind in missing):
            path = _file_of(files, kind)
            result = import_file(store, kind, path, source="demo", synthetic=True)
            restored.append(result.version)
    return restored


def _demo_files(demo_dir: Path, *, seed: int, progress: bool) -> DemoFiles:
    """The demo set in ``demo_dir``, generated first if it is not complete there."""
    files = DemoFiles.in_dir(demo_dir, with_large_table=False)
    if all(path.exists() for path in (files.hierarchy, files.tickets, files.ticket_texts)):
        return files
    log.info("No demo data yet: generating the synthetic demo data set into %s", demo_dir)
    return generate_demo(demo_dir, seed=seed, progress=progress)


def _file_of(files: DemoFiles, kind: DatasetKind) -> Path:
    paths = {
        DatasetKind.HIERARCHY: files.hierarchy,
        DatasetKind.TICKETS: files.tickets,
        DatasetKind.TEXTS: files.ticket_texts,
    }
    return paths[kind]
