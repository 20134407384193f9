"""HTTP interface (FastAPI). Thin: parses requests, calls domain code, shapes responses."""

from tasks_support_system_ai.api.app import create_app

__all__ = ["create_app"]
