"""wrk (C, one process) driving a mix of requests, and its output parsed.

A Lua script cycles through a shuffled list of prepared requests, so the mix (say 70 % analytics
reads, 25 % predictions, 5 % forecasts) holds over any few hundred requests.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

UNITS: Final = {"us": 1e-3, "ms": 1.0, "s": 1e3}
LUA: Final = """
local specs = {%s}
local formatted = nil
local i = 0
request = function()
  if formatted == nil then
    formatted = {}
    for n, s in ipairs(specs) do
      formatted[n] = wrk.format(s[1], s[2], s[3], s[4])
    end
  end
  i = i %% #formatted + 1
  return formatted[i]
end
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str | None = None


@dataclass(frozen=True)
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx responses plus socket errors

    def as_dict(self) -> dict[str, float | int]:
        return vars(self).copy()


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    return found


def mixed_script(
    groups: list[tuple[float, list[Request]]],
    headers: dict[str, str],
    folder: Path,
    size: int = 1000,
) -> Path:
    """A Lua script cycling through ``size`` requests drawn with the groups' shares."""
    rng = random.Random(7)
    picked: list[Request] = []
    for share, requests in groups:
        picked += [rng.choice(requests) for _ in range(round(share * size))]
    rng.shuffle(picked)
    specs = ",\n".join(_lua_spec(r, headers) for r in picked)
    path = folder / "mix.lua"
    path.write_text(LUA % specs, encoding="utf-8")
    return path


def _lua_spec(request: Request, headers: dict[str, str]) -> str:
    all_headers = {**headers, **({"Content-Type": "application/json"} if request.body else {})}
    pairs = ", ".join(f"[ {_lua_str(k)} ] = {_lua_str(v)}" for k, v in all_headers.items())
    lua_headers = "{ " + pairs + " }"  # spaces: "[[" would open a Lua long string
    body = _lua_str(request.body) if request.body is not None else "nil"
    return f"{{ {_lua_str(request.method)}, {_lua_str(request.path)}, {lua_headers}, {body} }}"


def _lua_str(text: str) -> str:
    return "[==[" + text + "]==]"


def run(url: str, seconds: float, connections: int, script: Path, threads: int = 1) -> Result:
    command = [
        require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        "--latency", "--timeout", "10s", "-s", str(script), url,
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    if completed.stderr.strip():  # wrk reports a broken script here and carries on without it
        raise SystemExit(f"wrk: {completed.stderr.strip()}")
    output = completed.stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(int(n) for n in sockets.groups()) if sockets else 0
    return Result(
        requests=int(re.search(r"(\d+) requests in", output)[1]),  # type: ignore[index]
        rps=round(float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]), 1),  # type: ignore[index]
        p50_ms=_latency(output, "50%"),
        p99_ms=_latency(output, "99%"),
        errors=(int(non_2xx[1]) if non_2xx else 0) + socket_errors,
    )


def _latency(output: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return round(float(value) * UNITS[unit], 3)


def predict_body(model_id: str, text: str) -> str:
    return json.dumps({"id": model_id, "text": text}, ensure_ascii=False)
