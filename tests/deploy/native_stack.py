"""The compose topology run natively on local ports, for the stack test and the soak benchmark.

nginx (Debian's, with the repo's template rendered), the API with 2 uvicorn workers, a Celery
worker on Redis, the dashboard (when it exists), PostgreSQL, moto's S3 server standing in for
MinIO, and Prometheus (Debian's) scraping the API and the worker with the repo's alert rules.
Every process logs to a file in the scratch folder; ``stop`` ends only the processes started here.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx
import yaml
from deploy_support import REPO, render_template

START_TIMEOUT_S: Final = 150.0
STOP_TIMEOUT_S: Final = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class NativeStack:
    """Start with ``start()``; ``url`` is nginx; ``stop()`` in a ``finally``."""

    scratch: Path
    database_url: str
    redis_url: str
    api_workers: int = 2
    max_upload_mb: int = 2
    with_dashboard: bool = True
    log_level: str = "WARNING"
    nginx_workers: int = 1
    demo: bool = False
    rate_limit_per_minute: int | None = None  # None: the service's default
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}"

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['prometheus']}"

    @property
    def api_data_dir(self) -> Path:
        return self.scratch / "api"

    def api_headers(self) -> dict[str, str]:
        """The admin key the API writes on first start (once auth exists), for writes."""
        key_file = self.api_data_dir / "admin_api_key"
        return {"X-API-Key": key_file.read_text().strip()} if key_file.exists() else {}

    # start / stop ------------------------------------------------------------------------

    def start(self) -> NativeStack:
        self.scratch.mkdir(parents=True, exist_ok=True)
        for name in ("nginx", "api", "dashboard", "worker_metrics", "prometheus", "s3"):
            self.ports[name] = free_port()
        self._spawn(
            "s3",
            [
                str(Path(sys.executable).parent / "moto_server"),
                "-H",
                "127.0.0.1",
                "-p",
                str(self.ports["s3"]),
            ],
        )
        self._spawn(
            "api",
            self._cli("api", "--workers", str(self.api_workers), "--port", str(self.ports["api"])),
            self._app_env("api"),
        )
        self._start_nginx()
        self._start_prometheus()
        if self.with_dashboard:
            api_url = f"http://127.0.0.1:{self.ports['api']}"
            dashboard = self._cli(
                "dashboard", "--api-url", api_url, "--port", str(self.ports["dashboard"])
            )
            self._spawn("dashboard", dashboard, self._app_env("api"))
        self.wait_for("api", f"http://127.0.0.1:{self.ports['api']}/health")
        # After the API: it migrates the schema once; a worker starting at the same time races it.
        worker_env = {
            # The data folder is shared, as compose shares a volume (the demo texts live there);
            # metrics are the worker's own, as in its own container (served on its own port).
            **self._app_env("api"),
            "SUPPORT_AI_METRICS_DIR": str(self.scratch / "worker" / "metrics"),
            "SUPPORT_AI_WORKER_METRICS_PORT": str(self.ports["worker_metrics"]),
        }
        self._spawn("worker", self._cli("worker", "--concurrency", "2"), worker_env)
        self.wait_for("nginx", f"{self.url}/health")
        self.wait_for("worker", f"http://127.0.0.1:{self.ports['worker_metrics']}/metrics")
        self.wait_for("prometheus", f"{self.prometheus_url}/-/ready")
        if self.with_dashboard:
            self.wait_for("dashboard", f"http://127.0.0.1:{self.ports['dashboard']}/_stcore/health")
        return self

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def wait_for(self, name: str, url: str, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for other, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{other} exited ({process.returncode}):\n{self.log_tail(other)}"
                    )
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(
            f"{name} not up at {url} after {timeout_s:.0f} s:\n{self.log_tail(name)}"
        )

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.scratch / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    # pieces ------------------------------------------------------------------------------

    def _cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tasks_support_system_ai.cli", *args]

    def _app_env(self, role: str) -> dict[str, str]:
        queue = f"stack-{uuid.uuid5(uuid.NAMESPACE_URL, str(self.scratch)).hex[:12]}"
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("SUPPORT_AI_", "PROMETHEUS_"))
        }
        return {
            **env,
            "SUPPORT_AI_DATA_DIR": str(self.scratch / role),
            "SUPPORT_AI_DATABASE_URL": self.database_url,
            "SUPPORT_AI_BROKER_URL": self.redis_url,
            "SUPPORT_AI_JOB_QUEUE": queue,
            "SUPPORT_AI_S3_ENDPOINT": f"127.0.0.1:{self.ports['s3']}",
            "SUPPORT_AI_S3_BUCKET": "support-ai-stack",
            "SUPPORT_AI_S3_ACCESS_KEY": "stack",
            "SUPPORT_AI_S3_SECRET_KEY": "stack-secret",
            "SUPPORT_AI_MAX_UPLOAD_MB": str(self.max_upload_mb),
            "SUPPORT_AI_LOG_FORMAT": "json",
            "SUPPORT_AI_LOG_LEVEL": self.log_level,
            "SUPPORT_AI_DEMO": "true" if self.demo else "false",
            "SUPPORT_AI_API_URL": f"http://127.0.0.1:{self.ports['api']}",
            **(
                {"SUPPORT_AI_RATE_LIMIT_PER_MINUTE": str(self.rate_limit_per_minute)}
                if self.rate_limit_per_minute is not None
                else {}
            ),
        }

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.scratch / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            argv,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.scratch,
            start_new_session=True,
        )

    def _start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        folder = self.scratch / "nginx"
        (folder / "temp").mkdir(parents=True, exist_ok=True)
        site = render_template(
            (REPO / "nginx/templates/support-ai.conf.template").read_text(),
            {
                "SUPPORT_AI_API_UPSTREAM": f"127.0.0.1:{self.ports['api']}",
                "SUPPORT_AI_DASHBOARD_UPSTREAM": f"127.0.0.1:{self.ports['dashboard']}",
                "NGINX_HTTP_PORT": f"127.0.0.1:{self.ports['nginx']}",
                "NGINX_SERVER_NAME": "localhost",
                "NGINX_ACCESS_LOG": str(folder / "access.log"),
                "NGINX_SNIPPETS": str(REPO / "nginx/snippets"),
                "SUPPORT_AI_MAX_UPLOAD_MB": str(self.max_upload_mb),
            },
        )
        (folder / "support-ai.conf").write_text(site)
        temp = folder / "temp"
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes {self.nginx_workers};\n"
            f"pid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n  include /etc/nginx/mime.types;\n"
            f"  client_body_temp_path {temp / 'body'};\n  proxy_temp_path {temp / 'proxy'};\n"
            f"  fastcgi_temp_path {temp / 'fastcgi'};\n  uwsgi_temp_path {temp / 'uwsgi'};\n"
            f"  scgi_temp_path {temp / 'scgi'};\n"
            f"  include {folder / 'support-ai.conf'};\n}}\n"
        )
        test = subprocess.run(
            [
                nginx,
                "-t",
                "-q",
                "-p",
                str(folder),
                "-c",
                str(folder / "nginx.conf"),
                "-e",
                str(folder / "error.log"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if test.returncode != 0:
            raise RuntimeError(f"nginx rejects the rendered config:\n{test.stderr}")
        self._spawn(
            "nginx",
            [
                nginx,
                "-p",
                str(folder),
                "-c",
                str(folder / "nginx.conf"),
                "-e",
                str(folder / "error.log"),
            ],
        )

    def _start_prometheus(self) -> None:
        folder = self.scratch / "prometheus"
        folder.mkdir(exist_ok=True)
        config = yaml.safe_load((REPO / "prometheus/prometheus.yml").read_text())
        local = {
            "api:8000": f"127.0.0.1:{self.ports['api']}",
            "worker:9101": f"127.0.0.1:{self.ports['worker_metrics']}",
        }
        config["global"]["scrape_interval"] = "1s"
        config["global"]["evaluation_interval"] = "1s"
        config["rule_files"] = [str(REPO / "prometheus/alerts.yml")]
        for job in config["scrape_configs"]:
            for group in job["static_configs"]:
                group["targets"] = [local[t] for t in group["targets"]]
        (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
        self._spawn(
            "prometheus",
            [
                shutil.which("prometheus") or "/usr/bin/prometheus",
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.ports['prometheus']}",
            ],
        )

    def prometheus_query(self, query: str) -> list[dict[str, object]]:
        response = httpx.get(
            f"{self.prometheus_url}/api/v1/query", params={"query": query}, timeout=10
        )
        response.raise_for_status()
        result: list[dict[str, object]] = response.json()["data"]["result"]
        return result

    def wait_for_series(
        self,
        query: str,
        accept: Callable[[list[dict[str, object]]], bool] = bool,
        timeout_s: float = 30,
    ) -> list[dict[str, object]]:
        """The query's result once ``accept`` likes it (Prometheus scrapes every second)."""
        deadline = time.monotonic() + timeout_s
        result = self.prometheus_query(query)
        while not accept(result) and time.monotonic() < deadline:
            time.sleep(0.5)
            result = self.prometheus_query(query)
        return result
