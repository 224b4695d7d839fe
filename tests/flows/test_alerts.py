"""What an operator sees in Prefect, with a real `prefect server start` on a free port of
127.0.0.1 and a webhook receiver on 127.0.0.1 (`readouts alerts`, registered twice).

- The logs: a healthy `readouts run` puts in the flow run's log, at INFO, a line per dbt
  seed, model and test (the build-models task's) and the project's own lines
  (`readouts.extract`).
- The alerts: the healthy run posts nothing; a run that fails (the site unreachable,
  exit 4) posts once, naming the source, the exit code, the message and a link to the run;
  a run Completed named Warned (a drift) posts too; the command run twice leaves one
  automation; `--remove` takes everything away."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from prefect.exceptions import ObjectNotFound

from flows import alerts
from flows.demo.run import demo_pages
from flows.demo.server import FeedServer
from flows.ops import run_log
from tests.prefect_server import (
    Processes,
    argv,
    assignments,
    free_port,
    server_env,
    server_up,
    wait_for,
    work_pool_block,
)

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


@dataclass
class Served:
    api: str
    port: int
    env: dict[str, str]
    receiver: Receiver
    processes: Processes
    data_dir: Path
    timings: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The server, alerts registered twice, then a healthy run (the demo's White House
    feed, on 127.0.0.1)."""
    tmp_path = tmp_path_factory.mktemp("served")
    port = free_port()
    env = server_env(
        tmp_path,
        PREFECT_UI_URL=f"http://127.0.0.1:{port}",
        READOUTS_PAUSE_SECONDS="0",
    )
    here = Served(
        f"http://127.0.0.1:{port}/api", port, env, Receiver(), Processes(tmp_path), tmp_path
    )
    started = time.monotonic()
    try:
        server = work_pool_block()[0]  # the README's line, as an operator types it
        here.processes.start(
            "server", [*argv(server), *SERVER_ADDRESS, str(port)], {**env, **assignments(server)}
        )
        wait_for(lambda: server_up(here.api), 120, "the Prefect server", here.processes.logs)
        env["PREFECT_API_URL"] = here.api
        here.timings["server"] = time.monotonic() - started
        for _ in range(2):  # twice: still one set
            done = _readouts("alerts", "--webhook", here.receiver.url, env=env, timeout=120)
            assert done.returncode == 0, done.stdout + done.stderr
            assert "alerts registered" in done.stdout
        from prefect.client.orchestration import SyncPrefectClient

        with SyncPrefectClient(here.api) as client:
            assert len(client.read_automations_by_name(alerts.AUTOMATION_NAME)) == 1
        here.timings["registered"] = time.monotonic() - started
        with FeedServer(demo_pages()) as feed:
            healthy = _readouts(
                "run", "--source", "whitehouse", "--base-url", feed.base_url,
                "--data-dir", str(here.data_dir / "data"), env=env,
            )  # fmt: skip
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
        assert "INFO" not in healthy.stderr  # the API gets INFO; the terminal, warnings
        here.timings["healthy run"] = time.monotonic() - started
        yield here
    finally:
        here.receiver.close()
        here.processes.stop()
        print(json.dumps({key: round(value, 1) for key, value in here.timings.items()}))


def _flow_runs(api: str):
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(api) as client:
        return client.read_flow_runs()


def test_a_runs_log_in_prefect_has_each_dbt_node_and_the_projects_lines(served):
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    (run,) = _flow_runs(served.api)
    assert run.state.is_completed() and "whitehouse" in run.state.message
    with SyncPrefectClient(served.api) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
        task_runs = {task.id: task.name for task in client.read_task_runs()}
    lines = [(log.name, task_runs.get(log.task_run_id, ""), log.message) for log in logs]
    assert all(log.level >= logging.INFO for log in logs)
    built = [
        message
        for name, task, message in lines
        if task.startswith("build-models") and message.startswith("dbt ")
    ]
    kinds = {message.split()[1] for message in built}
    assert {"seed", "model", "test"} <= kinds, lines
    assert len(built) > 100  # every node of the project, one line each
    assert any(name.startswith("readouts.") for name, _, _ in lines), lines


def test_alerts_post_once_for_a_failed_run_and_never_for_a_healthy_one(served):
    from prefect.client.orchestration import SyncPrefectClient

    env, receiver, started = served.env, served.receiver, time.monotonic()
    failing = _readouts(
        "run", "--source", "kremlin", "--base-url", f"http://127.0.0.1:{free_port()}",
        "--data-dir", str(served.data_dir / "data"), env=env,
    )  # fmt: skip
    assert failing.returncode == 4, failing.stdout + failing.stderr
    wait_for(lambda: receiver.posts, POST_TIMEOUT, "the failed run's post", served.processes.logs)
    served.timings["posted, from the failing run's start"] = time.monotonic() - started
    time.sleep(QUIET_SECONDS)
    assert len(receiver.posts) == 1, receiver.posts  # the healthy run posted nothing
    lines = run_log.lines_per_run(served.data_dir / "data" / "runs" / "run-log.jsonl")
    assert sorted(lines.values()) == [["running", "failed"], ["running", "success"]]
    (post,) = receiver.posts
    (failed,) = [run for run in _flow_runs(served.api) if run.state.is_failed()]
    assert "Failed" in post["subject"]
    body = post["body"]
    assert "kremlin" in body and "exit 4" in body  # the source and the exit code
    assert "failed: kremlin: " in body  # the message: nothing was read, so not "partial"
    assert f"http://127.0.0.1:{served.port}/runs/flow-run/{failed.id}" in body

    # a drift: Completed named Warned posts too
    subprocess.run([sys.executable, "-c", WARNED_FLOW], env=env, check=True, timeout=120)
    wait_for(lambda: len(receiver.posts) > 1, POST_TIMEOUT, "the warned run's post")
    assert "Warned" in receiver.posts[1]["subject"]
    assert "exit 8" in receiver.posts[1]["body"]

    done = _readouts("alerts", "--remove", env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with SyncPrefectClient(served.api) as client:
        assert client.read_automations_by_name(alerts.AUTOMATION_NAME) == []
        for slug in ("custom-webhook", "slack-webhook"):
            with pytest.raises(ObjectNotFound):
                client.read_block_document_by_name(alerts.BLOCK_NAME, slug)


def _seed_items():
    """The seed's pattern: seven "constructive" calls with one counterpart, then a call with
    no descriptor; and a counterpart with a single earlier call."""
    from datetime import date, timedelta

    from flows.demo.atom_pages import FeedItem

    def call(number: int, day: date, who: str, sentence: str) -> FeedItem:
        stamp = f"{day.isoformat()}T16:10:00+03:00"
        return FeedItem(
            str(9100 + number),
            f"Telephone conversation with {who}",
            stamp,
            stamp,
            f"Vladimir Putin had a telephone conversation with {who}.",
            [sentence],
        )

    start, us = date(2017, 2, 1), "President of the United States Donald Trump"
    constructive = "The conversation was businesslike and constructive."
    items = [call(n, start + timedelta(days=30 * n), us, constructive) for n in range(7)]
    items.append(call(7, start + timedelta(days=240), us, "They discussed trade."))
    items.append(call(8, start, "President of France Emmanuel Macron", constructive))
    items.append(call(9, start + timedelta(days=60), "President of France Emmanuel Macron",
                      "They discussed trade."))  # fmt: skip
    return items[::-1]


def test_a_run_announces_new_tone_shifts_once_and_a_rebuild_does_not(served):
    """The seed's pattern through the real pipeline (a `readouts run` over HTTP), with the
    alerts registered again to a receiver of this test's own: the new call is
    descriptors_dropped and descriptor_lost (constructive), the counterpart with one earlier
    call has no row; each shift is posted once, with the counterpart, the kind, the baseline
    in words and the readout's link; a run that finds nothing new and a rebuild post nothing."""
    from flows.demo.atom_pages import paginate
    from flows.demo.server import feed_paths
    from flows.sources.kremlin.source import KremlinSource

    env, receiver = served.env, Receiver()
    data_dir = str(served.data_dir / "shifts")
    try:
        done = _readouts("alerts", "--webhook", receiver.url, env=env, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        pages = feed_paths(paginate(_seed_items()), KremlinSource.feed_path)
        with FeedServer(pages) as feed:
            for _ in range(2):  # the second run finds nothing new
                run = _readouts(
                    "run", "--source", "kremlin", "--base-url", feed.base_url,
                    "--data-dir", data_dir, env=env,
                )  # fmt: skip
                assert run.returncode == 0, run.stdout + run.stderr
        rebuilt = _readouts("rebuild", "--data-dir", data_dir, env=env)
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        warehouse = Path(data_dir) / "warehouse" / "readouts.duckdb"
        import duckdb

        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(
                "select item_id, counterpart_key, kind, labels, baseline_calls "
                "from marts.tone_shifts order by kind"
            ).fetchall()
        assert rows == [
            ("9107", "US", "descriptor_lost", ["businesslike", "constructive"], 7),
            ("9107", "US", "descriptors_dropped", [], 7),
        ]
        wait_for(lambda: len(receiver.posts) >= 2, POST_TIMEOUT, "the shifts' posts")
        time.sleep(QUIET_SECONDS)
        assert len(receiver.posts) == 2, receiver.posts  # once each, whatever ran after
        subjects = sorted(post["subject"] for post in receiver.posts)
        assert subjects == [
            "readouts: a change of tone with United States (descriptor lost)",
            "readouts: a change of tone with United States (descriptors dropped)",
        ]
        for post in receiver.posts:
            body = post["body"]
            assert "7 earlier days of calls with United States from 2017-02-01" in body
            assert "100% of them with a tone descriptor (businesslike, constructive)" in body
            assert "/events/president/news/9107" in body  # the readout's link
    finally:
        receiver.close()
