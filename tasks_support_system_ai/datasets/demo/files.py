"""Names and locations of the files a demo run writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

FILE_NAMES: Final = {
    "hierarchy": "hierarchy.parquet",
    "tickets": "tickets.parquet",
    "ticket_texts": "ticket_texts.parquet",
    "manifest": "manifest.json",
    "large_table": "large_table.parquet",
}


@dataclass(frozen=True)
class DemoFiles:
    """Where ``generate_demo`` put each file; ``large_table`` is None when not requested."""

    hierarchy: Path
    tickets: Path
    ticket_texts: Path
    manifest: Path
    large_table: Path | None

    @classmethod
    def in_dir(cls, out_dir: Path, *, with_large_table: bool) -> DemoFiles:
        """Standard file layout inside ``out_dir``."""
        paths = {name: out_dir / file for name, file in FILE_NAMES.items()}
        large = paths.pop("large_table")
        return cls(**paths, large_table=large if with_large_table else None)

    def names(self) -> dict[str, str | None]:
        """File names relative to the output folder, for the manifest."""
        paths = {name: getattr(self, name) for name in FILE_NAMES}
        return {name: path.name if path else None for name, path in paths.items()}
