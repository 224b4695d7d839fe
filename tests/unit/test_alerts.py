"""`readouts alerts` without a server: the block each URL gets, the automation's trigger,
and the command's refusal when no server is configured (the real server: tests/flows)."""

from __future__ import annotations

import uuid

import pytest

from flows import alerts
from flows.cli import main


def test_the_automation_watches_every_flow_of_the_project():
    from prefect import Flow

    from flows import pipeline

    names = {value.name for value in vars(pipeline).values() if isinstance(value, Flow)}
    assert names == set(alerts.FLOW_NAMES)


def test_the_trigger_fires_once_per_failed_crashed_or_warned_run():
    block_id = uuid.uuid4()
    automation = alerts.automation(block_id)
    trigger = automation.trigger
    assert trigger.expect == {
        "prefect.flow-run.Failed",
        "prefect.flow-run.Crashed",
        "prefect.flow-run.Warned",
    }
    assert trigger.threshold == 1 and trigger.for_each == {"prefect.resource.id"}
    assert trigger.match_related.root["prefect.resource.name"] == list(alerts.FLOW_NAMES)
    (action,) = automation.actions
    assert action.block_document_id == block_id
    # the source and the exit code are in the state's message; the link is the run's
    assert "flow_run.state.message" in action.body and "flow_run|ui_url" in action.body


@pytest.mark.parametrize(
    ("url", "block_type"),
    [
        ("http://127.0.0.1:9000/hook", "Custom Webhook"),
        ("https://hooks.example.org/abc", "Custom Webhook"),
        ("https://hooks.slack.com/services/T000/B000/XXXX", "Slack Webhook"),
        ("mailto://user:pass@example.org", "Slack Webhook"),  # Apprise takes any URL
        ("msteams://team/token", "Slack Webhook"),
    ],
)
def test_each_url_gets_a_prefect_notification_block(url, block_type):
    assert alerts.notification_block(url).get_block_type_name() == block_type


def test_a_url_that_is_no_url_is_refused():
    with pytest.raises(ValueError, match="neither"):
        alerts.notification_block("not a url")


def test_without_a_server_the_command_says_where_alerts_live(monkeypatch, capsys):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert main(["alerts", "--webhook", "http://127.0.0.1:9/hook"]) == 7
    assert "PREFECT_API_URL" in capsys.readouterr().err


def test_the_documented_server_lines_turn_telemetry_off_and_say_where_state_lives():
    from flows.settings import PROJECT_ROOT

    pages = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
    readme = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    blocks = [part.split("```", 1)[0] for part in readme.split("```sh\n")[1:]]
    lines = [
        line for block in blocks for line in block.splitlines() if "prefect server start" in line
    ]
    assert len(lines) >= 2
    assert all(line.startswith("PREFECT_SERVER_ANALYTICS_ENABLED=false ") for line in lines)
    assert "The server's state" in readme and "`~/.prefect/`" in readme


def test_every_server_start_an_operator_is_told_to_run_turns_telemetry_off():
    """The README and the command line's own messages never tell anyone to run a bare
    `prefect server start` (offline, the server would log a failed telemetry lookup); the
    command blocks of docs/ are checked above."""
    from flows import prefect_env
    from flows.settings import PROJECT_ROOT

    assert prefect_env.SERVER_START.startswith("PREFECT_SERVER_ANALYTICS_ENABLED=false ")
    files = [
        PROJECT_ROOT / "README.md",
        *(PROJECT_ROOT / "flows").rglob("*.py"),
    ]
    bare = [
        str(path.relative_to(PROJECT_ROOT))
        for path in files
        if "`prefect server start" in path.read_text(encoding="utf-8")
    ]
    assert not bare, bare
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{prefect_env.SERVER_START}`" in readme and "`~/.prefect/`" in readme
