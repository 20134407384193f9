"""The one typed settings object; every value comes from an env var prefixed ``SUPPORT_AI_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class S3Settings(BaseSettings):
    """Object storage on MinIO/S3; used only when ``endpoint`` is set."""

    model_config = SettingsConfigDict(env_prefix="SUPPORT_AI_S3_", extra="ignore")

    endpoint: str | None = Field(None, description="host:port of the S3/MinIO server")
    bucket: str = "support-ai"
    access_key: str | None = None
    secret_key: SecretStr | None = None
    secure: bool = Field(False, description="use HTTPS")
    region: str | None = None


class Settings(BaseSettings):
    """Service configuration. With nothing set, runs on one machine with no external servers."""

    model_config = SettingsConfigDict(
        env_prefix="SUPPORT_AI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(Path("data"), description="root of local state")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is a SQLite file inside data_dir"
    )
    object_store_dir: Path | None = Field(
        None, description="local object-store folder; default data_dir/objects"
    )
    s3: S3Settings = Field(default_factory=S3Settings)
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: LogLevel = "INFO"
    access_log: bool = Field(False, description="log every request (nginx in front logs them)")
    max_upload_mb: float = Field(200.0, gt=0, description="uploads above this are rejected")
    demo_seed: int = 42
    forecast_cache_size: int = Field(512, ge=1, description="fitted models kept in memory")
    broker_url: str | None = Field(
        None, description="Celery broker (redis://, amqp://); default: a local folder queue"
    )
    result_backend: str | None = Field(
        None, description="Celery result store; default: the broker if Redis, else the database"
    )
    worker_concurrency: int = Field(2, ge=1, description="job processes per worker")
    job_queue: str = Field(
        "support-ai", description="broker queue; deployments sharing a broker differ"
    )
    job_visibility_timeout_s: int = Field(
        600, ge=1, description="Redis: an unacknowledged job is redelivered after this long"
    )
    # --- evaluation sets (nlp, fc) ---
    evalsets: Path | None = Field(
        None, description="open evaluation sets; default /work/shared/evalsets, ../shared/evalsets"
    )

    @property
    def resolved_evalsets(self) -> Path:
        """The evaluation sets folder: the setting, else the first default that exists."""
        if self.evalsets is not None:
            return self.evalsets
        shared = Path("/work/shared/evalsets")
        beside_repo = Path(__file__).resolve().parents[2] / "shared" / "evalsets"
        return shared if shared.exists() else beside_repo

    # --- hardening (hard): request, data and job limits; named SQL sources ---
    max_json_bytes: int = Field(1 << 20, ge=1024, description="largest JSON request body")
    max_json_depth: int = Field(32, ge=2, description="deepest nesting of a JSON request body")
    max_cube_cells: int = Field(
        30_000_000, ge=1000, description="queues × days the dense load matrix may hold"
    )
    max_csv_columns: int = Field(1000, ge=2, description="columns an uploaded CSV may have")
    max_csv_line_bytes: int = Field(
        1 << 20, ge=1024, description="longest line an uploaded CSV may have"
    )
    max_stored_mb: float | None = Field(
        None, gt=0, description="quota on stored dataset versions and artifacts (none: no quota)"
    )
    max_busy_requests: int = Field(
        2, ge=1, description="expensive synchronous requests at once; more get 429 busy"
    )
    csv_formula_guard: bool = Field(
        True, description="prefix CSV output cells starting with = + - @ tab CR with a quote"
    )
    sql_sources: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="labeling SQL sources: JSON {name: SQLAlchemy URL}; requests name one",
    )
    sql_connect_timeout_s: float = Field(5.0, gt=0, description="SQL source connect timeout")
    job_heartbeat_s: float = Field(10.0, gt=0, description="running jobs beat this often")
    job_lost_after_s: float = Field(
        60.0, gt=0, description="a running job silent this long has lost its worker"
    )
    job_max_attempts: int = Field(2, ge=1, description="tries of a job whose worker died")

    # --- dashboard ---
    dashboard_port: int = Field(8501, description="port of the Streamlit dashboard")
    api_url: str | None = Field(
        None, description="API the dashboard calls; default http://<host>:<port> of this service"
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'support_ai.db').resolve()}"

    @property
    def resolved_object_store_dir(self) -> Path:
        return self.object_store_dir or self.data_dir / "objects"

    @property
    def resolved_broker_url(self) -> str:
        return self.broker_url or "filesystem://"

    @property
    def resolved_result_backend(self) -> str:
        if self.result_backend:
            return self.result_backend
        if self.broker_url and self.broker_url.startswith(("redis://", "rediss://")):
            return self.broker_url
        return f"db+{self.resolved_database_url}"

    @property
    def resolved_api_url(self) -> str:
        if self.api_url:
            return self.api_url.rstrip("/")
        host = "127.0.0.1" if self.host in {"0.0.0.0", "::"} else self.host
        return f"http://{host}:{self.port}"

    @property
    def jobs_dir(self) -> Path:
        """The embedded broker's message folders."""
        return self.data_dir / "jobs"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    # --- identity and access (auth) ---
    auth_enabled: bool = Field(
        True, description="check API keys; turn off only behind a gateway that authenticates"
    )
    public_reads: bool = Field(True, description="reads need no key (writes always need one)")
    api_key: SecretStr | None = Field(
        None, description="key the CLI and dashboard send; default: <data_dir>/admin_api_key"
    )
    auth_cache_ttl_s: float = Field(
        5.0, ge=0, description="a verified key is trusted this long before it is re-read"
    )
    key_last_used_every_s: float = Field(
        60.0, ge=0, description="a key's last-used time is written at most this often"
    )
    session_ttl_minutes: int = Field(
        720, ge=1, description="lifetime of a dashboard sign-in (a session key)"
    )
    rate_limit_per_minute: int = Field(
        60_000, ge=0, description="requests per API key per minute; 0: no limit"
    )
    anonymous_rate_limit_per_minute: int = Field(
        0, ge=0, description="requests per client address without a key; 0: no limit"
    )
    login_attempts_per_minute: int = Field(
        10, ge=1, description="sign-in attempts per address and user name"
    )
    allowed_origins: list[str] = Field(
        default_factory=list, description="other web origins allowed to call the API (CORS)"
    )
    redis_url: str | None = Field(
        None, description="Redis for shared rate limits; default: the broker if it is Redis"
    )

    @property
    def rate_limit_redis_url(self) -> str | None:
        """Several API workers share one budget through Redis when there is one."""
        if self.redis_url:
            return self.redis_url
        if self.broker_url and self.broker_url.startswith(("redis://", "rediss://")):
            return self.broker_url
        return None

    @property
    def local_key_file(self) -> Path:
        """Owner-only file holding the admin key ``serve`` created (read by CLI, dashboard)."""
        return self.data_dir / "admin_api_key"

    # --- deploy: observability (metrics, logs, errors) ---
    metrics_enabled: bool = Field(True, description="serve /metrics and record request metrics")
    metrics_dir: Path | None = Field(
        None, description="prometheus multiprocess folder; default data_dir/metrics"
    )
    worker_metrics_port: int | None = Field(
        None, ge=1, le=65535, description="a worker also serves /metrics on this port"
    )
    log_format: Literal["auto", "json", "text"] = Field(
        "auto", description="json: one JSON object per line; auto: text on a terminal"
    )
    log_file: Path | None = Field(None, description="also log here, rotated at 10 MB")
    sentry_dsn: SecretStr | None = Field(None, description="report errors to Sentry when set")
    sentry_environment: str = "production"
    sentry_traces_sample_rate: float = Field(0.0, ge=0.0, le=1.0)

    @property
    def resolved_metrics_dir(self) -> Path:
        return self.metrics_dir or self.data_dir / "metrics"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment; tests build their own ``Settings``."""
    return Settings()
