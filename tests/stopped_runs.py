"""What the tests of a stopped worker and a stopped `readouts serve` share: a feed that can
be down or hold a run mid-extraction, a wait for a flow run's final state, and the run log
such a test leaves (an outage's run, then a run stopped while extracting)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from flows.ops import run_log
from flows.ops.outcomes import EXIT_INTERRUPTED, EXIT_SOURCE
from flows.sources import SOURCE_NAMES
from tests.prefect_server import wait_for

HOLD_SECONDS = 90  # the longest a held request waits to be released


class HeldFeed:
    """A FeedServer responder. During an outage every page answers 404; otherwise the first
    request says that a run is extracting (`asked`) and waits until `release` is set."""

    def __init__(self) -> None:
        self.outage = threading.Event()
        self.asked = threading.Event()
        self.release = threading.Event()

    def __call__(self, path: str):
        if self.outage.is_set():
            return 404, {}, b"not found"
        self.asked.set()
        self.release.wait(timeout=HOLD_SECONDS)
        return None


def final_state(client, flow_run_id, timeout: float, what: str, logs: Callable[[], str]):
    """The flow run's state once it is final (a failure shows every process's log)."""
    wait_for(lambda: client.read_flow_run(flow_run_id).state.is_final(), timeout, what, logs)
    return client.read_flow_run(flow_run_id).state


def assert_outage_then_interrupted(outage_state, run_log_path: Path, logs: str) -> None:
    """The outage's run Failed with one message naming every source, then one record per
    source for it in the run log, then the stopped run's first source, interrupted."""
    assert outage_state.type.value == "FAILED", outage_state
    assert outage_state.message.startswith(f"exit {EXIT_SOURCE}: "), outage_state.message
    assert all(name in outage_state.message for name in SOURCE_NAMES), outage_state.message
    records = run_log.latest_records(run_log_path).values()
    assert [(r["source"], r["exit_code"]) for r in records] == [
        *[(name, EXIT_SOURCE) for name in SOURCE_NAMES],
        (SOURCE_NAMES[0], EXIT_INTERRUPTED),
    ], logs
    assert list(records)[-1]["status"] == "interrupted"
