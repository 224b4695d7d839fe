"""`readouts alerts`, as an operator sets it up: a real `prefect server start` on a free port
of 127.0.0.1 and a webhook receiver on 127.0.0.1. A healthy run posts nothing; a run that
fails (the site unreachable, exit 4) posts once, naming the source, the exit code, the
message and a link to the run; a run Completed named Warned (a drift) posts too; the
command run twice leaves one automation; `--remove` takes everything away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flows import alerts, prefect_env
from flows.demo.run import demo_pages
from flows.demo.server import FeedServer
from tests.flows.test_workpool import Processes, _healthy, _wait, free_port

pytestmark = pytest.mark.slow

POST_TIMEOUT = 180  # seconds for a post to arrive (the bound)
SERVER_ADDRESS = ("--host", "127.0.0.1", "--port")
QUIET_SECONDS = 10  # after the post: time for a second one to show up, if any


class Receiver:
    """A webhook receiver on 127.0.0.1 that keeps every JSON body posted to it."""

    def __init__(self) -> None:
        posts = self.posts = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                posts.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _readouts(*args: str, env: dict[str, str], timeout: float = 300):
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


WARNED_FLOW = """
from prefect import flow
from prefect.states import Completed

@flow(name="readouts-run")
def drifted():
    return Completed(name="Warned", message="exit 8: kremlin: drift: calls per month fell")

drifted(return_state=True)
"""


def test_alerts_post_once_for_a_failed_run_and_never_for_a_healthy_one(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(prefect_env.QUIET_DEFAULTS)
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_UI_ENABLED="false",
        PREFECT_UI_URL=f"http://127.0.0.1:{port}",
        READOUTS_PAUSE_SECONDS="0",
    )
    processes = Processes(tmp_path)
    receiver = Receiver()
    timings: dict[str, float] = {}
    started = time.monotonic()
    try:
        processes.start(
            "server",
            [sys.executable, "-m", "prefect", "server", "start", *SERVER_ADDRESS, str(port)],
            env,
        )
        _wait(lambda: _healthy(api), 120, "the Prefect server", processes.logs)
        env["PREFECT_API_URL"] = api
        timings["server"] = time.monotonic() - started

        for _ in range(2):  # twice: still one set
            done = _readouts("alerts", "--webhook", receiver.url, env=env, timeout=120)
            assert done.returncode == 0, done.stdout + done.stderr
            assert "alerts registered" in done.stdout
        with SyncPrefectClient(api) as client:
            assert len(client.read_automations_by_name(alerts.AUTOMATION_NAME)) == 1
        timings["registered"] = time.monotonic() - started

        # a healthy run first, then a failing one: the only post is the failing run's
        with FeedServer(demo_pages()) as feed:
            healthy = _readouts(
                "run", "--source", "whitehouse", "--base-url", feed.base_url,
                "--data-dir", str(tmp_path / "data"), env=env,
            )  # fmt: skip
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
        timings["healthy run"] = time.monotonic() - started
        failing = _readouts(
            "run", "--source", "kremlin", "--base-url", f"http://127.0.0.1:{free_port()}",
            "--data-dir", str(tmp_path / "data"), env=env,
        )  # fmt: skip
        assert failing.returncode == 4, failing.stdout + failing.stderr
        _wait(lambda: receiver.posts, POST_TIMEOUT, "the failed run's post", processes.logs)
        timings["posted"] = time.monotonic() - started
        time.sleep(QUIET_SECONDS)
        assert len(receiver.posts) == 1, receiver.posts
        (post,) = receiver.posts
        with SyncPrefectClient(api) as client:
            (failed,) = [
                run
                for run in client.read_flow_runs()
                if run.state is not None and run.state.is_failed()
            ]
        assert "Failed" in post["subject"]
        body = post["body"]
        assert "kremlin" in body and "exit 4" in body  # the source and the exit code
        assert "partial" in body  # the message
        assert f"http://127.0.0.1:{port}/runs/flow-run/{failed.id}" in body

        # a drift: Completed named Warned posts too
        subprocess.run([sys.executable, "-c", WARNED_FLOW], env=env, check=True, timeout=120)
        _wait(lambda: len(receiver.posts) > 1, POST_TIMEOUT, "the warned run's post")
        assert "Warned" in receiver.posts[1]["subject"]
        assert "exit 8" in receiver.posts[1]["body"]

        done = _readouts("alerts", "--remove", env=env, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        with SyncPrefectClient(api) as client:
            assert client.read_automations_by_name(alerts.AUTOMATION_NAME) == []
    finally:
        receiver.close()
        processes.stop()
    print(json.dumps({key: round(value, 1) for key, value in timings.items()}))
