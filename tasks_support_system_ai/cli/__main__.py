"""``python -m tasks_support_system_ai.cli`` — same as the ``support-ai`` script."""

from tasks_support_system_ai.cli.main import app

app()
