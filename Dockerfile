# syntax=docker/dockerfile:1.7
# One image for the api, worker and dashboard services (compose.yaml gives each its command).
#   builder: a venv with the hash-locked requirements and this package
#   runtime: slim Python, the slimmed venv only (no compilers, no pip), an unprivileged user
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# strip, for scripts/slim_venv.py (this stage only; the runtime stage gets no build tools).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends binutils=2.40-2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
RUN python -m venv /opt/venv
COPY requirements/main.lock requirements/main.lock
RUN /opt/venv/bin/pip install --require-hashes -r requirements/main.lock
COPY pyproject.toml README.md ./
COPY tasks_support_system_ai ./tasks_support_system_ai
# The build backend (poetry-core) is pinned with hashes in main.lock: no build isolation needed.
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation .
# Everything no service runs goes: pip and the build backend, matplotlib (prophet plots only),
# tests, sources, headers, symbol tables, bytecode of never-imported modules (see the script;
# `just image-size` measures the result the same way).
COPY scripts/slim_venv.py scripts/slim_venv.py
RUN /opt/venv/bin/python scripts/slim_venv.py

FROM ${PYTHON_IMAGE} AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="support-ai" \
      org.opencontainers.image.description="Support AI: queue analytics, forecasting, ticket text intelligence" \
      org.opencontainers.image.version="${VERSION}"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SUPPORT_AI_DATA_DIR=/data \
    SUPPORT_AI_HOST=0.0.0.0 \
    SUPPORT_AI_LOG_FORMAT=json \
    SUPPORT_AI_METRICS_DIR=/tmp/support-ai-metrics
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /data --no-create-home --shell /usr/sbin/nologin app \
    && mkdir /data \
    && chown app:app /data
COPY --from=builder /opt/venv /opt/venv
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000 8501 9101
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=5 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["support-ai", "api", "--workers", "2"]
