# Support AI developer recipes. `just` itself is installed into .venv by scripts/bootstrap.sh --dev.
set shell := ["bash", "-euo", "pipefail", "-c"]

venv := ".venv/bin"

# List recipes
default:
    @{{venv}}/just --list

# Install runtime (or, with dev=1, development) dependencies from the hash-locked files
install dev="0":
    scripts/bootstrap.sh {{ if dev == "1" { "--dev" } else { "" } }}

# Start the API on demo data (generated on first run)
serve *args:
    scripts/bootstrap.sh && {{venv}}/support-ai serve {{args}}

# Run the test suite (PostgreSQL/S3 tests skip when the server is missing, unless REQUIRE_SERVICES=1)
test *args:
    scripts/bootstrap.sh --dev && {{venv}}/pytest {{args}}

# Lint: ruff, format check, mypy, import contracts (.importlinter)
lint:
    {{venv}}/ruff check .
    {{venv}}/ruff format --check .
    {{venv}}/mypy tasks_support_system_ai
    {{venv}}/lint-imports .importlinter --no-cache

# Format the code
fmt:
    {{venv}}/ruff check --fix .
    {{venv}}/ruff format .

# Generate the synthetic demo data set and make it active
data-demo *args:
    {{venv}}/support-ai data generate {{args}}

# Also generate the 2,376,186-row ticket table for batch labeling
data-large:
    {{venv}}/support-ai data large-table --rows 2376186

# Re-lock dependencies with hashes after editing pyproject.toml
lock:
    scripts/lock.sh

# Benchmark queue analytics over HTTP against the naive pandas path
bench-queues *args:
    {{venv}}/python benchmarks/bench_queues.py {{args}}

# Forecasting: latency per model, whole-tree run, accuracy vs statsforecast AutoETS and Prophet
bench-forecast *args:
    {{venv}}/python benchmarks/bench_forecast.py {{args}}

# Ticket classifiers: fit time and macro-F1, predict_nlp under load vs Flask+gunicorn, 1M-row CSV
bench-nlp *args:
    {{venv}}/python benchmarks/bench_nlp.py {{args}}

# Batch-label the 2,376,186-row demo table as a job: embedded and with Redis workers
bench-labeling *args:
    {{venv}}/python benchmarks/bench_labeling.py {{args}}

# Run a job worker (embedded folder queue, or SUPPORT_AI_BROKER_URL)
worker *args:
    {{venv}}/support-ai worker {{args}}

# API-key check cost per request: cached verification and the auth middleware vs a database read
bench-auth *args:
    {{venv}}/python benchmarks/bench_auth.py {{args}}

# --- deploy: the compose stack, soak and metrics-cost benchmarks ---

# Build and start the whole stack (needs .env: cp .env.example .env, then edit the secrets)
up *args:
    docker compose up -d --build {{args}}

# Stop the stack (volumes are kept; `just down -v` deletes the data)
down *args:
    docker compose down {{args}}

# Follow the logs of every service (or of the ones named)
logs *services:
    docker compose logs -f --tail 100 {{services}}

# The runtime image's size without Docker: the builder's venv built and slimmed here, + base image
image-size *args:
    {{venv}}/python benchmarks/image_size.py {{args}}

# 5 minutes of mixed traffic through nginx (native stack on local ports): errors, p50/p99, RSS
soak *args:
    {{venv}}/python benchmarks/soak.py {{args}}

# predict_nlp throughput with request metrics on vs off (the metrics' cost)
bench-metrics *args:
    {{venv}}/python benchmarks/bench_metrics.py {{args}}
# Dashboard: page render times cold/warm in headless chromium, queue picker, 300-day forecast, RSS
bench-dashboard *args:
    {{venv}}/python benchmarks/bench_dashboard.py {{args}}
# Ticket-text quality and speed on the open text sets vs scikit-learn baselines (docs/quality.md)
bench-quality-text *args:
    {{venv}}/python benchmarks/quality_text.py {{args}}
# Model quality on the open evaluation sets (text + series) → docs/quality.md
bench-quality *args:
    {{venv}}/python benchmarks/bench_quality.py {{args}}

# Series part only: service forecasts vs statsforecast/Prophet baselines per open set
bench-quality-series *args:
    {{venv}}/python benchmarks/quality_series.py {{args}}

# What importing each heavy library costs a process (RSS), against a bare interpreter
bench-imports *args:
    {{venv}}/python benchmarks/bench_imports.py {{args}}
