"""Who may call what: one entry per route (method + path template) and the scope it needs.

``public`` routes never need a key (probes, docs, sign-in); ``read`` routes need a ``read`` key
unless the ``public_reads`` setting opens them (the default); ``key`` routes need a key of any
scope, always (sign-out); everything that changes stored
state needs ``write``; user and key management needs ``admin``. The legacy ``/ts`` and ``/nlp``
prefixes map to the same entries. A route missing here is treated as ``write`` (``read`` for
GET), and the auth-matrix test fails until it is listed.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

Access = Literal["public", "read", "key", "write", "admin"]

ACCESS: Final[dict[tuple[str, str], Access]] = {
    # probes, documentation, sign-in
    ("GET", "/health"): "public",
    ("GET", "/ready"): "public",
    ("GET", "/openapi.json"): "public",
    ("GET", "/docs"): "public",
    ("GET", "/docs/oauth2-redirect"): "public",
    ("GET", "/docs/static/{file:path}"): "public",  # the vendored Swagger UI / ReDoc assets
    ("GET", "/redoc"): "public",
    ("GET", "/metrics"): "public",  # Prometheus; counts only, kept internal by nginx
    ("POST", "/api/auth/login"): "public",
    ("GET", "/api/auth/whoami"): "read",
    ("POST", "/api/auth/logout"): "key",
    # queue analytics and data
    ("GET", "/api/queues"): "read",
    ("GET", "/api/historical"): "read",
    ("GET", "/api/daily_average"): "read",
    ("GET", "/api/weekly_average/{queue_id}"): "read",
    ("GET", "/api/queue_stats"): "read",
    ("GET", "/api/queue_children"): "read",
    ("GET", "/api/data-status"): "read",
    ("GET", "/api/sample_data"): "read",
    ("GET", "/api/datasets"): "read",
    ("POST", "/api/reload_local_data"): "write",
    ("POST", "/api/upload_data"): "write",
    ("POST", "/api/datasets/{version_id}/activate"): "write",
    # forecasting
    ("POST", "/api/forecast"): "read",
    ("POST", "/api/train_model"): "write",
    ("POST", "/api/backtest"): "read",
    ("POST", "/api/compare_models"): "read",
    ("DELETE", "/api/clear_models/{queue_id}"): "write",
    ("DELETE", "/api/clear_all_models"): "write",
    ("POST", "/api/staffing"): "read",
    ("GET", "/api/forecast_all"): "read",
    ("POST", "/api/forecast_all"): "write",
    ("GET", "/api/forecast_all/{run_id}/queues/{queue_id}"): "read",
    ("POST", "/api/reconciled_forecast"): "write",
    ("POST", "/api/forecast_models/save"): "write",
    ("GET", "/api/forecast_models"): "read",
    ("POST", "/api/forecast_models/{model_id}/forecast"): "read",
    # jobs and batch labeling
    ("GET", "/api/jobs"): "read",
    ("GET", "/api/jobs/{job_id}"): "read",
    ("GET", "/api/jobs/{job_id}/result"): "read",
    ("POST", "/api/jobs/{job_id}/cancel"): "write",
    ("POST", "/api/jobs/forecast_all"): "write",
    ("POST", "/api/jobs/backtest"): "write",
    ("POST", "/api/labeling/create_task"): "write",
    ("GET", "/api/labeling/task_list"): "read",
    ("GET", "/api/labeling/check_status/{job_id}"): "read",
    ("GET", "/api/labeling/sample_result/{job_id}"): "read",
    # ticket text models
    ("POST", "/api/fit_nlp"): "write",
    ("GET", "/api/statistics/{model_id}"): "read",
    ("GET", "/api/get_models"): "read",
    ("DELETE", "/api/remove_nlp/{model_id}"): "write",
    ("DELETE", "/api/remove_all_nlp"): "write",
    ("POST", "/api/predict_nlp"): "read",
    ("POST", "/api/predict_nlp_batch"): "read",
    ("POST", "/api/predict_scores"): "read",
    ("POST", "/api/predict_nlp_csv"): "read",
    ("POST", "/api/models/{model_id}/promote"): "write",
    ("POST", "/api/models/{model_id}/load"): "write",
    ("POST", "/api/models/{model_id}/unload"): "write",
    ("POST", "/api/clustering/fit"): "write",
    ("GET", "/api/clustering/{model_id}"): "read",
    ("PUT", "/api/clustering/{model_id}/names"): "write",
    ("POST", "/api/clustering/{model_id}/assign"): "read",
    # users and keys
    ("GET", "/api/admin/users"): "admin",
    ("POST", "/api/admin/users"): "admin",
    ("PATCH", "/api/admin/users/{user_id}"): "admin",
    ("GET", "/api/admin/keys"): "admin",
    ("POST", "/api/admin/keys"): "admin",
    ("DELETE", "/api/admin/keys/{key_id}"): "admin",
}

LEGACY_PREFIXES: Final = ("/ts/api/", "/nlp/api/")
_PARAMETER: Final = re.compile(r"\{([^}:]+)(:path)?\}")


def _pattern(template: str) -> re.Pattern[str]:
    parts, last = [], 0
    for match in _PARAMETER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(".+" if match.group(2) else "[^/]+")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))


_STATIC: Final = {key: level for key, level in ACCESS.items() if "{" not in key[1]}
_TEMPLATED: Final = [
    (method, _pattern(template), level)
    for (method, template), level in ACCESS.items()
    if "{" in template
]


def required_access(method: str, path: str) -> Access:
    """The access a request needs (exact entries first, then templates)."""
    if method == "OPTIONS":
        return "public"  # CORS preflight: carries no credential by design
    if method == "HEAD":
        method = "GET"
    if path.startswith(LEGACY_PREFIXES):
        path = path[path.index("/api/") :]
    level = _STATIC.get((method, path))
    if level is not None:
        return level
    for entry_method, pattern, entry_level in _TEMPLATED:
        if entry_method == method and pattern.fullmatch(path):
            return entry_level
    return "read" if method == "GET" else "write"


def document_access(schema: dict[str, Any], *, public_reads: bool) -> dict[str, Any]:
    """Add the API-key security scheme and the 401/403/429 answers to each operation."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(
        {
            "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "BearerKey": {"type": "http", "scheme": "bearer"},
        }
    )
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    components.setdefault("schemas", {}).setdefault("ErrorResponse", _ERROR_SCHEMA)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            level = ACCESS.get((method.upper(), path), "write")
            if level == "public":
                continue
            optional = level == "read" and public_reads
            operation["security"] = [
                *([{}] if optional else []),
                {"ApiKeyHeader": []},
                {"BearerKey": []},
            ]
            responses = operation.setdefault("responses", {})
            answers = {"401": "Missing, unknown, expired or revoked API key"}
            if level in ("write", "admin"):
                answers["403"] = f"The API key's scope does not include {level!r}"
            answers["429"] = "Too many requests for this key; see the Retry-After header"
            for status, description in answers.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error}},
                    },
                )
    return schema


_ERROR_SCHEMA: Final = {
    "type": "object",
    "title": "ErrorResponse",
    "required": ["code", "message"],
    "properties": {
        "status": {"type": "string", "default": "error"},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "details": {"anyOf": [{"type": "object"}, {"type": "null"}]},
    },
}
