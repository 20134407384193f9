"""``scripts/slim_venv.py``, which the Dockerfile's builder runs on the image's venv: its pieces on
scratch folders (the whole script runs in ``just image-size``, with a smoke run of the result)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _slim() -> ModuleType:
    spec = importlib.util.spec_from_file_location("slim_venv", REPO / "scripts" / "slim_venv.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_builder_runs_it_and_the_build_context_holds_it() -> None:
    builder = (REPO / "Dockerfile").read_text().split("AS runtime", 1)[0]
    assert re.search(r"^RUN /opt/venv/bin/python scripts/slim_venv.py$", builder, re.MULTILINE)
    assert "!scripts/slim_venv.py" in (REPO / ".dockerignore").read_text().splitlines()


def test_unused_paths_go_and_the_rest_stays(tmp_path: Path) -> None:
    for name in ("lib/tests/test_a.py", "lib/core.py", "lib/_ext.pyx", "lib/include/a.h"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    _slim().remove_paths(tmp_path, ("**/tests", "**/*.pyx", "**/*.h"))
    remaining = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert remaining == ["lib/core.py"]


def test_identical_files_become_links_to_one_copy(tmp_path: Path) -> None:
    blob = b"\x7fELF" + bytes(range(256)) * 512
    for name in ("libx.so", "libx.so.1", "other/libx.so.1"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(blob)
    (tmp_path / "liby.so").write_bytes(blob[:-1])
    _slim().link_duplicates(tmp_path)
    assert (tmp_path / "libx.so.1").readlink() == Path("libx.so")
    assert not (tmp_path / "libx.so").is_symlink()
    assert not (tmp_path / "other" / "libx.so.1").is_symlink()  # only within a folder
    assert not (tmp_path / "liby.so").is_symlink()
    assert (tmp_path / "libx.so.1").read_bytes() == blob


def test_imports_are_found_at_any_depth(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("import json\nfrom . import sub\n")
    (package / "sub.py").write_text("def f():\n    from prophet import Prophet\n    import a.b\n")
    slim = _slim()
    assert slim.imported_by(package) == {"json", "prophet", "prophet.Prophet", "a.b"}
    assert slim.own_modules(package) == {"pkg", "pkg.sub"}
