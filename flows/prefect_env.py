"""Prefect must run with no server configured, quietly and without telemetry.

These variables are read when Prefect is imported, so `configure()` runs before any
module that imports Prefect.
"""

from __future__ import annotations

import os
from pathlib import Path

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # Prefect's API gets INFO and above, from Prefect's run loggers and from the project's
    # (`readouts.*`, flows/ops/logs.py): the build task's line per seed, model and test, the
    # walker's lines. The terminal shows warnings and above.
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "true",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "readouts",
    # the project's loggers also run outside flows (tests, scripts): no warning there
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_TASKS_REFRESH_CACHE": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    # Prefect's temporary server gets 20 s to start by default; with both cores busy it
    # needed ~25 s on a quiet machine and up to ~150 s on a crowded one
    # (benchmarks/prefect_startup.py). A run waits for it rather than failing.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
}


# The server an operator is told to start: telemetry off (offline, it would log a failed
# lookup); its state lives in ~/.prefect/ (PREFECT_HOME), apart from the clone's .prefect/
# of readouts' temporary servers.
SERVER_START = "PREFECT_SERVER_ANALYTICS_ENABLED=false prefect server start"


def configure(prefect_home: Path | None = None) -> None:
    for key, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if prefect_home is not None:
        os.environ.setdefault("PREFECT_HOME", str(prefect_home))
