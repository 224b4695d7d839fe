#!/usr/bin/env bash
# Lint, then every test (unit, flow and corpus integration). Needs ../shared beside the clone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# The report test opens the HTML report in Debian's headless Chromium.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium for the report test (apt-get)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
ruff check .
ruff format --check .
pytest -q -p no:cacheprovider "$@"
