#!/usr/bin/env bash
# Lint, then every test (unit, flow and corpus integration). Needs ../shared beside the clone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ruff check .
ruff format --check .
pytest -q -p no:cacheprovider "$@"
