"""Whole-tree forecast runs: computed once, stored in the object store, served from there.

A run's id is a hash of everything that determines it (the data versions' content and the
run parameters), so asking for the same run twice returns the stored result instead of
recomputing it. Arrays are stored as ``.npz`` loaded with ``allow_pickle=False``; the model
each queue used ("auto" runs) is a fixed-width unicode array, so no pickle is needed.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Self

import numpy as np

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.datasets.active import LoadedData
from tasks_support_system_ai.errors import NotFoundError, shown
from tasks_support_system_ai.forecasting.series_pool import Progress
from tasks_support_system_ai.forecasting.tree_forecast import (
    TreeForecast,
    check_model,
    forecast_tree,
)
from tasks_support_system_ai.lru import LRUCache
from tasks_support_system_ai.storage import ObjectStore

METHODS = ("bottom_up", "wls_struct", "wls_var", "mint_shrink")


@dataclass(frozen=True)
class RunSpec:
    """A whole-tree run's parameters: the ``forecast_all`` job's, and (with the data) its id."""

    horizon: int = 30
    granularity: Granularity = Granularity.DAILY
    cutoff: date | None = None
    method: str = "mint_shrink"
    levels: tuple[int, ...] = (80, 95)
    model: str = "vets"

    def to_json(self) -> dict[str, Any]:
        """Stored on jobs and runs, and hashed into the run id (so keep the form stable)."""
        return {
            "horizon": self.horizon,
            "granularity": self.granularity.value,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "method": self.method,
            "levels": list(self.levels),
            "model": self.model,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        cutoff = data.get("cutoff")
        return cls(
            horizon=int(data["horizon"]),
            granularity=Granularity(data["granularity"]),
            cutoff=date.fromisoformat(cutoff) if cutoff else None,
            method=data["method"],
            levels=tuple(data["levels"]),
            model=data["model"],
        )

    def run_id(self, data: LoadedData) -> str:
        payload = json.dumps(
            [data.tickets.content_hash, data.hierarchy.content_hash, self.to_json()]
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    spec: dict[str, Any]
    tickets_version: int
    hierarchy_version: int
    queues: int
    seconds: float
    created: bool = field(default=True, compare=False)


class ForecastRuns:
    def __init__(self, objects: ObjectStore, cache_size: int = 4) -> None:
        self.objects = objects
        self.loaded: LRUCache[str, TreeForecast] = LRUCache(cache_size)

    def run(self, data: LoadedData, spec: RunSpec, progress: Progress | None = None) -> RunInfo:
        """Forecast and reconcile every queue, unless this exact run is already stored.

        ``progress`` hears the share done of an "auto" run's per-series fits.
        """
        check_model(spec.model)
        run_id = spec.run_id(data)
        if self.objects.exists(_meta_key(run_id)):
            return RunInfo(**json.loads(self.objects.get_bytes(_meta_key(run_id))), created=False)
        started = time.perf_counter()
        result = forecast_tree(
            data.load,
            horizon=spec.horizon,
            granularity=spec.granularity,
            cutoff=spec.cutoff,
            levels=spec.levels,
            method=spec.method,
            model=spec.model,
            progress=progress,
        )
        info = RunInfo(
            run_id,
            spec.to_json(),
            data.tickets.id,
            data.hierarchy.id,
            int(result.queue_ids.size),
            round(time.perf_counter() - started, 3),
        )
        self.objects.put_bytes(_arrays_key(run_id), _to_npz(result))
        meta = {k: v for k, v in asdict(info).items() if k != "created"}
        self.objects.put_bytes(_meta_key(run_id), json.dumps(meta).encode())
        self.loaded.put(run_id, result)
        return info

    def get(self, run_id: str) -> TreeForecast:
        def load() -> TreeForecast:
            if not _RUN_ID.fullmatch(run_id) or not self.objects.exists(_arrays_key(run_id)):
                raise NotFoundError(
                    f"Forecast run {shown(run_id)} does not exist; "
                    "start one: POST /api/forecast_all",
                    code="forecast_run_not_found",
                )
            return _from_npz(self.objects.get_bytes(_arrays_key(run_id)))

        return self.loaded.get_or_compute(run_id, load)[0]

    def list(self) -> list[dict[str, Any]]:
        keys = [k for k in self.objects.list("forecasts/") if k.endswith("/meta.json")]
        return [json.loads(self.objects.get_bytes(k)) for k in keys]


_RUN_ID = re.compile(r"[0-9A-Za-z_-]{1,100}")  # run ids are hashes: never a path or a long name


def _meta_key(run_id: str) -> str:
    return f"forecasts/{run_id}/meta.json"


def _arrays_key(run_id: str) -> str:
    return f"forecasts/{run_id}/forecast.npz"


def _to_npz(result: TreeForecast) -> bytes:
    arrays: dict[str, np.ndarray[Any, Any]] = {
        "queue_ids": result.queue_ids,
        "dates": result.dates.astype("datetime64[D]"),
        "mean": result.mean,
        "meta": np.array(
            [result.method, str(result.cutoff), str(Granularity(result.granularity).value)]
        ),
    }
    if result.chosen is not None:
        arrays["chosen"] = np.asarray(result.chosen, dtype=np.str_)
    for level in result.lower:
        arrays[f"lower_{level}"] = result.lower[level]
        arrays[f"upper_{level}"] = result.upper[level]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def _from_npz(data: bytes) -> TreeForecast:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        levels = sorted(int(k.split("_")[1]) for k in npz.files if k.startswith("lower_"))
        method, cutoff, granularity = (str(x) for x in npz["meta"])
        return TreeForecast(
            queue_ids=npz["queue_ids"],
            dates=npz["dates"],
            mean=npz["mean"],
            lower={lv: npz[f"lower_{lv}"] for lv in levels},
            upper={lv: npz[f"upper_{lv}"] for lv in levels},
            method=method,
            cutoff=date.fromisoformat(cutoff),
            granularity=Granularity(granularity),
            chosen=npz["chosen"] if "chosen" in npz.files else None,
        )
