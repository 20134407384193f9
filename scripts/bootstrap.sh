#!/usr/bin/env bash
# Create .venv and install the hash-locked dependencies plus this package in editable mode.
# Usage: scripts/bootstrap.sh [--dev]. Re-running is instant while the lock is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

lock=requirements/main.lock
[ "${1:-}" = "--dev" ] && lock=requirements/dev.lock
python=${PYTHON:-python3}

"$python" - <<'PY' || { echo "Python 3.11 or newer is required (set PYTHON=...)" >&2; exit 1; }
import sys
sys.exit(sys.version_info < (3, 11))
PY

[ -x .venv/bin/python ] || "$python" -m venv .venv
digest=$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(b"".join(open(p,"rb").read() for p in sys.argv[1:])).hexdigest()[:16])' "$lock" pyproject.toml)
stamp=".venv/.installed-$(basename "$lock")-$digest"
if [ ! -f "$stamp" ]; then
  echo "Installing dependencies from $lock into .venv ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi
