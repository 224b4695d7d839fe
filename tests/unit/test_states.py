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
