"""The dashboard talks to the API only over HTTP: it imports no domain module."""

from __future__ import annotations

import subprocess
import sys

DOMAIN = (
    "analytics",
    "api",
    "context",
    "datasets",
    "db",
    "forecasting",
    "hierarchy",
    "jobs",
    "labeling",
    "nlp",
    "registry",
    "storage",
)
PROBE = """
import sys
from tasks_support_system_ai.dashboard import common, launch
from tasks_support_system_ai.dashboard.views import (
    data, forecast, jobs, models, overview, predict, queues, topics,
)
print("\\n".join(sorted(m for m in sys.modules if m.startswith("tasks_support_system_ai"))))
"""


def test_dashboard_imports_no_domain_module() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "tasks_support_system_ai.dashboard.views.forecast" in loaded  # the probe ran
    assert "tasks_support_system_ai.client" in loaded
    domain = [m for m in loaded if m.split(".")[1:2] and m.split(".")[1] in DOMAIN]
    assert domain == []
