"""A run stopped mid-way with SIGTERM (what a worker told to stop, or an operator's
`kill -TERM`, sends), against a real `prefect server start`: the run log records it as
interrupted with exit code 9 (never exit 1, "a bug"), no traceback is printed, and its
flow run ends Crashed (so the alerts post)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import pytest

from flows.demo.run import demo_pages
from flows.demo.server import FeedServer
from flows.ops import run_log
from flows.ops.outcomes import EXIT_INTERRUPTED
from tests.cli_commands import readouts_run
from tests.prefect_server import Processes, free_port, server_env, server_up, wait_for

pytestmark = pytest.mark.slow
ADDRESS = ("--host", "127.0.0.1", "--port")


def test_a_run_stopped_with_sigterm_is_recorded_as_interrupted(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = server_env(tmp_path)
    asked = threading.Event()
    release = threading.Event()

    def responder(path: str):
        asked.set()  # the run is extracting: hold it there
        release.wait(timeout=60)
        return None

    processes = Processes(tmp_path)
    data_dir = tmp_path / "data"
    try:
        processes.start(
            "server",
            [sys.executable, "-m", "prefect", "server", "start", *ADDRESS, str(port)],
            env,
        )
        wait_for(lambda: server_up(api), 120, "the Prefect server", processes.logs)
        env["PREFECT_API_URL"] = api
        with FeedServer(demo_pages(), responder) as feed:
            run = subprocess.Popen(
                [*readouts_run(feed.base_url, data_dir), "--pause", "0"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            wait_for(asked.is_set, 120, "the run to ask for its first page", processes.logs)
            run.send_signal(signal.SIGTERM)
            release.set()
            out, err = run.communicate(timeout=120)
        # Prefect marks the flow run Crashed, then ends the process with the signal it got
        # (143 to a shell), as a process told to stop does
        assert run.returncode == -signal.SIGTERM, out + err
        assert "Traceback" not in err
        (record,) = run_log.latest_records(data_dir / "runs" / "run-log.jsonl").values()
        assert (record["status"], record["exit_code"]) == ("interrupted", EXIT_INTERRUPTED)
        with SyncPrefectClient(api) as client:
            (flow_run,) = client.read_flow_runs()
        assert flow_run.state.type.value == "CRASHED", flow_run.state
    finally:
        processes.stop()
