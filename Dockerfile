# syntax=docker/dockerfile:1.7
# One image for the api, worker and dashboard services (compose.yaml gives each its command).
#   builder: a venv with the hash-locked requirements and this package
#   runtime: slim Python, the venv only (no compilers, no pip cache), an unprivileged user
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY requirements/main.lock requirements/main.lock
RUN /opt/venv/bin/pip install --require-hashes -r requirements/main.lock
COPY pyproject.toml README.md ./
COPY tasks_support_system_ai ./tasks_support_system_ai
# The build backend (poetry-core) is pinned with hashes in main.lock: no build isolation needed.
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation . \
    && /opt/venv/bin/pip uninstall --yes pip
# Not needed to run: Jupyter extensions, source maps, C headers, the big libraries' own tests.
WORKDIR /opt/venv/lib/python3.11/site-packages
RUN rm -rf /opt/venv/share/jupyter pydeck/nbextension plotly/labextension \
        pyarrow/include pyarrow/src numpy/_core/include \
        pandas/tests numpy/*/tests numpy/tests pyarrow/tests statsmodels/*/tests \
        statsmodels/*/*/tests scipy/*/tests scipy/*/*/tests sklearn/*/tests sklearn/tests \
        matplotlib/tests \
    && find . -name "*.js.map" -delete

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
