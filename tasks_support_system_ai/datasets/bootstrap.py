"""First-run set-up: make sure some tickets and hierarchy are active, generating demo data."""

from __future__ import annotations

import logging
from pathlib import Path

from tasks_support_system_ai.datasets.demo import DemoFiles, generate_demo
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.datasets.store import DatasetStore, IngestResult

log = logging.getLogger(__name__)


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
    """Activate the demo data set if nothing is active; returns True when it did."""
    if store.active(DatasetKind.TICKETS) and store.active(DatasetKind.HIERARCHY):
        return False
    manifest = demo_dir / "manifest.json"
    files = _existing_demo(demo_dir) if manifest.exists() else None
    if files is None:
        log.info("No data yet: generating the synthetic demo data set into %s", demo_dir)
        files = generate_demo(demo_dir, seed=seed, progress=progress)
    for kind, path in (
        (DatasetKind.HIERARCHY, files.hierarchy),
        (DatasetKind.TICKETS, files.tickets),
    ):
        if store.active(kind) is None:
            import_file(store, kind, path, source="demo", synthetic=True)
    return True


def _existing_demo(demo_dir: Path) -> DemoFiles | None:
    hierarchy, tickets = demo_dir / "hierarchy.parquet", demo_dir / "tickets.parquet"
    if not (hierarchy.exists() and tickets.exists()):
        return None
    return DemoFiles(
        hierarchy=hierarchy,
        tickets=tickets,
        ticket_texts=demo_dir / "ticket_texts.parquet",
        manifest=demo_dir / "manifest.json",
        large_table=None,
    )
