"""A run stopped from outside (Ctrl-C, SIGTERM from a worker or an operator) is recorded
as interrupted with exit code 9, never as a bug (no flow here: the run book alone)."""

from __future__ import annotations

import pytest
from prefect.exceptions import TerminationSignal

from flows.ops import run_log
from flows.ops.outcomes import EXIT_INTERRUPTED, SEVERITY
from flows.run_book import RunBook
from flows.settings import Settings


@pytest.mark.parametrize(
    "stop", [KeyboardInterrupt(), TerminationSignal(signal=15)], ids=["ctrl-c", "sigterm"]
)
def test_a_run_stopped_mid_way_is_recorded_as_interrupted(tmp_path, stop):
    settings = Settings(data_dir=tmp_path, source="kremlin")
    book = RunBook(settings, "scheduled")

    def body() -> None:
        book.open()
        raise stop

    with pytest.raises(type(stop)):  # raised again: Prefect marks the flow run Crashed
        book.execute(body)
    assert (book.summary.status, book.summary.exit_code) == ("interrupted", EXIT_INTERRUPTED)
    assert "interrupted" in book.summary.message and "next run" in book.summary.message
    records = run_log.lines_per_run(settings.run_log_path)
    assert records == {book.run_id: ["running", "interrupted"]}
    record = run_log.latest_records(settings.run_log_path)[book.run_id]
    assert record["exit_code"] == EXIT_INTERRUPTED


def test_interrupted_is_more_serious_than_any_expected_failure():
    assert SEVERITY.index(EXIT_INTERRUPTED) == 1
