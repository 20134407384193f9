"""The ticket-text notebook runs top to bottom on an open text set, with small settings."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tasks_support_system_ai.config import Settings

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "text_models.ipynb"


def test_text_models_notebook_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    evalsets = Settings().resolved_evalsets
    if not (evalsets / "bitext_cs").exists():
        pytest.fail(f"the open evaluation sets are missing at {evalsets} (SUPPORT_AI_EVALSETS)")
    monkeypatch.setenv("NOTEBOOK_ROWS", "40")
    # Inline plots even if an earlier test set another backend (Streamlit sets MPLBACKEND=Agg).
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # rows per label: ~1,000 texts
    paths = [str(NOTEBOOK.parents[1]), os.environ.get("PYTHONPATH", "")]  # this checkout's code
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3  # the plots
    table = next(o for o in outputs if "macro-F1" in o.get("data", {}).get("text/plain", ""))
    assert "service default (linear_svc)" in table["data"]["text/plain"]
