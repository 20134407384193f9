"""Slim the runtime virtual environment: ``<venv>/bin/python scripts/slim_venv.py``.

The Dockerfile's builder runs this on /opt/venv after installing, and
``benchmarks/image_size.py`` runs the very same on a local venv to measure the image, so the
measured and the shipped image cannot drift apart. It removes what no service runs:

* distributions needed only to install (pip, setuptools, the build backend) and matplotlib with
  its own dependencies: prophet imports it only to plot (we never do) and carries on without it;
* tests, sample data sets, C/Cython sources, headers and type stubs, Jupyter extensions,
  source maps, the Stan compiler and sources (prophet ships its model compiled), pyarrow's
  Flight and S3 libraries, and the symbol tables of compiled extensions (``strip``);
* the bytecode of library modules the services never import: the ``.pyc`` files are rebuilt
  by importing what our code imports (the servers' own packages keep all theirs), and a module
  imported later anyway still works (compiled in memory when loaded).

Byte-identical copies in one folder (wheels cannot hold symlinks) become relative symlinks.
Standard library only: it runs with the venv's interpreter, pip already gone.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Final

PACKAGE: Final = "tasks_support_system_ai"
UNUSED_DISTRIBUTIONS: Final = (
    "pip",
    "setuptools",
    "poetry-core",
    "matplotlib",
    "fonttools",
    "kiwisolver",
    "contourpy",
    "cycler",
    "pyparsing",
)
# Globs under site-packages.
UNUSED_PATHS: Final = (
    "**/tests",
    "**/*.pyx",
    "**/*.pxd",
    "**/*.pxi",
    "**/*.c",
    "**/*.cc",
    "**/*.cpp",
    "**/*.h",
    "**/*.hpp",
    "**/*.js.map",
    "**/*.pyi",
    "Crypto/SelfTest",
    "numpy/_core/include",
    "numpy/distutils",
    "pyarrow/include",
    "pyarrow/src",
    "pyarrow/*flight*",
    "pyarrow/libarrow_s3.so*",
    "pyarrow/_s3fs.*",
    "pyarrow/_pyarrow_cpp_tests*",
    "sklearn/datasets/data",
    "sklearn/datasets/descr",
    "sklearn/datasets/images",
    "statsmodels/datasets/*/*.csv",
    "statsmodels/datasets/*/src",
    "pydeck/nbextension",
    "plotly/labextension",
    "plotly/package_data/plotly.min.js",  # Streamlit's frontend bundles its own plotly.js
    "plotly/package_data/widgetbundle.js",  # FigureWidget, Jupyter only
    "prophet/stan_model/cmdstan-*/stan",
    "prophet/stan_model/cmdstan-*/bin/stanc",
)
# Globs under the venv.
UNUSED_VENV_PATHS: Final = ("share/jupyter",)
# Bytecode for every module of these (servers import theirs lazily, at start and per request);
# every other library gets it only for the modules the services import.
BYTECODE_KEPT: Final = (
    PACKAGE,
    "billiard",
    "celery",
    "fastapi",
    "kombu",
    "starlette",
    "streamlit",
    "uvicorn",
)
# Imported lazily by the servers themselves, not by our code.
SERVER_MODULES: Final = (
    "plotly.graph_objs._figure",
    "plotly.graph_objs._scatter",
    "plotly.graph_objs._bar",
    "plotly.io._json",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.sqlite.pysqlite",
)


def site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def remove_distributions(names: tuple[str, ...]) -> None:
    """Delete each installed distribution's files (its RECORD), as ``pip uninstall`` would."""
    for name in names:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        folders: set[Path] = set()
        for file in dist.files or ():
            path = Path(str(dist.locate_file(file))).resolve()
            if path.is_file() or path.is_symlink():
                path.unlink()
                folders.add(path.parent)
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            _remove_if_empty(folder)


def _remove_if_empty(folder: Path) -> None:
    """Remove the folder if the removal left it empty (but for an empty ``__pycache__``)."""
    cache = folder / "__pycache__"
    if cache.is_dir() and not any(cache.iterdir()):
        cache.rmdir()
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def remove_paths(root: Path, patterns: tuple[str, ...]) -> None:
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()


def link_duplicates(root: Path) -> None:
    """Byte-identical regular files in one folder: keep one, the others link to it."""
    groups: dict[tuple[Path, int, str], list[Path]] = defaultdict(list)
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_size >= 64 * 1024:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            groups[(path.parent, path.stat().st_size, digest)].append(path)
    for paths in groups.values():
        keep, *copies = sorted(paths, key=lambda p: (len(p.name), p.name))
        for copy in copies:
            copy.unlink()
            copy.symlink_to(keep.name)


def strip_binaries(root: Path) -> None:
    """Drop symbol tables and debug sections from our libraries' ELF files (``strip``, from
    binutils). Not the vendored ``*.libs`` folders: auditwheel rewrote those with patchelf."""
    strip = shutil.which("strip")
    if strip is None:
        raise SystemExit("strip (binutils) is needed to slim the venv")
    for path in root.rglob("*.so*"):
        if path.is_symlink() or not path.is_file() or path.parent.name.endswith(".libs"):
            continue
        with path.open("rb") as head:
            if head.read(4) != b"\x7fELF":
                continue
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)


def imported_by(package: Path) -> set[str]:
    """Every absolute module name the package's source imports, at any depth (also lazily)."""
    names: set[str] = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_bytes())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# Not importable outside their runner: the Streamlit script, Alembic's env, ``-m`` entries.
NOT_IMPORTABLE: Final = (f"{PACKAGE}.dashboard.app", f"{PACKAGE}.db.migrations", "__main__")

_WARM_UP: Final = """
import importlib, sys, warnings
warnings.simplefilter("ignore")
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException:  # optional extras, typing-only names, attribute imports
        print(name)
"""


def own_modules(package: Path) -> set[str]:
    """The package's importable modules: each must still import after slimming."""
    names = set()
    for source in package.rglob("*.py"):
        parts = source.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if not any(name.startswith(skip) or name.endswith(skip) for skip in NOT_IMPORTABLE):
            names.add(name)
    return names


def rebuild_bytecode(kept: tuple[str, ...]) -> None:
    """Drop the packages' bytecode, then import what our code imports to write it back;
    fail if any module of ours no longer imports (slimming removed something it needs)."""
    root = site_packages()
    for cache in root.rglob("__pycache__"):
        if cache.relative_to(root).parts[0] not in kept:
            shutil.rmtree(cache)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{PACKAGE} is not installed in {sys.prefix}")
    package = Path(spec.origin).parent
    ours = own_modules(package)
    modules = sorted(ours | imported_by(package) | set(SERVER_MODULES))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as scratch:
        env |= {"SUPPORT_AI_DATA_DIR": scratch, "HOME": scratch}
        failed = subprocess.run(
            [sys.executable, "-c", _WARM_UP, *modules],
            env=env,
            cwd=scratch,
            check=True,
            timeout=900,
            capture_output=True,
            text=True,
        ).stdout.split()
    broken = sorted(ours & set(failed))
    if broken:
        raise SystemExit(f"no longer importable after slimming: {', '.join(broken)}")


def main() -> None:
    root = site_packages()
    venv = Path(sys.prefix)
    remove_distributions(UNUSED_DISTRIBUTIONS)
    remove_paths(root, UNUSED_PATHS)
    remove_paths(venv, UNUSED_VENV_PATHS)
    link_duplicates(root)
    strip_binaries(root)
    rebuild_bytecode(BYTECODE_KEPT)


if __name__ == "__main__":
    main()
