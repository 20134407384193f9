"""Shared by the deployment tests: repository paths, tools, and the dashboard flag."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Final

import pytest

REQUIRE_SERVICES: Final = os.environ.get("REQUIRE_SERVICES") == "1"
REPO: Final = Path(__file__).resolve().parents[2]


def find_tool(name: str) -> str | None:
    """A command from PATH or from this interpreter's venv (dev-locked linters live there)."""
    venv_bin = Path(sys.executable).parent / name
    return shutil.which(name) or (str(venv_bin) if venv_bin.exists() else None)


def require_tool(name: str, how: str) -> str:
    """The tool's path; skip without it, fail if CI promised it (REQUIRE_SERVICES=1)."""
    found = find_tool(name)
    if found is None:
        message = f"{name} is not installed ({how})"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (REQUIRE_SERVICES=1)")
        pytest.skip(message)
    return found


def render_template(template: str, values: dict[str, str]) -> str:
    """What the nginx image's envsubst step does: ``${NAME}`` → value; ``$nginx_vars`` stay."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"template needs {name}")
        return values[name]

    return re.sub(r"\$\{([A-Z0-9_]+)\}", value, template)
