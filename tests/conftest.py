"""Shared fixtures. Prefect is configured (quiet, no telemetry, its files in a temporary
home) before anything imports it."""

from __future__ import annotations

import os
import pickle
import shutil
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
    """Outcomes of the reliability cases, printed at the end of the session. Under xdist each
    worker writes its own to the controller's tally folder, which prints them all."""
    return _TALLY


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        config.readouts_tally_dir = Path(tempfile.mkdtemp(prefix="readouts-tally-"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: tell each worker where to leave its outcomes."""
    node.workerinput["readouts_tally_dir"] = str(node.config.readouts_tally_dir)


def pytest_sessionfinish(session):
    workerinput = getattr(session.config, "workerinput", None)
    if workerinput and _TALLY:
        folder = Path(workerinput["readouts_tally_dir"])
        (folder / f"{workerinput['workerid']}.pickle").write_bytes(pickle.dumps(_TALLY))


def _all_outcomes(config) -> list:
    outcomes = list(_TALLY)
    folder = getattr(config, "readouts_tally_dir", None)
    if folder is None:
        return outcomes
    pickles = sorted(folder.glob("*.pickle"))
    for path in pickles:
        outcomes += pickle.loads(path.read_bytes())
    shutil.rmtree(folder, ignore_errors=True)
    return sorted(outcomes, key=lambda outcome: outcome.case) if pickles else outcomes


# The tiers, by folder: `unit` needs neither Prefect nor dbt (./scripts/test.sh --fast),
# `models` builds warehouses with dbt, `flow` runs Prefect flows, `process` starts the
# command line as a new process.
_TIERS = {"unit": "unit", "models": "models", "flows": "flow", "process": "process"}
_TESTS = Path(__file__).resolve().parent


# Under xdist (scripts/test.sh runs `-n 3 --dist loadgroup --no-loadscope-reorder`, so that
# the order below holds) a group's tests share a worker.
# The tests that read one session-scoped run share one, so that each run is made once per
# session, not once per worker (the first of a test's fixtures found here names its group).
# The quick tests of tests/unit and the modules with a module-scoped warehouse, run or
# server go by module; any other test is its own unit of work.
_SHARED_RUNS = ("both_sources_run", "corpus_run", "demo_run")
_BY_MODULE = (
    "unit/",
    "models/",
    "flows/test_alerts.py",
    "flows/test_crash_safety.py",
    "flows/test_drift_flow.py",
    "flows/test_validation_flow.py",
)
# The longest tests (a server, workers, a fresh clone) start first, so that no worker is
# left with one of them at the end; everything else keeps its order.
_LONGEST_FIRST = (
    "process/test_first_command.py",
    "flows/test_worker_stop.py",
    "flows/test_serve_stop.py",
    "flows/test_workpool.py",
    "flows/test_operator_page.py",
    "flows/test_alerts.py",
    "flows/test_readers_and_writer.py",
    "flows/test_unattended.py",
    "flows/test_crash_safety.py",
    "flows/test_reliability.py",
)


def _rank(item) -> int:
    path = Path(str(item.path)).resolve().relative_to(_TESTS).as_posix()
    if path in _LONGEST_FIRST:
        return _LONGEST_FIRST.index(path)
    if any(name in item.fixturenames for name in _SHARED_RUNS):
        return len(_LONGEST_FIRST)
    return len(_LONGEST_FIRST) + 1


def _group(item, name: str, loadgroup: bool) -> None:
    """The `xdist_group` mark, and under `--dist loadgroup` the `@name` suffix that xdist's
    scheduler groups by: xdist 3.8 writes it to `_nodeid`, which pytest 9.2 no longer reads
    (the node id is `_id`), so it is written here."""
    item.add_marker(pytest.mark.xdist_group(name))
    if loadgroup and "@" not in item.nodeid:
        if hasattr(item, "_id"):
            from _pytest.nodeid import coerce_node_id

            item._id = coerce_node_id(f"{item.nodeid}@{name}")
        else:
            item._nodeid = f"{item.nodeid}@{name}"


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(config, items):
    loadgroup = bool(getattr(config.option, "loadgroup", False))  # set on xdist's workers
    for item in items:
        folder = Path(str(item.path)).resolve().relative_to(_TESTS).parts[0]
        item.add_marker(_TIERS.get(folder, "unit"))
        shared = [name for name in _SHARED_RUNS if name in item.fixturenames]
        path = Path(str(item.path)).resolve().relative_to(_TESTS).as_posix()
        if shared:
            _group(item, shared[0], loadgroup)
        elif path.startswith(_BY_MODULE):
            _group(item, path, loadgroup)
    items.sort(key=_rank)


def pytest_terminal_summary(terminalreporter, config):
    if hasattr(config, "workerinput"):
        return
    outcomes = _all_outcomes(config)
    if outcomes:
        from tests.reliability.tally import render_tally

        terminalreporter.write_line("")
        for line in render_tally(outcomes).splitlines():
            terminalreporter.write_line(line)
