"""`readouts serve`'s runs against a real `prefect server start`, as test_worker_stop.py
tries a worker's. An expected outage (every site answers 404: exit 4) ends the flow run
Failed with its one message, and serve's own output shows the run's line, no traceback.
Then serve told to stop (`kill -TERM <pid>`, as docs/operator.md says) while its run is
extracting: serve exits within seconds, the run is recorded as interrupted (exit 9 in the run
log, never "a bug") and its flow run ends Crashed or Cancelled, not Running (Prefect 3.9's
runner cancels it: Cancelled, "Runner is shutting down.")."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from flows.demo.run import demo_base_urls, demo_pages
from flows.demo.server import FeedServer
from tests.prefect_server import (
    Processes,
    argv,
    free_port,
    read_or_empty,
    server_env,
    server_up,
    wait_for,
)
from tests.stopped_runs import HeldFeed, assert_outage_then_interrupted, final_state

pytestmark = pytest.mark.slow

STOP_TIMEOUT = 60  # seconds for serve to exit after SIGTERM
RUN_TIMEOUT = 180  # seconds for one run to reach a final state (a loaded machine)


def _environment(tmp_path, data_dir, feed_url: str) -> dict[str, str]:
    env = server_env(
        tmp_path,
        PREFECT_RUNNER_POLL_FREQUENCY="2",
        READOUTS_DATA_DIR=str(data_dir),
        READOUTS_PAUSE_SECONDS="0",
        READOUTS_CRON="0 0 1 1 *",  # no scheduled run joins in
    )
    env.update(
        {f"READOUTS_{name.upper()}_BASE_URL": url for name, url in demo_base_urls(feed_url).items()}
    )
    return env


def test_serve_fails_an_outage_in_one_line_and_records_a_stopped_run(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    data_dir = tmp_path / "data"
    held = HeldFeed()
    processes = Processes(tmp_path)
    timings: dict[str, float] = {}
    began = time.monotonic()
    try:
        with FeedServer(demo_pages(), held) as feed:
            env = _environment(tmp_path, data_dir, feed.base_url)
            server = [*argv("prefect server start"), "--host", "127.0.0.1", "--port", str(port)]
            processes.start("server", server, env)
            wait_for(lambda: server_up(api), 120, "the Prefect server", processes.logs)
            env["PREFECT_API_URL"] = api
            serve = processes.start("serve", argv("readouts serve"), env)
            with SyncPrefectClient(api) as client:
                wait_for(
                    lambda: any(
                        d.name == "all" and d.last_polled for d in client.read_deployments()
                    ),
                    180,
                    "serve to ask for work",
                    processes.logs,
                )
                deployment = client.read_deployment_by_name("readouts-scheduled/all")
                timings["serving"] = time.monotonic() - began
                held.outage.set()
                failed = client.create_flow_run_from_deployment(deployment.id).id
                outage_state = final_state(
                    client, failed, RUN_TIMEOUT, "the run during the outage", processes.logs
                )
                timings["outage run"] = time.monotonic() - began
                held.outage.clear()
                first = client.create_flow_run_from_deployment(deployment.id).id
                wait_for(
                    held.asked.is_set, RUN_TIMEOUT, "the served run to extract", processes.logs
                )
                started = time.monotonic()
                os.kill(serve.pid, signal.SIGTERM)  # `kill -TERM <pid>` of serve
                held.release.set()
                serve.wait(timeout=STOP_TIMEOUT)
                timings["serve exit (s)"] = time.monotonic() - started
                stopped = final_state(
                    client, first, RUN_TIMEOUT, "the stopped run's final state", processes.logs
                )
                timings[f"stopped run {stopped.name}"] = time.monotonic() - began
        assert stopped.type.value in ("CRASHED", "CANCELLED"), (stopped.name, stopped.message)
        run_log_path = data_dir / "runs" / "run-log.jsonl"
        assert_outage_then_interrupted(outage_state, run_log_path, processes.logs())
        # serve's own output (its flow runs' processes write there too), not the server's:
        # the outage run's line, and no traceback
        logs = read_or_empty(tmp_path / "serve.log")
        assert "Traceback" not in logs and "FailedRun" not in logs, logs
        assert "failed: kremlin: " in logs, logs
    finally:
        processes.stop()
    print(timings, file=sys.stderr)
