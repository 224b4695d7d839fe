"""Scheduled runs on a Prefect work pool, as an operator runs them: the commands of docs/operations.md
against a real `prefect server start` on a free port of 127.0.0.1, two process workers, and
the bundled demo feed served on 127.0.0.1, so that the deployed runs really extract.

It proves: the deployment runs anywhere a worker starts it (the pull step puts it in the
project); two runs triggered at once never overlap (Prefect's limits serialise them); and a
run that finds the writer busy (a `readouts run` by hand, outside Prefect's limits) ends
Completed, named Skipped, while the other run completes."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import threading
import time

import pytest

from flows.demo.run import demo_base_urls, demo_pages
from flows.demo.server import FeedServer
from flows.ops import run_log
from flows.settings import PROJECT_ROOT
from flows.sources import SOURCE_NAMES
from tests.cli_commands import readouts_run
from tests.flows.helpers import query
from tests.prefect_server import (
    Processes,
    argv,
    assignments,
    free_port,
    read_or_empty,
    server_env,
    server_up,
    wait_for,
    work_pool_block,
)

pytestmark = pytest.mark.slow

# The work-pool block of docs/operations.md, comments aside; the test checks that it is still this.
README_COMMANDS = [
    "PREFECT_SERVER_ANALYTICS_ENABLED=false prefect server start",
    "export PREFECT_API_URL=http://127.0.0.1:4200/api",
    "prefect work-pool create readouts --type process",
    "prefect work-pool set-concurrency-limit readouts 1",
    "prefect worker start --pool readouts",
    "readouts deploy --pool readouts",
    "prefect deployment run readouts-scheduled/all",
]
# The schedule is a setting; a far-off one keeps a scheduled run out of the test's way.
TEST_CRON = "0 0 1 1 *"
# Patience, not a check of speed: under xdist this test may share 2 cores with the busy loops
# of tests/process/test_first_command.py and a dbt build or two (a deploy took over 120 s).
RUN_TIMEOUT = 300  # seconds for one deployed run to reach a final state
COMMAND_TIMEOUT = 240  # seconds for one `prefect` or `readouts` command


def _final_runs(client, ids: list, timeout: float, diagnostics) -> list:
    runs: list = []

    def final() -> bool:
        runs[:] = [client.read_flow_run(flow_run_id) for flow_run_id in ids]
        return all(run.state is not None and run.state.is_final() for run in runs)

    wait_for(final, timeout, f"flow runs {ids} to finish", diagnostics)
    return runs


def test_scheduled_runs_on_a_work_pool_with_two_workers(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    assert work_pool_block() == README_COMMANDS, "the README's work-pool block changed"
    started = time.monotonic()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    data_dir = tmp_path / "data"
    warehouse = data_dir / "warehouse" / "readouts.duckdb"
    build = data_dir / "build" / "readouts.duckdb"  # the writer's own: audit rows land first
    env = server_env(
        tmp_path,
        # Test tempo, not behaviour: workers ask for work every second (default 10 s), and
        # a run refused a deployment slot is retried after 2 s (default 30 s).
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS="2",
    )
    hold = {"on": False}
    released = threading.Event()

    def responder(path: str):
        # While `hold` is on, a request waits (under the client's 30 s timeout) until the
        # deployed run has met the busy writer: the hand-run keeps the lock meanwhile.
        if hold["on"]:
            released.wait(timeout=25)
        return None

    processes = Processes(tmp_path)
    feed = FeedServer(demo_pages(), responder)  # both sources' sample feeds
    timings: dict[str, float] = {}
    try:
        feed.__enter__()
        server, export, create_pool, pool_limit, worker, deploy, run_now = README_COMMANDS
        processes.start(
            "server",
            [*argv(server), "--host", "127.0.0.1", "--port", str(port)],
            {**env, **assignments(server)},
        )
        env["PREFECT_API_URL"] = export.split("=", 1)[1].replace("4200", str(port))
        assert env["PREFECT_API_URL"] == api
        wait_for(lambda: server_up(api), 300, "the Prefect server", processes.logs)
        timings["server"] = time.monotonic() - started
        for command in (create_pool, pool_limit):
            done = subprocess.run(
                argv(command),
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        for number in (1, 2):  # several workers on one pool
            processes.start(f"worker-{number}", argv(worker), env)
        deploy_env = {
            **env,
            "READOUTS_DATA_DIR": str(data_dir),
            **{
                f"READOUTS_{name.upper()}_BASE_URL": url
                for name, url in demo_base_urls(feed.base_url).items()
            },
            "READOUTS_PAUSE_SECONDS": "0",
            "READOUTS_CRON": TEST_CRON,
        }
        # from another directory: the deployment must not depend on where it was made
        done = subprocess.run(
            argv(deploy),
            env=deploy_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "readouts-scheduled/all" in done.stdout
        timings["deployed"] = time.monotonic() - started

        with SyncPrefectClient(api) as client:
            deployment = client.read_deployment_by_name("readouts-scheduled/all")
            assert deployment.pull_steps == [
                {
                    "prefect.deployments.steps.set_working_directory": {
                        "directory": str(PROJECT_ROOT)
                    }
                }
            ]
            assert deployment.job_variables["env"]["READOUTS_DATA_DIR"] == str(data_dir)
            deployed_env = deployment.job_variables["env"]
            assert deployed_env["READOUTS_KREMLIN_BASE_URL"] == feed.base_url
            assert deployed_env["READOUTS_WHITEHOUSE_BASE_URL"] == feed.base_url
            (schedule,) = deployment.schedules
            assert (schedule.schedule.cron, schedule.schedule.timezone) == (TEST_CRON, "UTC")
            assert deployment.global_concurrency_limit.limit == 1
            assert deployment.concurrency_options.collision_strategy.value == "ENQUEUE"
            assert client.read_work_pool("readouts").concurrency_limit == 1

            # 1. The README's run, and a second one at once: both complete, one after the
            # other; the first builds the warehouse.
            done = subprocess.run(
                argv(run_now),
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            first = re.search(r"UUID: ([0-9a-f-]{36})", done.stdout).group(1)
            second = client.create_flow_run_from_deployment(deployment.id).id
            runs = _final_runs(client, [first, second], 2 * RUN_TIMEOUT, processes.logs)
            assert [run.state.type.value for run in runs] == ["COMPLETED"] * 2, [
                (run.state.name, run.state.message) for run in runs
            ]
            assert [run.state.name for run in runs] == ["Completed"] * 2
            earlier, later = sorted(runs, key=lambda run: run.start_time)
            assert earlier.end_time <= later.start_time, "the two runs overlapped"
            timings["two runs"] = time.monotonic() - started
            assert query(
                warehouse, "select source, count(*) from marts.calls group by 1 order by 1"
            ) == [("kremlin", 23), ("kremlin_ru", 4), ("whitehouse", 4)]
            audit = query(
                build,
                "select command, source, status, started_at, ended_at from audit.runs "
                "order by started_at",
            )
            # each deployed run: every source in turn, one writer at a time (a run's sources
            # all end with its one build and publication, so they overlap one another, never the
            # other run's)
            assert [row[:3] for row in audit] == [
                ("scheduled", "kremlin", "success"),
                ("scheduled", "whitehouse", "success"),
                ("scheduled", "kremlin_ru", "success"),
            ] * 2
            assert all(a[3] <= b[3] for a, b in itertools.pairwise(audit))  # in turn
            assert max(row[4] for row in audit[:3]) <= min(row[3] for row in audit[3:])

            # 2. A run by hand holds the writer; a deployed run started meanwhile changes
            # nothing and is recorded as Skipped, not Failed; the hand-run completes.
            hold["on"] = True
            by_hand = processes.start(
                "readouts-run", readouts_run(feed.base_url, data_dir), {**deploy_env}
            )
            lock = build.with_name(build.name + ".lock")
            wait_for(
                lambda: '"command": "run"' in read_or_empty(lock),
                COMMAND_TIMEOUT,
                "the hand-run to hold the writer's lock",
                processes.logs,
            )
            skipped = client.create_flow_run_from_deployment(deployment.id).id
            (run,) = _final_runs(client, [skipped], RUN_TIMEOUT, processes.logs)
            released.set()
            # 3. Deploying again updates the deployment in place (while the hand-run ends).
            again = subprocess.run(
                [*argv(deploy), "--cron", "5 */2 * * *", "--timezone", "Europe/Moscow"],
                env=deploy_env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
            )
            assert again.returncode == 0, again.stdout + again.stderr
            updated = client.read_deployment_by_name("readouts-scheduled/all")
            assert updated.id == deployment.id
            assert [(s.schedule.cron, s.schedule.timezone) for s in updated.schedules] == [
                ("5 */2 * * *", "Europe/Moscow")
            ]
            assert by_hand.wait(timeout=COMMAND_TIMEOUT) == 0, processes.logs()
            timings["skipped, redeployed"] = time.monotonic() - started
        assert run.state.type.value == "COMPLETED" and run.state.name == "Skipped"
        assert "Skipped because the writer was busy" in run.state.message
        assert f"pid {by_hand.pid}" in run.state.message
        audit = query(
            build,
            "select command, status from audit.runs where status != 'busy' order by started_at",
        )
        # two deployed runs over every source, then the hand-run
        sources = len(SOURCE_NAMES)
        assert audit == [("scheduled", "success")] * (2 * sources) + [("run", "success")]
        busy = [
            (record["command"], record["exit_code"])
            for record in run_log.latest_records(data_dir / "runs" / "run-log.jsonl").values()
            if record["status"] == "busy"
        ]
        # the skipped run is recorded, not lost: each source's part of it
        assert busy == [("scheduled", 3)] * sources
    finally:
        released.set()
        processes.stop()
        feed.__exit__(None, None, None)
    print(json.dumps({key: round(value, 1) for key, value in timings.items()}))
