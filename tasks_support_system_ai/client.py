"""Typed Python client of the Support AI REST API: one method per endpoint.

The dashboard talks to the service only through this module, and REST users can import it
too. Every error answer becomes one exception type, :class:`ApiError`, carrying the API's
stable ``code`` and human ``message``; a server that cannot be reached is ``api_unreachable``.

The API key (sent as ``X-API-Key``) comes from the ``api_key`` argument, else the
``SUPPORT_AI_API_KEY`` environment variable, else the owner-only file
``<data_dir>/admin_api_key`` that ``support-ai serve`` writes on first start.

    from tasks_support_system_ai.client import SupportAIClient
    with SupportAIClient("http://127.0.0.1:8000") as api:
        print(api.queue_stats(0)["load"]["total_tickets"])
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx

JSON = dict[str, Any]
Granularity = Literal["daily", "weekly", "monthly"]
DatasetKind = Literal["tickets", "hierarchy", "texts"]
DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT_S = 120.0


class ApiError(Exception):
    """An error answer (or no answer) from the API: stable ``code``, human ``message``."""

    def __init__(
        self, code: str, message: str, status: int | None = None, details: JSON | None = None
    ) -> None:
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message
        self.status = status
        self.details = details or {}


def resolve_api_key(api_key: str | None = None, data_dir: Path | str | None = None) -> str | None:
    """The argument, else ``SUPPORT_AI_API_KEY``, else ``<data_dir>/admin_api_key`` if readable."""
    if api_key:
        return api_key
    if env_key := os.environ.get("SUPPORT_AI_API_KEY"):
        return env_key
    folder = Path(data_dir or os.environ.get("SUPPORT_AI_DATA_DIR", "data"))
    try:
        return (folder / "admin_api_key").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _dates(start: date | str | None, end: date | str | None) -> JSON:
    params: JSON = {}
    if start is not None:
        params["start_date"] = str(start)
    if end is not None:
        params["end_date"] = str(end)
    return params


def _clean(body: JSON) -> JSON:
    """Leave out ``None`` values so the API applies its own defaults."""
    return {k: (str(v) if isinstance(v, date) else v) for k, v in body.items() if v is not None}


class SupportAIClient:
    """A synchronous client; use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        api_key: str | None = None,
        data_dir: Path | str | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        key = resolve_api_key(api_key, data_dir)
        headers = {"X-API-Key": key} if key else {}
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )

    def __enter__(self) -> SupportAIClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- transport ---------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ApiError(
                "api_timeout", f"The API at {self.base_url} did not answer in time"
            ) from None
        except httpx.TransportError:
            raise ApiError(
                "api_unreachable", f"The API at {self.base_url} cannot be reached"
            ) from None
        if response.status_code >= 400:
            raise self._error(response)
        return response

    @staticmethod
    def _error(response: httpx.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and "code" in body:
            return ApiError(
                str(body["code"]),
                str(body.get("message", "")),
                response.status_code,
                body.get("details") if isinstance(body.get("details"), dict) else None,
            )
        reason = response.reason_phrase or "error"
        return ApiError(
            f"http_{response.status_code}",
            f"The API answered {response.status_code} {reason}",
            response.status_code,
        )

    def _get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params=_clean(params)).json()

    def _post(self, path: str, body: JSON | None = None, **params: Any) -> Any:
        return self._request("POST", path, json=body, params=_clean(params)).json()

    def _delete(self, path: str, **params: Any) -> Any:
        return self._request("DELETE", path, params=_clean(params)).json()

    # --- health ------------------------------------------------------------------------------

    def health(self) -> JSON:
        """``GET /health``: the process is up (``status``, ``version``)."""
        result: JSON = self._get("/health")
        return result

    def ready(self) -> bool:
        """``GET /ready``: data is loaded (``False`` while loading)."""
        try:
            self._request("GET", "/ready")
        except ApiError as error:
            if error.status == 503:
                return False
            raise
        return True

    # --- data --------------------------------------------------------------------------------

    def data_status(self) -> JSON:
        result: JSON = self._get("/api/data-status")
        return result

    def sample_data(self, df_type: DatasetKind, rows: int = 5) -> JSON:
        result: JSON = self._get("/api/sample_data", df_type=df_type, rows=rows)
        return result

    def reload_local_data(self) -> JSON:
        """Restore the default (demo) data sets."""
        result: JSON = self._post("/api/reload_local_data")
        return result

    def upload_data(self, df_type: DatasetKind, content: bytes, filename: str) -> JSON:
        """Validate a CSV/Parquet file and make it the active version of its kind."""
        files = {"file": (filename, content)}
        response = self._request("POST", "/api/upload_data", files=files, data={"df_type": df_type})
        result: JSON = response.json()
        return result

    def datasets(self, kind: DatasetKind | None = None) -> list[JSON]:
        result: list[JSON] = self._get("/api/datasets", kind=kind)
        return result

    def activate_dataset(self, version_id: int) -> JSON:
        result: JSON = self._post(f"/api/datasets/{version_id}/activate")
        return result

    # --- queues ------------------------------------------------------------------------------

    def queues(self) -> JSON:
        """Every queue grouped by level, busiest first (``queues_by_level``, ``total_load``)."""
        result: JSON = self._get("/api/queues")
        return result

    def queue_children(self, queue_id: int = 0) -> JSON:
        """Direct children (busiest first) and the path from the top down to the queue."""
        result: JSON = self._get("/api/queue_children", queue_id=queue_id)
        return result

    def historical(
        self,
        queue_id: int,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        granularity: Granularity = "daily",
    ) -> JSON:
        params = {"queue_id": queue_id, "granularity": granularity, **_dates(start_date, end_date)}
        result: JSON = self._get("/api/historical", **params)
        return result

    def daily_average(
        self,
        queue_id: int,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
    ) -> JSON:
        result: JSON = self._get(
            "/api/daily_average", queue_id=queue_id, **_dates(start_date, end_date)
        )
        return result

    def weekly_average(
        self,
        queue_id: int,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
    ) -> JSON:
        result: JSON = self._get(f"/api/weekly_average/{queue_id}", **_dates(start_date, end_date))
        return result

    def queue_stats(
        self,
        queue_id: int,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        granularity: Granularity = "daily",
    ) -> JSON:
        params = {"queue_id": queue_id, "granularity": granularity, **_dates(start_date, end_date)}
        result: JSON = self._get("/api/queue_stats", **params)
        return result

    # --- forecasting -------------------------------------------------------------------------

    def forecast(
        self,
        queue_id: int,
        horizon: int = 30,
        *,
        model: str | None = None,
        granularity: Granularity = "daily",
        intervals: bool = True,
        levels: list[int] | None = None,
        start_date: date | str | None = None,
    ) -> JSON:
        """Forecast one queue; ``start_date`` in the past gives a forecast to compare."""
        body = {
            "queue_id": queue_id,
            "forecast_horizon": horizon,
            "granularity": granularity,
            "include_confidence_intervals": intervals,
            "model": model,
            "levels": levels,
            "forecast_start_date": start_date,
        }
        result: JSON = self._post("/api/forecast", _clean(body))
        return result

    def train_model(
        self,
        queue_id: int,
        horizon: int = 30,
        *,
        model: str | None = None,
        granularity: Granularity = "daily",
        windows: int = 1,
    ) -> JSON:
        body = _backtest_body(queue_id, horizon, model, granularity, windows)
        result: JSON = self._post("/api/train_model", body)
        return result

    def backtest(
        self,
        queue_id: int,
        horizon: int = 30,
        *,
        model: str | None = None,
        granularity: Granularity = "daily",
        windows: int = 3,
    ) -> JSON:
        body = _backtest_body(queue_id, horizon, model, granularity, windows)
        result: JSON = self._post("/api/backtest", body)
        return result

    def compare_models(
        self,
        queue_id: int,
        models: list[str],
        horizon: int = 30,
        *,
        granularity: Granularity = "daily",
        windows: int = 3,
    ) -> JSON:
        """Backtest metrics of several models side by side; ``best`` by MASE."""
        body = {
            "queue_id": queue_id,
            "models": models,
            "forecast_horizon": horizon,
            "granularity": granularity,
            "windows": windows,
        }
        result: JSON = self._post("/api/compare_models", body)
        return result

    def clear_models(self, queue_id: int) -> JSON:
        result: JSON = self._delete(f"/api/clear_models/{queue_id}")
        return result

    def clear_all_models(self) -> JSON:
        result: JSON = self._delete("/api/clear_all_models")
        return result

    def staffing(
        self,
        queue_id: int,
        horizon: int = 30,
        *,
        model: str | None = None,
        granularity: Granularity = "daily",
        plan_for: Literal["mean", "upper_80", "upper_95"] = "mean",
        handling_minutes: float | None = None,
        service_level: float | None = None,
        target_wait_hours: float | None = None,
        working_hours: float | None = None,
        shrinkage: float | None = None,
    ) -> JSON:
        """Agents needed per period (Erlang C) for the queue's forecast."""
        body = {
            "queue_id": queue_id,
            "forecast_horizon": horizon,
            "model": model,
            "granularity": granularity,
            "plan_for": plan_for,
            "handling_minutes": handling_minutes,
            "service_level": service_level,
            "target_wait_hours": target_wait_hours,
            "working_hours": working_hours,
            "shrinkage": shrinkage,
        }
        result: JSON = self._post("/api/staffing", _clean(body))
        return result

    @staticmethod
    def _tree_body(
        horizon: int, granularity: Granularity, method: str, model: str, levels: list[int] | None
    ) -> JSON:
        return _clean(
            {
                "forecast_horizon": horizon,
                "granularity": granularity,
                "method": method,
                "model": model,
                "levels": levels,
            }
        )

    def forecast_all(
        self,
        horizon: int = 30,
        *,
        granularity: Granularity = "daily",
        method: str = "mint_shrink",
        model: str = "vets",
        levels: list[int] | None = None,
    ) -> JSON:
        """Forecast and reconcile the whole tree now (:meth:`submit_forecast_all`: as a job)."""
        body = self._tree_body(horizon, granularity, method, model, levels)
        result: JSON = self._post("/api/forecast_all", body)
        return result

    def forecast_runs(self) -> list[JSON]:
        result: list[JSON] = self._get("/api/forecast_all")
        return result

    def forecast_run_queue(self, run_id: str, queue_id: int) -> JSON:
        result: JSON = self._get(f"/api/forecast_all/{run_id}/queues/{queue_id}")
        return result

    def reconciled_forecast(
        self,
        queue_id: int,
        horizon: int = 30,
        *,
        granularity: Granularity = "daily",
        method: str = "mint_shrink",
        model: str = "vets",
    ) -> JSON:
        body = self._tree_body(horizon, granularity, method, model, None)
        result: JSON = self._post("/api/reconciled_forecast", body, queue_id=queue_id)
        return result

    def save_forecast_model(
        self, queue_id: int, *, model: str | None = None, granularity: Granularity = "daily"
    ) -> JSON:
        body = _clean({"queue_id": queue_id, "model": model, "granularity": granularity})
        result: JSON = self._post("/api/forecast_models/save", body)
        return result

    def forecast_models(self) -> list[JSON]:
        result: list[JSON] = self._get("/api/forecast_models")
        return result

    def forecast_from_registry(self, model_id: str, horizon: int = 30) -> JSON:
        body = {"forecast_horizon": horizon}
        result: JSON = self._post(f"/api/forecast_models/{model_id}/forecast", body)
        return result

    # --- jobs --------------------------------------------------------------------------------

    def jobs(
        self, kind: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[JSON]:
        """Recent jobs of every kind, newest first."""
        result: list[JSON] = self._get("/api/jobs", kind=kind, status=status, limit=limit)
        return result

    def job(self, job_id: str) -> JSON:
        result: JSON = self._get(f"/api/jobs/{job_id}")
        return result

    def job_result(self, job_id: str) -> JSON:
        result: JSON = self._get(f"/api/jobs/{job_id}/result")
        return result

    def cancel_job(self, job_id: str) -> JSON:
        result: JSON = self._post(f"/api/jobs/{job_id}/cancel")
        return result

    def submit_forecast_all(
        self,
        horizon: int = 30,
        *,
        granularity: Granularity = "daily",
        method: str = "mint_shrink",
        model: str = "vets",
        levels: list[int] | None = None,
    ) -> JSON:
        """Start the whole-tree reconciled forecast as a job; poll :meth:`job`."""
        body = self._tree_body(horizon, granularity, method, model, levels)
        result: JSON = self._post("/api/jobs/forecast_all", body)
        return result

    def submit_backtest(
        self,
        queue_id: int,
        horizon: int = 30,
        *,
        model: str | None = None,
        granularity: Granularity = "daily",
        windows: int = 3,
    ) -> JSON:
        body = _backtest_body(queue_id, horizon, model, granularity, windows)
        result: JSON = self._post("/api/jobs/backtest", body)
        return result

    # --- ticket classifiers ------------------------------------------------------------------

    def fit_nlp(
        self,
        model: str = "logistic",
        config: JSON | None = None,
        *,
        preprocessing: JSON | None = None,
        wait: bool = False,
    ) -> str:
        """Start training a classifier (a job); returns the model id."""
        body = _clean(
            {"model": model, "config": config or {}, "preprocessing": preprocessing, "wait": wait}
        )
        return str(self._post("/api/fit_nlp", body))

    def statistics(self, model_id: str) -> JSON:
        """Classification report: accuracy, per-class metrics, confusion matrix, ROC curves."""
        result: JSON = self._get(f"/api/statistics/{model_id}")
        return result

    def get_models(self) -> list[JSON]:
        result: list[JSON] = self._get("/api/get_models")
        return result

    def remove_nlp(self, model_id: str, *, force: bool = False) -> JSON:
        result: JSON = self._delete(f"/api/remove_nlp/{model_id}", force=force or None)
        return result

    def remove_all_nlp(self, *, force: bool = False) -> JSON:
        result: JSON = self._delete("/api/remove_all_nlp", force=force or None)
        return result

    def predict_nlp(self, model_id: str, text: str) -> str:
        return str(self._post("/api/predict_nlp", {"id": model_id, "text": text}))

    def predict_nlp_batch(self, model_id: str, texts: list[str]) -> list[str]:
        body: JSON = self._post("/api/predict_nlp_batch", {"id": model_id, "texts": texts})
        return [str(label) for label in body["labels"]]

    def predict_scores(self, model_id: str, texts: list[str]) -> JSON:
        """Class probabilities per text: ``classes`` and ``scores`` (one row per text)."""
        result: JSON = self._post("/api/predict_scores", {"id": model_id, "texts": texts})
        return result

    def predict_nlp_csv(
        self,
        model_id: str,
        content: bytes,
        filename: str = "tickets.csv",
        text_column: str = "text",
    ) -> bytes:
        """The CSV with a ``prediction`` column added."""
        response = self._request(
            "POST",
            "/api/predict_nlp_csv",
            files={"file": (filename, content, "text/csv")},
            data={"id": model_id, "text_column": text_column},
        )
        return response.content

    def promote_model(self, model_id: str, stage: str = "production") -> JSON:
        result: JSON = self._post(f"/api/models/{model_id}/promote", stage=stage)
        return result

    def load_model(self, model_id: str) -> JSON:
        result: JSON = self._post(f"/api/models/{model_id}/load")
        return result

    def unload_model(self, model_id: str) -> JSON:
        result: JSON = self._post(f"/api/models/{model_id}/unload")
        return result

    # --- topics ------------------------------------------------------------------------------

    def fit_clustering(
        self, n_clusters: int | None = None, k_min: int = 4, k_max: int = 16, *, wait: bool = False
    ) -> str:
        """Cluster the ticket texts into topics (a job); returns the clustering id."""
        body = _clean({"n_clusters": n_clusters, "k_min": k_min, "k_max": k_max, "wait": wait})
        return str(self._post("/api/clustering/fit", body))

    def clustering_result(self, model_id: str) -> JSON:
        result: JSON = self._get(f"/api/clustering/{model_id}")
        return result

    def name_clusters(self, model_id: str, names: dict[int, str]) -> JSON:
        body = {"names": {str(k): v for k, v in names.items()}}
        result: JSON = self._request("PUT", f"/api/clustering/{model_id}/names", json=body).json()
        return result

    def assign_clusters(self, model_id: str, texts: list[str]) -> JSON:
        result: JSON = self._post(
            f"/api/clustering/{model_id}/assign", {"id": model_id, "texts": texts}
        )
        return result

    # --- batch labeling ----------------------------------------------------------------------

    def create_labeling_task(self, body: JSON) -> JSON:
        """Start a batch-labeling job (body as ``POST /api/labeling/create_task``)."""
        result: JSON = self._post("/api/labeling/create_task", body)
        return result

    def task_list(self, limit: int = 5) -> list[JSON]:
        result: list[JSON] = self._get("/api/labeling/task_list", limit=limit)
        return result

    def check_status(self, job_id: str) -> JSON:
        result: JSON = self._get(f"/api/labeling/check_status/{job_id}")
        return result

    def sample_result(self, job_id: str, n: int = 10) -> list[JSON]:
        result: list[JSON] = self._get(f"/api/labeling/sample_result/{job_id}", n=n)
        return result


def _backtest_body(
    queue_id: int, horizon: int, model: str | None, granularity: Granularity, windows: int
) -> JSON:
    """The body shared by training, backtests and backtest jobs (unset fields left out)."""
    return _clean(
        {
            "queue_id": queue_id,
            "forecast_horizon": horizon,
            "model": model,
            "granularity": granularity,
            "windows": windows,
        }
    )
