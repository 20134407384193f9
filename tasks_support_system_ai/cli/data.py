"""``support-ai data ...``: generate demo data, import files, list and switch versions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Column, Table

from tasks_support_system_ai.config import get_settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.bootstrap import import_file, restore_demo_data
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.errors import SupportAIError

app = typer.Typer(help="Datasets: demo generation, import, versions.", no_args_is_help=True)
console = Console()


def _context() -> AppContext:
    return build_context(get_settings())


def fail(exc: SupportAIError) -> typer.Exit:
    """Print a domain error for a person and exit with status 2."""
    console.print(f"[red]error[/red] {escape(f'[{exc.code}]')} {escape(exc.message)}")
    return typer.Exit(code=2)


@app.command()
def generate(
    out: Annotated[
        Path | None, typer.Option(help="output folder [default: <data_dir>/demo]")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="random seed [default: from settings]")] = None,
    large_table_rows: Annotated[
        int, typer.Option(help="also write the batch-labeling table with this many rows (2376186)")
    ] = 0,
    load: Annotated[
        bool, typer.Option(help="import tickets, hierarchy and texts as active")
    ] = True,
) -> None:
    """Generate the synthetic demo data set (deterministic for a seed)."""
    from tasks_support_system_ai.datasets.demo import generate_demo

    settings = get_settings()
    files = generate_demo(
        out or settings.demo_dir,
        seed=settings.demo_seed if seed is None else seed,
        large_table_rows=large_table_rows,
        progress=True,
    )
    console.print(f"Synthetic demo data written to {files.manifest.parent}")
    if not load:
        return
    context = _context()
    try:
        for kind, path in (
            (DatasetKind.HIERARCHY, files.hierarchy),
            (DatasetKind.TICKETS, files.tickets),
            (DatasetKind.TEXTS, files.ticket_texts),
        ):
            result = import_file(context.datasets, kind, path, source="demo", synthetic=True)
            console.print(f"{kind.value}: active version {result.version.id} (synthetic)")
    finally:
        context.close()


@app.command("large-table")
def large_table(
    rows: Annotated[
        int, typer.Option(min=1, help="rows (the original benchmark labeled 2376186)")
    ] = 2_376_186,
    seed: Annotated[int | None, typer.Option(help="random seed [default: from settings]")] = None,
) -> None:
    """Write only the synthetic ticket table that batch labeling reads:
    ``<data_dir>/demo/large_table.parquet`` (source ``{"kind": "parquet", "file":
    "demo/large_table.parquet"}``)."""
    from tasks_support_system_ai.datasets.demo import DemoFiles, generate_large_table

    settings = get_settings()
    path = DemoFiles.in_dir(settings.demo_dir, with_large_table=True).large_table
    assert path is not None
    generate_large_table(
        path, rows=rows, seed=settings.demo_seed if seed is None else seed, progress=True
    )
    console.print(f"Synthetic ticket table with {rows} rows written to {path}")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or Parquet")],
    kind: Annotated[DatasetKind, typer.Option("--kind", help="tickets, hierarchy or texts")],
    activate: Annotated[bool, typer.Option(help="make it the active version")] = True,
) -> None:
    """Validate a local file and store it as a new dataset version."""
    context = _context()
    try:
        result = import_file(context.datasets, kind, path, source="import", activate=activate)
    except SupportAIError as exc:
        raise fail(exc) from None
    finally:
        context.close()
    state = "stored" if result.created else "already stored"
    console.print(f"{kind.value} version {result.version.id} {state}: {result.version.summary}")


@app.command("list")
def list_(kind: Annotated[DatasetKind | None, typer.Option("--kind")] = None) -> None:
    """Stored dataset versions, newest first."""
    context = _context()
    try:
        active = {v.id for k in DatasetKind if (v := context.datasets.active(k))}
        versions = context.datasets.versions(kind)
    finally:
        context.close()
    table = Table(
        *(
            Column(name, overflow="fold")
            for name in ("id", "kind", "active", "source", "synthetic", "rows", "file", "created")
        )
    )
    for v in versions:
        table.add_row(
            str(v.id),
            v.kind.value,
            "✓" if v.id in active else "",
            v.source,
            "yes" if v.synthetic else "",
            str(v.rows),
            v.filename,
            f"{v.created_at:%Y-%m-%d %H:%M}",
        )
    print_whole(table)


def print_whole(table: Table) -> None:
    """Print a table without cutting values: at its natural width when the output is not a
    terminal (rich would assume 80 columns), folded onto more lines in a narrow terminal."""
    if console.is_terminal:
        console.print(table)
        return
    unbounded = console.options.update_width(10_000)
    width = max(console.width, Measurement.get(console, unbounded, table).maximum)
    Console(width=width).print(table)  # ``print(width=...)`` cannot exceed the console's


@app.command()
def restore() -> None:
    """Undo uploads: make the demo (or locally imported) data of every kind active again."""
    settings = get_settings()
    context = _context()
    try:
        restored = restore_demo_data(
            context.datasets, settings.demo_dir, seed=settings.demo_seed, progress=True
        )
    except SupportAIError as exc:
        raise fail(exc) from None
    finally:
        context.close()
    for version in restored:
        state = f"version {version.id} is now active ({version.source})"
        console.print(f"{version.kind.value}: {state}")


@app.command()
def activate(version_id: int) -> None:
    """Make a stored version the active one of its kind."""
    context = _context()
    try:
        version = context.datasets.activate(version_id)
    except SupportAIError as exc:
        raise fail(exc) from None
    finally:
        context.close()
    console.print(f"{version.kind.value}: version {version.id} is now active")
