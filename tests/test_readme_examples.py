"""The README's examples, run as written against one live ``support-ai serve`` (fresh data dir).

Every ``curl`` line of the README's ``bash`` blocks, and the ``support-ai data large-table``
step the labeling example needs, runs through bash in a scratch folder; each must answer 2xx.
What a reader substitutes is substituted the way a reader would: ``localhost:8000`` becomes the
test server, ``<run_id>`` the run the forecast example created, ``model_3f2a…`` the model the
fit example returned (once it is ready, as its comment says), ``job_1a2b…`` the job the line is
about, and the files named with ``@`` are small valid files in the scratch folder.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from factories import tickets_csv

README = Path(__file__).resolve().parents[1] / "README.md"
NEEDS_READERS_OWN_DATABASE = '"connection": "crm"'
"""The SQL labeling example names the reader's own database connection; it cannot run as written."""
EXPECTED_STATUS = re.compile(r"#\s*(\d{3})\b")
"""An example whose comment starts with a status (``# 401 …``) shows a refusal on purpose."""
WAIT_S = 180
JOB_WAIT_S = 600
"""Jobs get longer: on a loaded 2-core runner a labeling job's child processes start slowly."""


def readme_commands() -> list[str]:
    """Commands of the README's bash blocks with curl examples: curl lines and the steps they
    need (the labeling table), continuation lines (a trailing backslash or an open single
    quote) joined."""
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(), re.S):
        if "curl " not in block:
            continue
        pending = ""
        for line in block.splitlines():
            pending = f"{pending}\n{line}" if pending else line
            if pending.endswith("\\") or pending.count("'") % 2:
                continue
            if pending.startswith(("curl ", ".venv/bin/support-ai data large-table")):
                commands.append(pending)
            pending = ""
    return [c for c in commands if NEEDS_READERS_OWN_DATABASE not in c]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "SUPPORT_AI_DATA_DIR": str(data_dir), "SUPPORT_AI_LOG_LEVEL": "WARNING"}
    key_file = data_dir / "admin_api_key"  # written by serve once the API needs keys
    if key_file.exists():
        env["SUPPORT_AI_API_KEY"] = key_file.read_text().strip()
    return env


@dataclass
class Server:
    data_dir: Path
    base: str
    client: httpx.Client
    seen: dict[str, str] = field(default_factory=dict)

    def wait_for(self, what: str, done: Callable[[], Any], seconds: float = WAIT_S) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if found := done():
                return found
            time.sleep(0.5)
        jobs = [{k: j.get(k) for k in ("id", "kind", "status", "progress")} for j in self.jobs()]
        pytest.fail(f"timed out waiting for {what}; jobs: {jobs}")

    def models(self) -> list[dict[str, Any]]:
        return list(self.client.get("/api/get_models").json())

    def jobs(self) -> list[dict[str, Any]]:
        return list(self.client.get("/api/jobs", params={"limit": 100}).json())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data_dir = tmp_path / "data"
    port = _free_port()
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=_environment(data_dir), stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, timeout=60)
    try:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            try:
                if client.get("/ready").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        client.headers.update(_auth_headers(data_dir))
        yield Server(data_dir, base, client)
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)


def _auth_headers(data_dir: Path) -> dict[str, str]:
    key = _environment(data_dir).get("SUPPORT_AI_API_KEY")
    return {"X-API-Key": key} if key else {}


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The reader's working folder, with the files the examples upload."""
    folder = tmp_path / "reader"
    folder.mkdir()
    (folder / "my_tickets.csv").write_bytes(tickets_csv())
    (folder / "labeled_tickets.csv").write_text(_labeled_texts())
    (folder / "tickets.csv").write_text("text\nМой роуминг не работает\nОшибка оплаты\n")
    return folder


def _labeled_texts() -> str:
    """A reader's small labeled file: ``text,label``, 20 tickets for each of three labels."""
    phrases = {
        "billing": "Списали деньги дважды за один счёт",
        "internet": "Не работает мобильный интернет дома",
        "roaming": "Не работает роуминг за границей",
    }
    rows = [f"{text} (обращение {k}),{label}" for label, text in phrases.items() for k in range(20)]
    return "text,label\n" + "\n".join(rows) + "\n"


def without_comments(command: str) -> str:
    """The command without its ``# ...`` comments (a ``#`` outside quotes after a space)."""
    kept, quoted = [], False
    for line in command.split("\n"):
        end = len(line)
        for k, char in enumerate(line):
            quoted ^= char == "'"
            if char == "#" and not quoted and (k == 0 or line[k - 1] == " "):
                end = k
                break
        kept.append(line[:end].rstrip())
    return "\n".join(kept)


def substitute(command: str, server: Server) -> str:
    """The command as the reader would type it against this server."""
    command = without_comments(command)
    command = command.replace("localhost:8000", server.base.removeprefix("http://"))
    command = command.replace(
        ".venv/bin/support-ai", f"{sys.executable} -m tasks_support_system_ai.cli"
    )
    if "<run_id>" in command:
        command = command.replace("<run_id>", server.seen["run_id"])
    if "model_3f2a…" in command:
        model_id = server.seen["model_id"]
        server.wait_for(f"model {model_id} to be ready", lambda: _ready(server, model_id))
        command = command.replace("model_3f2a…", model_id)
    if "keys/3f2a9c01d4e7" in command:  # the README's example key id: the key made above
        command = command.replace("3f2a9c01d4e7", server.seen["key_id"])
    if "job_1a2b…" in command:
        command = command.replace("job_1a2b…", _job_for(command, server))
    if '"production"' in command:
        server.wait_for(
            "a production model",
            lambda: any(
                m["stage"] == "production" and m["status"] == "ready" for m in server.models()
            ),
        )
    return command


def _ready(server: Server, model_id: str) -> bool:
    return any(m["id"] == model_id and m["status"] == "ready" for m in server.models())


def _job_for(command: str, server: Server) -> str:
    """The job a line is about: the labeling job for labeling lines, a succeeded job for a
    result, a running one to cancel, else the newest."""
    if "/labeling/" in command:
        job_id = server.seen["labeling_job"]
        if "sample_result" in command:
            server.wait_for("the labeling job", lambda: _finished(server, job_id), JOB_WAIT_S)
        return job_id
    jobs = server.jobs()
    if "/result" in command:
        return str(next(j["id"] for j in jobs if j["status"] == "succeeded"))
    if "/cancel" in command:
        return str(next(j["id"] for j in jobs if j["status"] in ("queued", "running")))
    return str(jobs[0]["id"])


def _finished(server: Server, job_id: str) -> bool:
    status = server.client.get(f"/api/jobs/{job_id}").json()["status"]
    assert status not in ("failed", "cancelled"), status
    return bool(status == "succeeded")


def remember(command: str, body: str, server: Server) -> None:
    """Ids that later examples refer to."""
    try:
        answer = json.loads(body)
    except ValueError:
        return
    if isinstance(answer, str) and answer.startswith("model_") and "fit_nlp" in command:
        server.seen["model_id"] = answer
    if isinstance(answer, dict):
        if "run_id" in answer:
            server.seen["run_id"] = answer["run_id"]
        if "/api/admin/keys" in command and isinstance(answer.get("key"), dict):
            server.seen["key_id"] = answer["key"]["id"]
        if "/labeling/create_task" in command and "id" in answer:
            server.seen["labeling_job"] = answer["id"]


def test_every_readme_example_answers_2xx(server: Server, scratch: Path) -> None:
    """One test, so one server: xdist would start a server per test it hands out."""
    check_queue_count(server)
    commands = readme_commands()
    assert len(commands) >= 30
    for command in commands:
        typed = substitute(command, server)
        if typed.startswith("curl"):  # the status code goes to stderr; the body stays as written
            typed = "curl -w '%{stderr}%{http_code}'" + typed.removeprefix("curl")
        run = subprocess.run(
            ["bash", "-c", typed],
            cwd=scratch,
            env=_environment(server.data_dir),
            capture_output=True,
            text=True,
            timeout=WAIT_S,
            check=False,
        )
        assert run.returncode == 0, f"{command}\n{run.stderr[-2000:]}"
        if command.startswith("curl"):
            status = run.stderr.strip()[-3:]
            shown = EXPECTED_STATUS.search(command)
            if shown:
                assert status == shown.group(1), f"{command}\n→ {status} {run.stdout[:1000]}"
                continue
            assert status.startswith("2"), f"{command}\n→ {status} {run.stdout[:1000]}"
            remember(command, run.stdout, server)
    assert (scratch / "scored.csv").read_text().startswith("text,prediction")


def check_queue_count(server: Server) -> None:
    """The demo queue count the README states is the generated data's."""
    stated = re.search(r"over ([\d,]+) queues", README.read_text())
    assert stated is not None
    by_level = server.client.get("/api/queues").json()["queues_by_level"]
    assert sum(len(level) for level in by_level.values()) == int(stated[1].replace(",", ""))
