"""Interactive API docs (``/docs``: Swagger UI, ``/redoc``: ReDoc) served with no internet.

FastAPI's default pages load their JavaScript, CSS and favicon from a CDN, so they are blank
on a machine without internet access. Swagger UI 5 (needed for OpenAPI 3.1) and ReDoc are
vendored in ``api/static/`` (versions and licences in its README) and served under
``/docs/static/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC_PREFIX", "install_docs"]

STATIC_PREFIX: Final = "/docs/static"
STATIC_DIR: Final = Path(__file__).parent / "static"


def install_docs(app: FastAPI) -> None:
    """Add ``/docs``, its OAuth2 redirect page and ``/redoc`` to an app created with
    ``docs_url=None, redoc_url=None``."""
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), "docs-static")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - API docs",
            swagger_js_url=f"{root}{STATIC_PREFIX}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_PREFIX}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_PREFIX}/swagger-ui/favicon-32x32.png",
            oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - API reference",
            redoc_js_url=f"{root}{STATIC_PREFIX}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_PREFIX}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )


def _root(request: Request) -> str:
    """The prefix a reverse proxy serves the app under (empty when served at the root)."""
    return str(request.scope.get("root_path", "")).rstrip("/")
