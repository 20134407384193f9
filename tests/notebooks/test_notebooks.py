"""The committed notebooks run top to bottom (small settings) and show what they claim."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tasks_support_system_ai.config import Settings

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _run(name: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:  # the committed outputs must not mask a failing run
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": NOTEBOOKS}}
    ).execute()
    return notebook


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _images(notebook: nbformat.NotebookNode) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SUPPORT_AI_NOTEBOOK_SMALL", "1")
    # Inline plots even when an earlier test in this process set another backend (Streamlit
    # sets MPLBACKEND=Agg on import; the kernel inherits the environment).
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("SUPPORT_AI_DATA_DIR", str(tmp_path))
    return tmp_path


def test_queue_load_eda_runs_on_generated_demo_data(small: Path) -> None:
    notebook = _run("queue_load_eda.ipynb")
    text = _text(notebook)
    assert "synthetic: True" in text
    assert "busy queues have a level shift" in text
    assert _images(notebook) >= 4
    assert (small / "demo").is_dir()  # read through the package, into the given data dir


def test_forecast_models_compares_models_on_an_open_set(small: Path) -> None:
    if not (Settings().resolved_evalsets / "ed_arrivals_uihc").is_dir():
        pytest.skip("the open evaluation sets (SUPPORT_AI_EVALSETS) are not on this machine")
    notebook = _run("forecast_models.ipynb")
    text = _text(notebook)
    assert "ed_arrivals_uihc: 1735 days" in text
    for model in ("naive", "es", "auto"):
        assert model in text
    assert "cov 80" in text
    assert _images(notebook) >= 3


def test_committed_notebooks_keep_their_outputs() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(
            cell.get("outputs") or cell.source.startswith("context.close") for cell in code
        ), path
        assert not any(o.get("output_type") == "error" for c in code for o in c.outputs), path
