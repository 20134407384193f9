"""The compose stack, checked without a Docker engine: ``docker-compose config`` validates the
file; the rest checks that the pieces fit (commands exist, ports, health, volumes, limits)."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
import typer
import yaml
from deploy_support import REPO, require_tool

from tasks_support_system_ai.cli.main import app as cli_app
from tasks_support_system_ai.observability import metrics

APP_SERVICES = ("api", "worker", "dashboard")
LONG_RUNNING = (
    "api",
    "worker",
    "dashboard",
    "nginx",
    "postgres",
    "redis",
    "minio",
    "prometheus",
    "grafana",
)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The file as docker-compose resolves it with the example environment."""
    tool = require_tool("docker-compose", "apt-get install docker-compose")
    result = subprocess.run(
        [tool, "--env-file", ".env.example", "config"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    resolved: dict[str, Any] = yaml.safe_load(result.stdout)
    return resolved


def _check_cli(argv: list[str]) -> None:
    """Parse ``argv`` with the package's own CLI: an unknown command or option raises."""
    assert argv[0] == "support-ai", argv
    group: Any = typer.main.get_command(cli_app)  # a click group (typer may vendor click)
    context = group.make_context("support-ai", [], resilient_parsing=True)
    command = group.get_command(context, argv[1])
    assert command is not None, f"support-ai has no command {argv[1]!r}"
    command.make_context(argv[1], argv[2:], parent=context)


def test_services_commands_and_images(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(LONG_RUNNING) | {"minio-init"} == set(services)
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1, "api, worker and dashboard run one image"
    assert services["api"]["command"][:4] == ["support-ai", "api", "--workers", "2"]
    for name in APP_SERVICES:
        _check_cli(services[name]["command"])
    dockerfile = (REPO / "Dockerfile").read_text()
    default = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))  # type: ignore[union-attr]
    _check_cli(default)


def test_health_and_start_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"], name
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            wanted = (
                "service_completed_successfully"
                if dependency == "minio-init"
                else "service_healthy"
            )
            assert rule["condition"] == wanted, (name, dependency)
    assert set(services["api"]["depends_on"]) == {"postgres", "redis", "minio-init"}
    assert set(services["nginx"]["depends_on"]) == {"api", "dashboard"}


def _host_ip(port: str | dict[str, Any]) -> str:
    """The address a published port binds (compose v1 prints short strings, v2 mappings)."""
    if isinstance(port, dict):
        return str(port.get("host_ip", ""))
    parts = port.split(":")
    return parts[0] if len(parts) == 3 else ""


def _named_volume(volume: str | dict[str, Any]) -> str | None:
    if isinstance(volume, dict):
        return str(volume["source"]) if volume["type"] == "volume" else None
    source = volume.split(":", 1)[0]
    return None if source.startswith(("/", ".")) else source


def test_only_nginx_is_public_and_data_is_in_named_volumes(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert _host_ip(port) == "127.0.0.1" or name == "nginx", (name, port)
    declared = set(compose["volumes"])
    used = {
        named
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if (named := _named_volume(volume))
    }
    assert used == declared
    assert {"app-data", "postgres-data", "minio-data", "prometheus-data", "grafana-data"} <= used


def test_one_environment_configures_everything(compose: dict[str, Any]) -> None:
    services = compose["services"]
    api, worker, nginx = (services[n]["environment"] for n in ("api", "worker", "nginx"))
    for setting in ("SUPPORT_AI_DATABASE_URL", "SUPPORT_AI_BROKER_URL", "SUPPORT_AI_S3_ENDPOINT"):
        assert api[setting] == worker[setting], setting
    assert api["SUPPORT_AI_BROKER_URL"].startswith("redis://")
    assert api["SUPPORT_AI_MAX_UPLOAD_MB"] == nginx["SUPPORT_AI_MAX_UPLOAD_MB"]
    template = (REPO / "nginx/templates/support-ai.conf.template").read_text()
    assert "client_max_body_size ${SUPPORT_AI_MAX_UPLOAD_MB}m;" in template
    assert nginx["SUPPORT_AI_API_UPSTREAM"] == "api:8000"
    example = (REPO / ".env.example").read_text()
    assert "SUPPORT_AI_SENTRY_DSN=\n" in example, "Sentry stays off by default"


def test_prometheus_scrapes_the_services_and_grafana_shows_real_series(
    compose: dict[str, Any],
) -> None:
    config = yaml.safe_load((REPO / "prometheus/prometheus.yml").read_text())
    targets = {
        t for job in config["scrape_configs"] for c in job["static_configs"] for t in c["targets"]
    }
    worker_port = compose["services"]["worker"]["environment"]["SUPPORT_AI_WORKER_METRICS_PORT"]
    assert targets == {"api:8000", f"worker:{worker_port}"}
    dashboard = json.loads((REPO / "grafana/dashboards/support-ai.json").read_text())
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    used = set(re.findall(r"support_ai_[a-z_]+", exprs))
    known = {
        "support_ai_http_requests_total",
        "support_ai_http_request_duration_seconds_bucket",
        "support_ai_http_requests_in_flight",
        "support_ai_model_inferences_total",
        "support_ai_model_inference_duration_seconds_bucket",
        "support_ai_job_transitions_total",
        "support_ai_job_duration_seconds_bucket",
        "support_ai_jobs",
        "support_ai_job_queue_depth",
        "support_ai_dataset_versions",
        "support_ai_worker_heartbeat_timestamp_seconds",
    }
    assert used <= known, used - known
    titles = " ".join(p["title"].lower() for p in dashboard["panels"])
    for wanted in (
        "request rate",
        "errors",
        "latency percentiles",
        "inference latency",
        "jobs by state",
        "queue depth",
    ):
        assert wanted in titles
    assert metrics.HTTP_REQUESTS._name == "support_ai_http_requests"


def test_image_is_slim_non_root_hash_locked_and_healthchecked() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.MULTILINE)
    assert [name for _, name in stages] == ["builder", "runtime"]
    assert "--require-hashes -r requirements/main.lock" in dockerfile
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert re.search(r"^USER 10001", runtime, re.MULTILINE)
    assert "HEALTHCHECK" in runtime
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime
    assert not re.search(r"apt-get install|gcc|build-essential", runtime)
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    assert ignored[1:2] == ["*"] or "*" in ignored, "the build context is allow-listed"
