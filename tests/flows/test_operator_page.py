"""docs/operator.md, followed literally: every command block in its order against a real
`prefect server start` on a free port of 127.0.0.1 (the page's port replaced), with a
far-off cron so that no scheduled run joins in. Start the server and `readouts serve`;
pause and resume the schedule; deploying to a pool while serve runs is refused in one
line; serve stopped with SIGTERM, the deployment moves to a pool (same id, a worker
online); serve is refused while the pool holds it; the worker stopped with SIGTERM, the
deployment deleted, serve runs it again; alerts registered and removed."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from flows import handover
from flows.schedule import deployment_name
from flows.settings import PROJECT_ROOT
from tests.prefect_server import (
    Processes,
    argv,
    assignments,
    free_port,
    server_env,
    server_up,
    wait_for,
)

pytestmark = pytest.mark.slow

PAGE = PROJECT_ROOT / "docs" / "operator.md"
PAGE_COMMANDS = [
    "PREFECT_SERVER_ANALYTICS_ENABLED=false prefect server start",
    "export PREFECT_API_URL=http://127.0.0.1:4200/api",
    "readouts serve",
    "prefect deployment schedule ls readouts-scheduled/all",
    "prefect deployment schedule pause readouts-scheduled/all SCHEDULE_ID",
    "prefect deployment schedule resume readouts-scheduled/all SCHEDULE_ID",
    "prefect work-pool create readouts --type process",
    "prefect work-pool set-concurrency-limit readouts 1",
    "prefect worker start --pool readouts",
    "readouts deploy --pool readouts",
    "prefect deployment delete readouts-scheduled/all",
    "readouts serve",
    "readouts alerts --webhook https://hooks.example.org/readouts",
    "readouts alerts --remove",
]
TEST_CRON = "0 0 1 1 *"
STOP_TIMEOUT = 30  # seconds for serve or a worker to exit after SIGTERM


def page_commands() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in text.split("```sh\n")[1:]]
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def _stop(process: subprocess.Popen) -> float:
    """SIGTERM, as an operator's `kill -TERM`; returns the seconds it took to exit."""
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=STOP_TIMEOUT)
    return time.monotonic() - started


def test_the_operators_page_step_by_step(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    assert page_commands() == PAGE_COMMANDS, "docs/operator.md's commands changed"
    (
        server, export, serve, schedules, pause, resume, create_pool, pool_limit, worker,
        deploy, delete, serve_again, alerts_on, alerts_off,
    ) = PAGE_COMMANDS  # fmt: skip
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = server_env(
        tmp_path,
        READOUTS_DATA_DIR=str(tmp_path / "data"),
        READOUTS_CRON=TEST_CRON,
    )
    processes = Processes(tmp_path)
    name = deployment_name()
    timings: dict[str, float] = {}

    def run(command: str, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*argv(command), *extra], env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=180,
        )  # fmt: skip

    def claim() -> handover.Claim | None:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api}):
            return handover.claim(name)

    try:
        processes.start(
            "server",
            [*argv(server), "--host", "127.0.0.1", "--port", str(port)],
            {**env, **assignments(server)},
        )
        wait_for(lambda: server_up(api), 120, "the Prefect server", processes.logs)
        env["PREFECT_API_URL"] = export.split("=", 1)[1].replace("4200", str(port))
        assert env["PREFECT_API_URL"] == api

        # Start: serve creates the deployment and asks for work
        served = processes.start("serve", argv(serve), env)
        wait_for(lambda: handover.served(claim()), 120, "serve to ask for work", processes.logs)
        with SyncPrefectClient(api) as client:
            deployment = client.read_deployment_by_name(name)
        (schedule,) = deployment.schedules

        # Pause and resume
        listed = run(schedules)
        assert listed.returncode == 0 and str(schedule.id)[:8] in listed.stdout, listed.stdout
        for command, active in ((pause, False), (resume, True)):
            done = run(command.replace("SCHEDULE_ID", str(schedule.id)))
            assert done.returncode == 0, done.stdout + done.stderr
            with SyncPrefectClient(api) as client:
                (now,) = client.read_deployment_by_name(name).schedules
            assert now.active is active

        # Move to a pool: refused while serve runs, then done once it is stopped
        refused = run(deploy)
        assert refused.returncode == 3, refused.stdout + refused.stderr
        (line,) = refused.stderr.strip().splitlines()
        assert "`readouts serve` is running" in line and "stop it first" in line
        timings["serve stopped (s)"] = _stop(served)
        wait_for(lambda: not handover.served(claim()), 60, "serve's claim to lapse")
        for command in (create_pool, pool_limit):
            done = run(command)
            assert done.returncode == 0, done.stdout + done.stderr
        working = processes.start("worker", argv(worker), env)
        done = run(deploy)
        assert done.returncode == 0, done.stdout + done.stderr
        with SyncPrefectClient(api) as client:
            pooled = client.read_deployment_by_name(name)
            assert (pooled.id, pooled.work_pool_name) == (deployment.id, "readouts")
            wait_for(
                lambda: any(
                    w.status.value == "ONLINE"
                    for w in client.read_workers_for_work_pool("readouts")
                ),
                90,
                "the worker to be online",
                processes.logs,
            )

        # Back to serve: refused while the pool holds it; the workers stopped, the
        # deployment deleted, serve runs it again
        refused = subprocess.run(
            argv(serve_again), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert refused.returncode == 3, refused.stdout + refused.stderr
        assert "prefect deployment delete" in refused.stderr
        timings["worker stopped (s)"] = _stop(working)
        done = run(delete)
        assert done.returncode == 0, done.stdout + done.stderr
        served = processes.start("serve-again", argv(serve_again), env)
        wait_for(lambda: handover.served(claim()), 120, "serve to run it again", processes.logs)
        assert claim().pool is None

        # Stop
        timings["serve stopped again (s)"] = _stop(served)

        # Alerts
        for command in (alerts_on, alerts_off):
            done = run(command)
            assert done.returncode == 0, done.stdout + done.stderr
    finally:
        processes.stop()
    print(timings)
