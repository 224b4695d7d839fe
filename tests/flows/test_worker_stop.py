"""A worker's runs against a real `prefect server start`. An expected outage (every site
answers 404: exit 4) ends the flow run Failed with its one message, and no traceback in the
worker's log. Then a worker told to stop (SIGTERM to its process group, as Ctrl-C or
systemd does) while its run is in flight: the worker exits within a bounded time and takes
no new run; its run is recorded as interrupted (exit code 9 in the run log, never "a bug")
and its flow run ends Crashed; a run created afterwards waits, Scheduled, for a worker."""

from __future__ import annotations

import os
import signal
import subprocess
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

STOP_TIMEOUT = 60  # seconds for the worker to exit after SIGTERM


def create_pool(api: str) -> None:
    """The process work pool, with the process worker's own job template, as the CLI makes it."""
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    with SyncPrefectClient(api) as client:
        client.create_work_pool(
            WorkPoolCreate(
                name="readouts",
                type="process",
                base_job_template=ProcessWorker.get_default_base_job_template(),
            )
        )


def test_a_worker_told_to_stop_hands_back_and_takes_no_new_run(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    data_dir = tmp_path / "data"
    env = server_env(
        tmp_path,
        PREFECT_WORKER_QUERY_SECONDS="1",
    )
    held = HeldFeed()
    processes = Processes(tmp_path)
    timings: dict[str, float] = {}
    began = time.monotonic()
    try:
        with FeedServer(demo_pages(), held) as feed:
            processes.start(
                "server",
                [*argv("prefect server start"), "--host", "127.0.0.1", "--port", str(port)],
                env,
            )
            wait_for(lambda: server_up(api), 120, "the Prefect server", processes.logs)
            env["PREFECT_API_URL"] = api

            def run(command: str, **extra: str) -> None:
                done = subprocess.run(
                    argv(command), env={**env, **extra}, cwd=tmp_path, capture_output=True,
                    text=True, timeout=180,
                )  # fmt: skip
                assert done.returncode == 0, done.stdout + done.stderr

            timings["server up"] = time.monotonic() - began
            create_pool(api)  # `prefect work-pool create readouts --type process`, in-process
            # the worker starts while the deployment is applied: it waits for runs
            worker = processes.start("worker", argv("prefect worker start --pool readouts"), env)
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
            timings["deployed"] = time.monotonic() - began
            with SyncPrefectClient(api) as client:
                deployment = client.read_deployment_by_name("readouts-scheduled/all")
                held.outage.set()
                failed = client.create_flow_run_from_deployment(deployment.id).id
                outage_state = final_state(
                    client, failed, 180, "the run during the outage", processes.logs
                )
                timings["outage run"] = time.monotonic() - began
                held.outage.clear()
                first = client.create_flow_run_from_deployment(deployment.id).id
                wait_for(held.asked.is_set, 180, "the deployed run to extract", processes.logs)
                timings["extracting"] = time.monotonic() - began
                started = time.monotonic()
                os.killpg(worker.pid, signal.SIGTERM)
                held.release.set()
                worker.wait(timeout=STOP_TIMEOUT)
                timings["worker exit (s)"] = time.monotonic() - started
                second = client.create_flow_run_from_deployment(deployment.id).id
                stopped = final_state(
                    client, first, 120, "the stopped run's final state", processes.logs
                )
                timings["crashed"] = time.monotonic() - began
                time.sleep(5)  # no worker left: the new run must still be waiting
                waiting = client.read_flow_run(second).state
        assert stopped.type.value == "CRASHED", (stopped.name, stopped.message)
        assert waiting.type.value == "SCHEDULED", waiting
        run_log_path = data_dir / "runs" / "run-log.jsonl"
        assert_outage_then_interrupted(outage_state, run_log_path, processes.logs())
        # the whole of the worker's log (its flow runs write there too), not its tail: no
        # traceback, the outage's included. The Prefect server's own log is not ours to judge:
        # on a loaded machine its SQLite may log a failed heartbeat write with a traceback.
        logs = "\n".join(read_or_empty(log) for _, log in processes.started if log.stem != "server")
        assert "Traceback" not in logs and "exited with unexpected exception" not in logs, logs
        assert "failed: kremlin: " in logs  # the outage run's line (nothing read), in the log
    finally:
        processes.stop()
    print(timings, file=sys.stderr)
