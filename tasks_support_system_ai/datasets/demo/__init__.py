"""Deterministic synthetic demo data shaped like the real support-queue and ticket data."""

from .files import DemoFiles
from .generate import generate_demo, generate_large_table
from .large_table import DEFAULT_LARGE_TABLE_ROWS

__all__ = ["DEFAULT_LARGE_TABLE_ROWS", "DemoFiles", "generate_demo", "generate_large_table"]
