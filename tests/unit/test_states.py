"""Prefect's state says what the exit code says (no flow runs here: the mapping alone)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.ops import outcomes
from flows.run_book import SourcesSummary, state_of, summary_of
from flows.summary import RunSummary


def _summary(status: str, code: int, source: str = "kremlin") -> RunSummary:
    summary = RunSummary("run-1", "run", source, datetime.now(UTC), status=status)
    summary.exit_code, summary.message = code, f"{status} message"
    return summary


@pytest.mark.parametrize(
    ("status", "code", "state", "name"),
    [
        ("success", outcomes.EXIT_OK, "COMPLETED", "Completed"),
        ("busy", outcomes.EXIT_BUSY, "COMPLETED", "Skipped"),
        ("warned", outcomes.EXIT_DRIFT, "COMPLETED", "Warned"),
        ("failed", outcomes.EXIT_BUG, "FAILED", "Failed"),
        ("partial", outcomes.EXIT_SOURCE, "FAILED", "Failed"),
        ("failed", outcomes.EXIT_SOURCE, "FAILED", "Failed"),  # nothing read
        ("failed", outcomes.EXIT_DATA, "FAILED", "Failed"),
        ("failed", outcomes.EXIT_WAREHOUSE, "FAILED", "Failed"),
        ("failed", outcomes.EXIT_PREFECT, "FAILED", "Failed"),
    ],
)
def test_each_exit_code_has_its_state(status, code, state, name):
    summary = _summary(status, code)
    result = state_of(summary)
    assert (result.type.value, result.name) == (state, name)
    assert "kremlin" in result.message  # the state's message names the source
    assert summary_of(result) is summary


def test_a_run_over_sources_fails_when_one_source_failed():
    both = SourcesSummary([_summary("success", 0), _summary("partial", 4, "whitehouse")])
    state = state_of(both)
    assert state.is_failed() and "whitehouse" in state.message
    assert summary_of(state) is both


def test_a_source_that_served_nothing_new_is_not_said_to_have_been_loaded():
    from flows.extract.walker import ExtractResult
    from flows.run_book import source_failed_line

    refused = "page 1 (http://x/feed) answered 404 although it is the feed's first page"
    nothing = ExtractResult(1, 0, 0, 1, False, f"{refused}; the next run tries again", True)
    line = source_failed_line(nothing)
    assert line.startswith("the source served nothing new: page 1 ")
    assert "is loaded" not in line and line.count("next run") == 1  # said once
    some = ExtractResult(3, 40, 12, 3, False, "the site refused 3 requests in a row (403)", True)
    line = source_failed_line(some)
    assert "did not serve everything" in line and "What was fetched is loaded" in line
    assert line.endswith("the next run continues from the raw zone")


def test_a_run_that_read_nothing_of_its_source_says_failed_not_partial(tmp_path):
    """Exit 4 either way; the status word (the CLI's and serve's line, the run log, the
    artifact, the state's message) says 'failed' when no page of the feed was read and
    'partial' when some were read before the source failed."""
    from flows.extract.walker import ExtractResult
    from flows.ops import run_log
    from flows.run_book import EndLine, settle
    from flows.settings import Settings

    refused = "page 1 (http://x/feed) answered 404 although it is the feed's first page"
    nothing = ExtractResult(1, 0, 0, 1, False, f"{refused}; the next run tries again", True)
    some = ExtractResult(3, 40, 12, 3, False, "the site refused 3 requests in a row (403)", True)
    for extracted, status in ((nothing, "failed"), (some, "partial")):
        summary = RunSummary("run-1", "run", "kremlin", datetime.now(UTC))
        settle(summary, extracted, [])
        assert (summary.status, summary.exit_code) == (status, outcomes.EXIT_SOURCE)
        assert f" {status}: kremlin: " in summary.one_line()
        assert summary.markdown().splitlines()[0].endswith(f"kremlin, {status}")
        state = state_of(summary)
        assert state.is_failed() and state.message.startswith("exit 4: ")
        assert f" {status}: kremlin: " in state.message
        settings = Settings(data_dir=tmp_path / status)
        EndLine(settings).write(summary)
        (record,) = run_log.latest_records(settings.run_log_path).values()
        assert (record["status"], record["exit_code"]) == (status, outcomes.EXIT_SOURCE)


def test_the_summary_survives_a_final_state_handed_back_without_its_data(monkeypatch):
    """Under load the server can commit a final state and still answer 500 ("database is
    locked"); the client's retry is then rejected and the engine hands back the server's
    copy of the state, without data. The exit code still comes from the flow's summary."""
    from types import SimpleNamespace
    from uuid import uuid4

    from prefect.client.schemas.objects import StateDetails
    from prefect.context import FlowRunContext
    from prefect.exceptions import MissingResult, PrefectException
    from prefect.states import Completed, Failed

    for summary, copy in (
        (_summary("success", outcomes.EXIT_OK), Completed),
        (_summary("partial", outcomes.EXIT_SOURCE), Failed),
    ):
        run = uuid4()
        servers_copy = copy(message="exit", state_details=StateDetails(flow_run_id=run))
        if copy is Completed:
            with pytest.raises(MissingResult):
                servers_copy.result(raise_on_failure=False)
        with monkeypatch.context() as inside_the_flow_run:
            flow_run = SimpleNamespace(flow_run=SimpleNamespace(id=run))
            inside_the_flow_run.setattr(FlowRunContext, "get", lambda f=flow_run: f)
            state_of(summary)
        assert summary_of(servers_copy) is summary
        with pytest.raises(PrefectException):  # kept for one answer: none to hand back now
            summary_of(servers_copy)


def test_only_the_last_runs_summaries_are_kept_for_a_copy_without_data(monkeypatch):
    """A scheduled run in a long-lived process is never asked for its summary: what is kept
    for the server's copy stays bounded, however many runs end."""
    from types import SimpleNamespace
    from uuid import uuid4

    from prefect.context import FlowRunContext

    from flows import run_book

    for _ in range(run_book._KEEP_ENDED * 4):
        flow_run = SimpleNamespace(flow_run=SimpleNamespace(id=uuid4()))
        monkeypatch.setattr(FlowRunContext, "get", lambda f=flow_run: f)
        state_of(_summary("success", outcomes.EXIT_OK))
    assert len(run_book._ENDED_WITH) == run_book._KEEP_ENDED
