"""Operations: the schedule, two concurrent runs in two processes, an interrupted backfill
that resumes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from datetime import date

import pytest

from flows.demo.atom_pages import FeedItem, paginate
from flows.demo.server import FeedServer, feed_paths
from flows.ops import run_log
from flows.ops.outcomes import EXIT_PREFECT
from flows.settings import PROJECT_ROOT
from flows.sources.kremlin.source import KremlinSource
from tests.cli_commands import readouts_run
from tests.flows.helpers import flow_settings, query

pytestmark = pytest.mark.usefixtures("prefect_harness")
FEED = KremlinSource.feed_path


def _items(count: int) -> list[FeedItem]:
    items = []
    for offset in range(count):
        day = date.fromordinal(date(2022, 12, 31).toordinal() - offset)
        stamp = f"{day.isoformat()}T12:00:00+04:00"
        items.append(
            FeedItem(
                str(5000 - offset),
                f"Meeting number {offset}",
                stamp,
                stamp,
                "The President held a meeting.",
                ["The budget was discussed."],
            )
        )
    return items


def test_the_deployment_runs_off_the_hour_in_an_explicit_time_zone_one_run_at_a_time():
    from flows.schedule import build_deployment

    deployment = build_deployment()
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "17 * * * *"
    assert schedule.schedule.timezone == "UTC"
    assert deployment.entrypoint == "flows/pipeline.py:scheduled_flow"
    assert (deployment.flow_name, deployment.name) == ("readouts-scheduled", "all")
    assert deployment.parameters == {"source": "all"}
    assert deployment.concurrency_limit == 1
    assert deployment.concurrency_options.collision_strategy.value == "ENQUEUE"
    custom = build_deployment("5 3 * * *", "Europe/Moscow").schedules[0].schedule
    assert (custom.cron, custom.timezone) == ("5 3 * * *", "Europe/Moscow")


def test_serve_keeps_the_schedule_on_shutdown_and_needs_a_real_server(monkeypatch):
    import prefect

    from flows import schedule

    calls = []
    monkeypatch.setattr(prefect, "serve", lambda *d, **kw: calls.append((d, kw)))
    from prefect.runner import runner

    from flows import handover
    from flows.ops import served_engine

    # restored after the test: serve starts its flow runs with the project's engine
    monkeypatch.setattr(runner, "EngineCommandStarter", runner.EngineCommandStarter)

    monkeypatch.setattr(schedule, "api_url", lambda: "http://127.0.0.1:4200/api")
    monkeypatch.setattr(schedule, "_check_answers", lambda url: None)
    monkeypatch.setattr(handover, "claim", lambda name: None)  # no deployment yet
    schedule.serve()
    ((deployments, options),) = calls
    assert options == {"pause_on_shutdown": False}
    assert deployments[0].name == "all"  # readouts-scheduled/all, as on a pool
    assert runner.EngineCommandStarter is served_engine.ServedEngineStarter
    monkeypatch.setattr(schedule, "api_url", lambda: None)
    with pytest.raises(RuntimeError, match="prefect server start"):
        schedule.serve()


def test_the_schedule_is_a_setting_flag_then_environment_then_default(monkeypatch):
    from flows.schedule import schedule_settings

    monkeypatch.delenv("READOUTS_CRON", raising=False)
    monkeypatch.delenv("READOUTS_TIMEZONE", raising=False)
    assert schedule_settings() == ("17 * * * *", "UTC")
    monkeypatch.setenv("READOUTS_CRON", "5 */2 * * *")
    monkeypatch.setenv("READOUTS_TIMEZONE", "Europe/Moscow")
    assert schedule_settings() == ("5 */2 * * *", "Europe/Moscow")
    assert schedule_settings("0 6 * * *", "UTC") == ("0 6 * * *", "UTC")


def test_prefect_yaml_is_the_deployment_readouts_deploy_fills_in():
    import re

    import yaml

    from flows import schedule
    from flows.settings import Settings

    config = yaml.safe_load(schedule.PREFECT_FILE.read_text(encoding="utf-8"))
    (deployment,) = config["deployments"]
    assert f"readouts-scheduled/{deployment['name']}" == schedule.deployment_name()
    assert deployment["entrypoint"] == schedule.ENTRYPOINT
    assert deployment["parameters"] == {"source": "all"}
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    assert config["pull"] == [
        {
            "prefect.deployments.steps.set_working_directory": {
                "directory": "{{ $READOUTS_PROJECT_DIR }}"
            }
        }
    ]
    filled = schedule.deploy_environment(Settings(), "17 * * * *", "UTC")
    # every value the file templates (comments aside) is one that readouts deploy sets
    templated = set(re.findall(r"\{\{ \$(\w+) \}\}", yaml.safe_dump(config)))
    assert templated == set(filled)
    job_variables = deployment["work_pool"]["job_variables"]
    # the flow run's process: the launcher that hands a stopped worker's run its SIGTERM,
    # started by this clone's interpreter
    assert job_variables["command"] == "{{ $READOUTS_PYTHON }} -m flows.ops.engine_launcher"
    env = job_variables["env"]
    # a constant: the project's loggers in the flow run's log in Prefect
    constants = {"PREFECT_LOGGING_EXTRA_LOGGERS": "readouts"}
    settings = {key: value for key, value in env.items() if key not in constants}
    assert env == {**{key: f"{{{{ ${key} }}}}" for key in settings}, **constants}
    assert set(settings) == set(filled) - {"READOUTS_CRON", "READOUTS_TIMEZONE", "READOUTS_PYTHON"}
    assert filled["READOUTS_PYTHON"] == sys.executable  # the venv's own path, not resolved


def test_readouts_deploy_runs_prefect_deploy_with_the_settings(monkeypatch, tmp_path):
    from flows import cli, schedule
    from flows.settings import PROJECT_ROOT

    calls = []

    def fake_run(command, cwd, env):
        calls.append((command, cwd, env))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(schedule.subprocess, "run", fake_run)
    monkeypatch.setattr(schedule, "api_url", lambda: "http://127.0.0.1:4200/api")
    monkeypatch.setattr(schedule, "_check_answers", lambda url: None)
    monkeypatch.setenv("READOUTS_WHITEHOUSE_BASE_URL", "https://bidenwhitehouse.archives.gov")
    monkeypatch.delenv("READOUTS_KREMLIN_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    code = cli.main(
        ["deploy", "--pool", "team", "--cron", "5 3 * * *", "--timezone", "Europe/Moscow",
         "--data-dir", "relative/data"]
    )  # fmt: skip
    assert code == 0
    ((command, cwd, env),) = calls
    assert command[1:] == [
        "-m", "prefect", "--no-prompt", "deploy", "--prefect-file",
        str(PROJECT_ROOT / "prefect.yaml"), "--name", "readouts-scheduled/all",
        "--pool", "team",
    ]  # fmt: skip
    assert cwd == PROJECT_ROOT
    assert env["READOUTS_PROJECT_DIR"] == str(PROJECT_ROOT)
    assert (env["READOUTS_CRON"], env["READOUTS_TIMEZONE"]) == ("5 3 * * *", "Europe/Moscow")
    assert env["READOUTS_DATA_DIR"] == str(tmp_path / "relative" / "data")  # absolute
    assert env["READOUTS_WAREHOUSE"] == str(
        tmp_path / "relative" / "data" / "warehouse" / "readouts.duckdb"
    )
    # each source's site travels to the worker; empty means the source's own
    assert env["READOUTS_WHITEHOUSE_BASE_URL"] == "https://bidenwhitehouse.archives.gov"
    assert env["READOUTS_KREMLIN_BASE_URL"] == ""


def test_readouts_deploy_needs_a_real_server(monkeypatch, capsys):
    from flows import cli, schedule

    monkeypatch.setattr(schedule, "api_url", lambda: None)
    assert cli.main(["deploy", "--pool", "team"]) == EXIT_PREFECT
    assert "prefect server start" in capsys.readouterr().err
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    monkeypatch.setattr(schedule, "api_url", lambda: url)
    assert cli.main(["deploy", "--pool", "team"]) == EXIT_PREFECT
    assert f"no Prefect server answers at PREFECT_API_URL={url}" in capsys.readouterr().err


def test_two_concurrent_runs_in_two_processes(tmp_path):
    from prefect.settings import PREFECT_API_URL

    pages = feed_paths(paginate(_items(100)), FEED)

    def slow(path: str):
        time.sleep(0.5)  # keeps the first run busy while the second one starts
        return None

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "READOUTS_PAUSE_SECONDS": "0"}
    with FeedServer(pages, slow) as server:
        command = readouts_run(server.base_url, tmp_path)
        first = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lock = tmp_path / "build" / "readouts.duckdb.lock"
        deadline = time.monotonic() + 60
        while not (lock.exists() and "run_id" in lock.read_text()):
            assert time.monotonic() < deadline and first.poll() is None, first.stderr.read()
            time.sleep(0.1)
        started = time.monotonic()
        second = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        second_seconds = time.monotonic() - started
        # a run in a fresh process imports dbt and parses the project: minutes on a busy machine
        out, err = first.communicate(timeout=600)
    assert second.returncode == 3, second.stderr
    assert second.stderr.count("\n") == 1  # one line, no traceback
    assert "is being written by run" in second.stderr and "changed nothing" in second.stderr
    assert second_seconds < 15  # at once: it does not wait for, or start, Prefect
    assert first.returncode == 0, err
    assert "new entries: 100" in out
    statuses = {
        record["status"]
        for record in run_log.latest_records(tmp_path / "runs" / "run-log.jsonl").values()
    }
    assert statuses == {"success", "busy"}  # the refusal is recorded too
    runs = query(
        tmp_path / "warehouse" / "readouts.duckdb",
        "select status from audit.runs where status = 'success'",
    )
    assert runs == [("success",)]


def test_an_interrupted_backfill_resumes_where_it_stopped(tmp_path):
    from flows.pipeline import run_flow

    pages = feed_paths(paginate(_items(100)), FEED)
    refuse = {"on": True}

    def forbid_page_3(path: str):
        return (403, {}, b"forbidden") if refuse["on"] and path.endswith("/page/3") else None

    with FeedServer(pages, forbid_page_3) as server:
        settings = flow_settings(server.base_url, tmp_path, since=date(2020, 1, 1))
        interrupted = run_flow(settings)
        refuse["on"] = False
        resumed = run_flow(settings)
    assert interrupted.status == "partial" and "403" in interrupted.stopped_reason
    assert interrupted.entries_new == 40
    assert resumed.status == "success"
    assert resumed.entries_new == 60
    # page 1 held nothing new; the walk jumped to the checkpoint instead of re-reading page 2
    assert resumed.pages_fetched == 4
    assert query(settings.warehouse_path, "select count(*) from staging.stg_item_versions") == [
        (100,)
    ]
    (checkpoint,) = query(
        settings.warehouse_path,
        "select value from raw.load_state where key = 'backfill_checkpoint:kremlin'",
    )[0]
    assert '"completed": [["2020-01-01", null]]' in checkpoint


def _hold_the_lock(build, ready, release):
    from flows.ops.lock import hold_warehouse

    with hold_warehouse(build, run_id="another", command="run"):
        ready.set()
        release.wait(60)


def test_scheduled_runs_end_failed_or_skipped_in_prefect_with_one_line(
    tmp_path, monkeypatch, capsys
):
    import multiprocessing

    from flows.pipeline import scheduled_flow

    monkeypatch.setenv("READOUTS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("READOUTS_PAUSE_SECONDS", "0")
    with FeedServer(feed_paths(paginate(_items(5)), FEED)) as server:
        monkeypatch.setenv("READOUTS_BASE_URL", server.base_url)
        ok = scheduled_flow(source="kremlin", return_state=True)
        assert ok.is_completed() and ok.name == "Completed"
        (tmp_path / "build" / "readouts.duckdb").write_bytes(b"")  # a corrupt build
        failed = scheduled_flow(source="kremlin", return_state=True)
        assert failed.is_failed() and "readouts rebuild" in failed.message
        context = multiprocessing.get_context("fork")
        ready, release = context.Event(), context.Event()
        holder = context.Process(
            target=_hold_the_lock, args=(tmp_path / "build" / "readouts.duckdb", ready, release)
        )
        holder.start()
        try:
            assert ready.wait(10)
            skipped = scheduled_flow(source="kremlin", return_state=True)
        finally:
            release.set()
            holder.join()
    assert skipped.is_completed() and skipped.name == "Skipped"
    assert "being written by run another" in skipped.message
    printed = re.findall(r"^\S+ \S+Z run \S+ (\w+): ", capsys.readouterr().out, re.MULTILINE)
    assert printed == ["success", "failed", "busy"]
    statuses = [
        r["status"] for r in run_log.latest_records(tmp_path / "runs" / "run-log.jsonl").values()
    ]
    assert statuses == ["success", "failed", "busy"]
