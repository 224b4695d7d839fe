"""One writer at a time, across processes; the lock dies with its holder."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from flows.ops.lock import WarehouseBusy, hold_warehouse, lock_path, probe


def _hold(warehouse, ready):
    with hold_warehouse(warehouse, run_id="run-A", command="run"):
        ready.set()
        time.sleep(60)


@pytest.fixture
def holder(tmp_path):
    warehouse = tmp_path / "readouts.duckdb"
    ready = multiprocessing.Event()
    process = multiprocessing.get_context("fork").Process(target=_hold, args=(warehouse, ready))
    process.start()
    assert ready.wait(10)
    yield warehouse, process
    if process.is_alive():
        process.kill()
    process.join()


def test_a_second_writer_is_refused_with_the_holders_name(holder):
    warehouse, _ = holder
    assert "run run-A (run, pid" in probe(warehouse)
    busy = pytest.raises(WarehouseBusy, match=r"being written by run run-A .* changed nothing")
    with busy, hold_warehouse(warehouse, run_id="run-B", command="run"):
        pass


def test_the_lock_dies_with_a_killed_holder(holder):
    warehouse, process = holder
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    assert probe(warehouse) is None
    with hold_warehouse(warehouse, run_id="run-C", command="run"):
        assert "run-C" in lock_path(warehouse).read_text()


def test_no_lock_file_means_free(tmp_path):
    assert probe(tmp_path / "readouts.duckdb") is None
