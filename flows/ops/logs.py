"""The project's loggers: every one is a child of `readouts`, which logs at INFO. Prefect
sends them to its API (PREFECT_LOGGING_EXTRA_LOGGERS=readouts, set by flows/prefect_env.py
and by the deployment's job variables), so a flow run's log in Prefect holds what the
walker and the other stages say; the terminal shows warnings and above."""

from __future__ import annotations

import logging

PROJECT_LOGGER = "readouts"


def project_logger(name: str) -> logging.Logger:
    """`readouts.<name>`, at INFO whatever the root logger's level."""
    logging.getLogger(PROJECT_LOGGER).setLevel(logging.INFO)
    return logging.getLogger(f"{PROJECT_LOGGER}.{name}")
