"""docs/quality.md is assembled from parts ("Text", "Series"), each rewritten by its benchmark."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = """# Model quality on the open evaluation sets

Written by `just bench-quality` (`benchmarks/bench_quality.py`), which runs the text part
(`benchmarks/quality_text.py`) and the series part (`benchmarks/quality_series.py`); each part
can be rerun alone (`just bench-quality-series`) and then replaces only its own section. The
sets, their provenance and the fixed protocol are described in the evalsets README
(`SUPPORT_AI_EVALSETS`). These are benchmark figures, not tests.
"""


def _markers(part: str) -> tuple[str, str]:
    return f"<!-- {part.lower()}:start -->", f"<!-- {part.lower()}:end -->"


def write_section(path: Path, part: str, markdown: str) -> None:
    """Replace (or append) the marked section ``part`` of the document at ``path``."""
    start, end = _markers(part)
    block = f"{start}\n{markdown.rstrip()}\n{end}"
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
