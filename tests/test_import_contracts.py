"""The import graph keeps its shape: no cycles, domains below the wiring, thin interfaces.

The contracts live in ``.importlinter`` (import-linter); this runs them in CI. Imports inside
functions count, imports under ``if TYPE_CHECKING:`` do not (annotations only).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), str(ROOT / ".importlinter"), "--no-cache", "--no-logo"],
        cwd=ROOT,  # import-linter analyses the package found from here: this checkout
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
