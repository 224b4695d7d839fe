#!/usr/bin/env bash
# Lint, then the tests. Needs ../shared beside the clone.
#   ./scripts/test.sh          every tier: unit, models (dbt), flows (Prefect), process,
#                              corpus integration and the report in headless Chromium
#   ./scripts/test.sh --fast   the fast tier while you work: tests/unit, no Prefect, no dbt
# The full suite runs in READOUTS_TEST_WORKERS pytest-xdist workers (3 by default: most of a
# flow test waits on a server, a subprocess or dbt's threads, so 3 keep 2 cores busy); the
# tests that share a session-scoped run share a worker, and the longest start first
# (tests/conftest.py orders them; --no-loadscope-reorder keeps that order). The fast tier
# runs in READOUTS_FAST_WORKERS workers (2 by default: its tests compute rather than wait,
# one worker per core). Other arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
started=$SECONDS
tier=(tests)
workers=(-n "${READOUTS_TEST_WORKERS:-3}" --dist loadgroup --no-loadscope-reorder)
if [ "${1:-}" = "--fast" ]; then
    shift
    tier=(tests/unit)
    workers=(-n "${READOUTS_FAST_WORKERS:-2}")
elif ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # The report test opens the HTML report in Debian's headless Chromium.
    echo "installing chromium for the report test (apt-get)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
ruff check .
ruff format --check .
status=0
pytest -q -p no:cacheprovider --durations=15 ${workers[@]+"${workers[@]}"} "${tier[@]}" "$@" || status=$?
echo "test.sh: ${tier[*]} took $((SECONDS - started)) s (exit ${status})"
exit "$status"
