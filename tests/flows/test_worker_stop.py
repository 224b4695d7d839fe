"""A worker told to stop (SIGTERM) while its run is in flight, against a real
`prefect server start`: the worker exits within a bounded time and takes no new run; its
run is recorded as interrupted (exit code 9 in the run log, never "a bug") and its flow run
ends Crashed; a run created afterwards waits, Scheduled, for a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from flows import prefect_env
from flows.demo.run import demo_base_urls, demo_pages
from flows.demo.server import FeedServer
from flows.ops import run_log
from flows.ops.outcomes import EXIT_INTERRUPTED
from tests.flows.test_workpool import Processes, _healthy, _wait, argv, free_port

pytestmark = pytest.mark.slow

STOP_TIMEOUT = 60  # seconds for the worker to exit after SIGTERM


def test_a_worker_told_to_stop_hands_back_and_takes_no_new_run(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    data_dir = tmp_path / "data"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(prefect_env.QUIET_DEFAULTS)
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_UI_ENABLED="false",
        PREFECT_WORKER_QUERY_SECONDS="1",
    )
    asked = threading.Event()
    release = threading.Event()

    def responder(path: str):
        asked.set()  # the deployed run is extracting: hold it there
        release.wait(timeout=90)
        return None

    processes = Processes(tmp_path)
    timings: dict[str, float] = {}
    try:
        with FeedServer(demo_pages(), responder) as feed:
            processes.start(
                "server",
                [*argv("prefect server start"), "--host", "127.0.0.1", "--port", str(port)],
                env,
            )
            _wait(lambda: _healthy(api), 120, "the Prefect server", processes.logs)
            env["PREFECT_API_URL"] = api

            def run(command: str, **extra: str) -> None:
                done = subprocess.run(
                    argv(command), env={**env, **extra}, cwd=tmp_path, capture_output=True,
                    text=True, timeout=180,
                )  # fmt: skip
                assert done.returncode == 0, done.stdout + done.stderr

            run("prefect work-pool create readouts --type process")
            sites = {
                f"READOUTS_{name.upper()}_BASE_URL": url
                for name, url in demo_base_urls(feed.base_url).items()
            }
            run(
                "readouts deploy --pool readouts",
                READOUTS_DATA_DIR=str(data_dir),
                READOUTS_PAUSE_SECONDS="0",
                READOUTS_CRON="0 0 1 1 *",
                **sites,
            )
            worker = processes.start("worker", argv("prefect worker start --pool readouts"), env)
            with SyncPrefectClient(api) as client:
                deployment = client.read_deployment_by_name("readouts-scheduled/all")
                first = client.create_flow_run_from_deployment(deployment.id).id
                _wait(asked.is_set, 180, "the deployed run to extract", processes.logs)
                started = time.monotonic()
                os.killpg(worker.pid, signal.SIGTERM)
                release.set()
                worker.wait(timeout=STOP_TIMEOUT)
                timings["worker exit (s)"] = time.monotonic() - started
                second = client.create_flow_run_from_deployment(deployment.id).id
                _wait(
                    lambda: client.read_flow_run(first).state.is_final(),
                    120,
                    "the stopped run's final state",
                    processes.logs,
                )
                stopped = client.read_flow_run(first).state
                time.sleep(5)  # no worker left: the new run must still be waiting
                waiting = client.read_flow_run(second).state
        assert stopped.type.value == "CRASHED", (stopped.name, stopped.message)
        assert waiting.type.value == "SCHEDULED", waiting
        records = run_log.latest_records(data_dir / "runs" / "run-log.jsonl").values()
        assert [(r["status"], r["exit_code"]) for r in records] == [
            ("interrupted", EXIT_INTERRUPTED)
        ], processes.logs()
        assert "Traceback" not in processes.logs()
    finally:
        processes.stop()
    print(timings, file=sys.stderr)
