"""Model quality on the open evaluation sets: text and series parts → docs/quality.md.

Runs ``quality_text.main`` (ticket classifiers, when that part is present) and
``quality_series.main`` (forecasting); each writes its own section of docs/quality.md.
Options after ``--series`` / ``--text`` go to that part only:

    python benchmarks/bench_quality.py [--only text|series] [--text ARGS...] [--series ARGS...]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def split(argv: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Own options, then the argument lists following ``--text`` and ``--series``."""
    own: list[str] = []
    parts: dict[str, list[str]] = {"text": [], "series": []}
    target = own
    for arg in argv:
        if arg in ("--text", "--series"):
            target = parts[arg[2:]]
        else:
            target.append(arg)
    return own, parts


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    own, parts = split(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["text", "series"], default=None)
    args = parser.parse_args(own)
    results: dict[str, Any] = {}
    for part in ("text", "series"):
        if args.only not in (None, part):
            continue
        try:
            module = importlib.import_module(f"quality_{part}")
        except ModuleNotFoundError:
            print(f"benchmarks/quality_{part}.py is not present: {part} part skipped")
            continue
        results[part] = module.main(parts[part])
    return results


if __name__ == "__main__":
    main()
