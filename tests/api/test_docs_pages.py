"""``/docs`` and ``/redoc`` work without internet: every file they load is served by the app."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\s*:\s*['"]([^'"]+)['"]""")


@pytest.mark.parametrize(
    ("page", "script"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")]
)
def test_docs_pages_load_only_local_files(client: TestClient, page: str, script: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text

    assets = [a or b for a, b in ASSET.findall(html)]
    assert any(asset.endswith(script) for asset in assets), assets
    for asset in assets:
        assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
        loaded = client.get(asset)
        assert loaded.status_code == 200, asset
        assert loaded.content
    assert "cdn" not in html
    assert "googleapis" not in html


def test_swagger_ui_static_files_are_served(client: TestClient) -> None:
    css = client.get("/docs/static/swagger-ui/swagger-ui.css")
    assert css.status_code == 200
    assert "text/css" in css.headers["content-type"]
    assert client.get("/docs/static/swagger-ui/no-such-file.js").status_code == 404
