"""How the dashboard process is started (``support-ai serve`` and ``support-ai dashboard``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def command(port: int, host: str = "127.0.0.1") -> list[str]:
    """``streamlit run`` of the dashboard app, headless, without usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "viewer",
        "--client.showErrorDetails",
        "none",
    ]


def environment(api_url: str) -> dict[str, str]:
    """The dashboard reads the API's address from ``SUPPORT_AI_API_URL``."""
    return {**os.environ, "SUPPORT_AI_API_URL": api_url}
