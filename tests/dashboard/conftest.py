"""Dashboard pages under Streamlit's AppTest, calling a real API (``live_api``) over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from live_server import LiveServer
from streamlit.testing.v1 import AppTest

PAGE_TIMEOUT_S = 120
PAGE_SCRIPT = """
from tasks_support_system_ai.dashboard import common
from tasks_support_system_ai.dashboard.views import {view}

common.run_page({view}.render)
"""


@pytest.fixture
def dashboard_api(live_api: LiveServer, monkeypatch: pytest.MonkeyPatch) -> LiveServer:
    """Point the dashboard at the live API (with its admin key, once keys exist)."""
    monkeypatch.setenv("SUPPORT_AI_API_URL", live_api.url)
    if live_api.api_key:
        monkeypatch.setenv("SUPPORT_AI_API_KEY", live_api.api_key)
    return live_api


@pytest.fixture
def page(dashboard_api: LiveServer) -> Callable[[str], AppTest]:
    """``page("queues")``: that page's AppTest, already run once."""

    def run(view: str) -> AppTest:
        app = AppTest.from_string(PAGE_SCRIPT.format(view=view), default_timeout=PAGE_TIMEOUT_S)
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run
