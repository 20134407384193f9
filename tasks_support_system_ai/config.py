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
    def jobs_dir(self) -> Path:
        """The embedded broker's message folders."""
        return self.data_dir / "jobs"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    # --- open evaluation sets (quality benchmarks, notebooks) ---
    evalsets: Path | None = Field(
        None,
        description="folder of the open evaluation sets; default /work/shared/evalsets if it "
        "exists, else <repo>/../shared/evalsets",
    )

    @property
    def resolved_evalsets(self) -> Path:
        if self.evalsets is not None:
            return self.evalsets
        shared = Path("/work/shared/evalsets")
        if shared.is_dir():
            return shared
        return Path(__file__).resolve().parents[2] / "shared" / "evalsets"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment; tests build their own ``Settings``."""
    return Settings()
