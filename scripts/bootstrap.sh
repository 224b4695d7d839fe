#!/usr/bin/env bash
# Installs the locked environment into .venv (uv, from the lock file). Sourced by the
# other scripts; safe to run again (a no-op when nothing changed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
# From inside another virtual environment (an activated one, or this project's own on
# PATH), use the interpreter it was made from: a venv has neither pip nor uv of its own.
PYTHON="$("$PYTHON" -c 'import sys; print(getattr(sys, "_base_executable", sys.executable))')"
if ! "$PYTHON" -m uv --version >/dev/null 2>&1; then
    "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
fi
# --compile-bytecode: the packages' .pyc files are written once here. Without them every
# Python process (each test worker, each Prefect server and CLI subprocess) compiles what it
# imports from source again wherever PYTHONDONTWRITEBYTECODE is set, as on our machines:
# importing Great Expectations, Prefect, Polars and DuckDB took 19 s of CPU instead of 9.
"$PYTHON" -m uv sync --locked --quiet --compile-bytecode --python "$PYTHON"
export PATH="$PWD/.venv/bin:$PATH"
