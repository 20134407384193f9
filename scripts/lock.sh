#!/usr/bin/env bash
# Regenerate the hash-pinned lock files from pyproject.toml with pip-tools.
# PIP_CONFIG_FILE=/dev/null makes pip-compile see the public default index only, so every
# hash in the lock is one a user's pip will also see; no index URL is written to the files.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="scripts/lock.sh"
common=(--quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links)
.venv/bin/pip-compile "${common[@]}" -o requirements/main.lock pyproject.toml requirements/build.in
.venv/bin/pip-compile "${common[@]}" --extra dev -o requirements/dev.lock pyproject.toml requirements/build.in
