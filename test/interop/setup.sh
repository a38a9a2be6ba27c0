#!/usr/bin/env bash
# Create test/interop/.venv from python/requirements.txt (idempotent).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/python/requirements.txt"
PY="${PYTHON:-python3}"
HASH="$(sha256sum "$REQ" | cut -d' ' -f1)"
STAMP="$VENV/.requirements.sha256"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$HASH" ]]; then
  echo "interop venv up to date ($VENV)"
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$REQ"
echo "$HASH" > "$STAMP"
echo "interop venv ready ($VENV)"
