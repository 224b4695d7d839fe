"""The run log holds exactly two lines per run, one when it starts and one when it ends,
and every summary names its source (no flow here: the bookkeeping alone)."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.ops import run_log
from flows.run_book import EndLine, finish
from flows.run_command import _record_unstarted
from flows.settings import Settings
from flows.summary import RunSummary


def _summary(source: str | None = "kremlin") -> RunSummary:
    return RunSummary("20260101T000000Z-abcdef", "run", source, datetime.now(UTC))


def test_a_run_recorded_again_as_it_was_writes_one_end_line(tmp_path):
    settings = Settings(data_dir=tmp_path)
    summary = _summary()
    run_log.append(settings.run_log_path, summary)  # the start line
    finish(summary, "success")
    end = EndLine(settings)
    end.write(summary)
    end.write(summary)  # e.g. a failure after the end line, with nothing new to say
    assert run_log.lines_per_run(settings.run_log_path) == {summary.run_id: ["running", "success"]}
    finish(summary, "failed", "the audit row could not be written")
    end.write(summary)  # something new: the last line says it
    assert run_log.latest_records(settings.run_log_path)[summary.run_id]["status"] == "failed"


def test_a_run_refused_before_it_started_has_a_start_and_an_end_line(tmp_path):
    settings = Settings(data_dir=tmp_path)
    _record_unstarted(settings, "20260101T000000Z-123456", "run", "busy", "held by pid 1", 3)
    assert run_log.lines_per_run(settings.run_log_path) == {
        "20260101T000000Z-123456": ["running", "busy"]
    }


def test_every_summary_names_its_source_and_labels_the_totals():
    summary = _summary("whitehouse")
    finish(summary, "partial", "the site did not answer")
    assert "whitehouse" in summary.lines()[0]
    assert "whitehouse" in summary.one_line()
    markdown = summary.markdown()
    assert "whitehouse" in markdown.splitlines()[0]
    assert "| source | whitehouse |" in markdown and "| exit code | 4 |" in markdown
    assert "calls in the warehouse in all" in markdown
    assert any("the warehouse in all" in line for line in summary.lines())
