#!/usr/bin/env bash
# Lint, then the tests. Needs ../shared beside the clone.
#   ./scripts/test.sh          every tier: unit, models (dbt), flows (Prefect), process,
#                              corpus integration and the report in headless Chromium
#   ./scripts/test.sh --fast   the fast tier while you work: tests/unit, no Prefect, no dbt
# Other arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
started=$SECONDS
tier=(tests)
if [ "${1:-}" = "--fast" ]; then
    shift
    tier=(tests/unit)
elif ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # The report test opens the HTML report in Debian's headless Chromium.
    echo "installing chromium for the report test (apt-get)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
ruff check .
ruff format --check .
status=0
pytest -q -p no:cacheprovider --durations=15 "${tier[@]}" "$@" || status=$?
echo "test.sh: ${tier[*]} took $((SECONDS - started)) s (exit ${status})"
exit "$status"
