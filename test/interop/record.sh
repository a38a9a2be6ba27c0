#!/usr/bin/env bash
# Re-record golden cases, vectors and the fixture IR from the real Python server.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/setup.sh"
cd "$HERE/python"
"$HERE/.venv/bin/python" "$HERE/python/record.py"
"$HERE/.venv/bin/python" "$HERE/python/make_vectors.py"
