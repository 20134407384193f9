"""The runtime image's size, measured without a container engine, and a smoke run of its venv.

The runtime stage is the base image plus one layer that matters: ``COPY --from=builder
/opt/venv``. This script builds that venv exactly as the Dockerfile's builder does (a fresh
venv, ``pip install --require-hashes -r requirements/main.lock``, the package with
``--no-deps --no-build-isolation``, then ``scripts/slim_venv.py``) and sums its files' sizes
the way ``docker images`` does (apparent bytes of every non-directory entry, hard links once).
The base image is not downloadable here; its size is the constant below.

Then it runs the slimmed venv as the image would (``PYTHONDONTWRITEBYTECODE=1``): ``support-ai
serve`` on demo data (API, job worker training the default classifier with scikit-learn and
pymorphy3, Streamlit dashboard) and forecasts with prophet, sarima and es through the API.

    python benchmarks/image_size.py [--venv DIR] [--no-smoke]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

import httpx
from _common import free_port, machine, save_result

REPO: Final = Path(__file__).resolve().parent.parent
# python:3.11-slim-bookworm, linux/amd64, uncompressed, as `docker images` lists it (≈ 125-135
# MB across 3.11.x patch releases; the compressed download is ≈ 45 MB). Not measurable here.
BASE_IMAGE_MB: Final = 130.0
TARGET_MB: Final = 700.0
READY_S: Final = 300.0


def layer_mb(root: Path) -> float:
    """Sum of apparent sizes of all non-directory entries (symlinks as links, hard links once),
    as Docker's overlay2 driver reports a layer's size."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            info = os.lstat(os.path.join(folder, name))
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_size
    return total / 1e6


def build_venv(venv: Path) -> None:
    """The Dockerfile's builder stage, on this machine."""
    env = {**os.environ, "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    python = str(venv / "bin" / "python")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    lock = ["--require-hashes", "-r", "requirements/main.lock"]
    subprocess.run([python, "-m", "pip", "install", "-q", *lock], cwd=REPO, env=env, check=True)
    package = ["--no-deps", "--no-build-isolation", "."]
    subprocess.run([python, "-m", "pip", "install", "-q", *package], cwd=REPO, env=env, check=True)


def slim(venv: Path) -> None:
    subprocess.run([str(venv / "bin" / "python"), "scripts/slim_venv.py"], cwd=REPO, check=True)


def _wait(url: str, process: subprocess.Popen[bytes], headers: dict[str, str]) -> None:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode} before {url} answered")
        try:
            if httpx.get(url, headers=headers, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {READY_S:.0f} s")


def _default_model_ready(url: str, headers: dict[str, str]) -> bool:
    models = httpx.get(f"{url}/api/get_models", headers=headers, timeout=10).json()
    return any(m["stage"] == "production" and m["status"] == "ready" for m in models)


def smoke(venv: Path) -> dict[str, Any]:
    """Serve on demo data with the slimmed venv; returns what each step took."""
    port, board_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    timings: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))},
            "PYTHONDONTWRITEBYTECODE": "1",
            "SUPPORT_AI_DATA_DIR": scratch,
            "SUPPORT_AI_LOG_LEVEL": "WARNING",
        }
        command = [str(venv / "bin" / "support-ai"), "serve", "--port", str(port)]
        started = time.monotonic()
        process = subprocess.Popen(
            [*command, "--dashboard-port", str(board_port)], env=env, cwd=scratch
        )
        try:
            _wait(f"{url}/ready", process, {})
            timings["api_ready_s"] = round(time.monotonic() - started, 1)
            _wait(f"http://127.0.0.1:{board_port}/_stcore/health", process, {})
            _wait(f"http://127.0.0.1:{board_port}/", process, {})  # the app's static files
            headers = {"X-API-Key": (Path(scratch) / "admin_api_key").read_text().strip()}
            while not _default_model_ready(url, headers):
                if time.monotonic() - started > READY_S or process.poll() is not None:
                    raise SystemExit("the worker did not train the default classifier")
                time.sleep(1)
            timings["default_classifier_s"] = round(time.monotonic() - started, 1)
            for model in ("prophet", "sarima", "es"):
                begin = time.monotonic()
                response = httpx.post(
                    f"{url}/api/forecast",
                    json={"queue_id": 0, "forecast_horizon": 14, "model": model},
                    headers=headers,
                    timeout=300,
                )
                response.raise_for_status()
                body = response.json()
                assert (body["model"], len(body["values"])) == (model, 14), response.text[:500]
                timings[f"forecast_{model}_s"] = round(time.monotonic() - begin, 1)
        finally:
            process.terminate()
            process.wait(timeout=60)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--venv", type=Path, help="build here and keep it (default: temporary)")
    parser.add_argument("--no-smoke", action="store_true", help="measure only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="image-venv-") as scratch:
        venv = (args.venv or Path(scratch) / "venv").resolve()
        build_venv(venv)
        installed = layer_mb(venv)
        slim(venv)
        shipped = layer_mb(venv)
        image = BASE_IMAGE_MB + shipped
        print(f"venv as installed       {installed:7.1f} MB")
        print(f"venv in the image       {shipped:7.1f} MB  (after scripts/slim_venv.py)")
        print(f"base image (constant)   {BASE_IMAGE_MB:7.1f} MB  python:3.11-slim-bookworm")
        print(f"image, uncompressed     {image:7.1f} MB  (target ≤ {TARGET_MB:.0f} MB)")
        result: dict[str, Any] = {
            "venv_installed_mb": round(installed, 1),
            "venv_slim_mb": round(shipped, 1),
            "base_image_mb": BASE_IMAGE_MB,
            "image_mb": round(image, 1),
            "python": sys.version.split()[0],
            "machine": machine(),
        }
        if not args.no_smoke:
            result["smoke"] = smoke(venv)
            print("smoke run (serve, default classifier, forecasts):", result["smoke"])
        print(save_result("image_size", result))


if __name__ == "__main__":
    main()
