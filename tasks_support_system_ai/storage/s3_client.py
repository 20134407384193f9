"""The one place S3 clients are built (the object store and ``minio-sync`` alike).

The endpoint may be ``host:port`` (TLS from ``secure``) or a URL ``http(s)://host:port``, whose
scheme decides TLS: the MinIO SDK itself accepts only the first form.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import urllib3
from minio import Minio

from tasks_support_system_ai.config import S3Settings
from tasks_support_system_ai.errors import InvalidInputError

__all__ = ["endpoint_url", "make_s3_client", "parse_endpoint"]


def parse_endpoint(endpoint: str, secure: bool) -> tuple[str, bool]:
    """``host:port`` and TLS flag; a URL's scheme wins over ``secure``."""
    if "://" not in endpoint:
        return endpoint.strip().rstrip("/"), secure
    parts = urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
        raise InvalidInputError(
            f"Invalid S3 endpoint {endpoint!r}: use host:port or http(s)://host:port",
            code="invalid_endpoint",
        )
    return parts.netloc, parts.scheme == "https"


def endpoint_url(s3: S3Settings) -> str:
    """The endpoint as a URL, for messages."""
    host, secure = parse_endpoint(_required_endpoint(s3), s3.secure)
    return f"{'https' if secure else 'http'}://{host}"


def make_s3_client(s3: S3Settings, http_client: urllib3.PoolManager | None = None) -> Minio:
    """A client for the configured server; makes no request yet."""
    host, secure = parse_endpoint(_required_endpoint(s3), s3.secure)
    try:
        return Minio(
            host,
            access_key=s3.access_key,
            secret_key=s3.secret_key.get_secret_value() if s3.secret_key else None,
            secure=secure,
            region=s3.region,
            http_client=http_client,
        )
    except ValueError as exc:
        raise InvalidInputError(
            f"Invalid S3 endpoint {s3.endpoint!r}: {exc}", code="invalid_endpoint"
        ) from None


def _required_endpoint(s3: S3Settings) -> str:
    if not s3.endpoint:
        raise InvalidInputError(
            "No S3 endpoint configured: set SUPPORT_AI_S3_ENDPOINT or pass --endpoint",
            code="s3_not_configured",
        )
    return s3.endpoint
