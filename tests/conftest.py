"""Shared fixtures. Prefect is configured (quiet, no telemetry, its files in a temporary
home) before anything imports it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flows import prefect_env

_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="readouts-prefect-"))
prefect_env.configure(_PREFECT_HOME)
os.environ["PREFECT_TASKS_DISABLE_CACHING"] = "true"

import pytest  # noqa: E402

from tests.corpus_feed import CORPUS_DIR  # noqa: E402


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"the shared corpus is missing: expected {CORPUS_DIR} beside the clone")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for every flow test of the session (it costs ~12 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


_TALLY: list = []


@pytest.fixture(scope="session")
def tally() -> list:
    """Outcomes of the reliability cases, printed at the end of the session."""
    return _TALLY


# The tiers, by folder: `unit` needs neither Prefect nor dbt (./scripts/test.sh --fast),
# `models` builds warehouses with dbt, `flow` runs Prefect flows, `process` starts the
# command line as a new process.
_TIERS = {"unit": "unit", "models": "models", "flows": "flow", "process": "process"}
_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        folder = Path(str(item.path)).resolve().relative_to(_TESTS).parts[0]
        item.add_marker(_TIERS.get(folder, "unit"))


def pytest_terminal_summary(terminalreporter):
    if _TALLY:
        from tests.reliability.tally import render_tally

        terminalreporter.write_line("")
        for line in render_tally(_TALLY).splitlines():
            terminalreporter.write_line(line)
