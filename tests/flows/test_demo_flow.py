"""The demo's sample feed through the real flow: calls, and malformed entries quarantined."""

from __future__ import annotations

import os
import subprocess

import pytest

from flows.demo.run import next_steps
from flows.demo.sample import sample_pages
from flows.ops import run_log
from flows.settings import PROJECT_ROOT
from tests.flows.helpers import query

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_sample_feed_is_labelled_and_sized():
    pages = sample_pages()
    assert b"SAMPLE FEED" in pages[1] and b"not official" in pages[1]
    assert sum(page.count(b"<entry>") for page in pages.values()) in range(30, 61)


def test_demo_builds_calls_and_counts_everything(demo_run):
    settings, sources = demo_run
    summary = sources.summaries[0]
    assert (summary.source, summary.status) == ("kremlin", "success")
    assert summary.entries_new == 42
    assert summary.item_versions_loaded + summary.quarantined == 42
    assert (summary.entries_landed, summary.entries_loaded, summary.entries_quarantined) == (
        42,
        36,
        6,
    )
    calls = dict(
        query(settings.warehouse_path, "select source, count(*) from marts.calls group by 1")
    )
    assert calls["kremlin"] == 23
    assert summary.calls == sum(calls.values())  # the warehouse in all, built once for every source
    assert summary.calls_to_review == 1
    kinds = dict(
        query(
            settings.warehouse_path,
            "select call_kind, count(*) from marts.calls where source = 'kremlin' group by 1",
        )
    )
    assert kinds == {"telephone call": 22, "video call": 1}
    several = query(
        settings.warehouse_path,
        "select person_name, country_code from marts.call_counterparts "
        "where item_id = '90014' order by counterpart_no",
    )
    assert several == [("Salman bin Abdulaziz Al Saud", "SA"), ("Donald Trump", "US")]
    (guterres,) = query(
        settings.warehouse_path,
        "select country_code, organisation from marts.call_counterparts where item_id = '90016'",
    )
    assert guterres == (None, "United Nations")


def test_malformed_entries_are_quarantined_with_their_reason(demo_run):
    settings, _ = demo_run
    rows = dict(
        query(
            settings.warehouse_path,
            "select coalesce(item_id, '-'), reason from staging.stg_quarantine",
        )
    )
    assert rows["-"] == "<id> is missing or empty"
    assert rows["90036"] == "<title> is missing or empty"
    assert rows["90037"] == "<published> 'yesterday afternoon' is not an ISO date-time"
    assert rows["90038"] == "<content> and <summary> hold no text"
    assert "not on the source's hosts" in rows["90039"]
    assert rows["90041"] == "items: unparseable publication date"  # caught by the GE suite
    assert len(rows) == 6


def test_an_unknown_counterpart_loads_and_waits_for_review(demo_run):
    """Missing reference data is not broken input: the call is counted, and listed."""
    settings, _ = demo_run
    (row,) = query(
        settings.warehouse_path,
        "select item_id, review_reason, detail from marts.review_queue",
    )
    assert row[:2] == ("90040", "unresolved_counterpart")
    assert "Prime Minister of Freedonia Rufus Firefly" in row[2]
    assert query(
        settings.warehouse_path,
        "select person_name, country_code from marts.call_counterparts where item_id = '90040'",
    ) == [("Prime Minister of Freedonia Rufus Firefly", None)]


def test_mart_columns_are_documented_in_duckdb(demo_run):
    settings, _ = demo_run
    undocumented = query(
        settings.warehouse_path,
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'marts' and (comment is null or comment = '')",
    )
    assert undocumented == []


def test_the_demo_shows_one_call_from_both_capitals(demo_run):
    """The White House sample's call of 30 Dec 2021 pairs with the Kremlin sample's readout
    of it; a call only one side reported keeps its row."""
    settings, sources = demo_run
    assert [s.source for s in sources.summaries] == ["kremlin", "whitehouse", "kremlin_ru"]
    reported = dict(
        query(
            settings.warehouse_path,
            "select reported_by, count(*) from marts.call_pairs group by 1",
        )
    )
    assert reported["both"] == 1 and reported["whitehouse only"] == 1
    ((kremlin, whitehouse, evidence),) = query(
        settings.warehouse_path,
        "select a_item_id, b_item_id, match_evidence from marts.call_pairs "
        "where reported_by = 'both'",
    )
    assert kremlin == "90023" and whitehouse.startswith("2021/12/30/")
    assert "Vladimir Putin" in evidence and "day(s) apart" in evidence


def test_the_demo_shows_one_readout_in_two_languages(demo_run):
    """The Russian sample's 90023 and 90026 are the Russian side of the English sample's
    items with the same numbers; 90023's translation drops "конструктивный"."""
    settings, _ = demo_run
    rows = query(
        settings.warehouse_path,
        "select a_item_id, b_item_id, same_item_id, descriptors_only_in_a, descriptors_only_in_b "
        "from marts.call_translations where a_source = 'kremlin' and b_source = 'kremlin_ru' "
        "order by a_item_id",
    )
    assert rows == [
        ("90023", "90023", True, [], ["constructive"]),
        ("90026", "90026", True, [], []),
    ]
    ((readouts,),) = query(
        settings.warehouse_path,
        "select readout_count from marts.government_calls where event_id = 'kremlin/90023'",
    )
    assert readouts == 2
    kinds = dict(
        query(
            settings.warehouse_path,
            "select call_scope, count(*) from marts.calls where source = 'kremlin_ru' group by 1",
        )
    )
    assert kinds == {"foreign": 3, "domestic": 1}


def test_the_demo_builds_and_publishes_once_for_every_source(demo_run):
    """Each source loads under its own run; the last one's run builds the models and
    publishes them, once, and every run records that build."""
    settings, sources = demo_run
    runs = sources.summaries
    assert [s.source for s in runs] == ["kremlin", "whitehouse", "kremlin_ru"]
    assert [("build" in s.stage_seconds, "publish" in s.stage_seconds) for s in runs] == [
        (False, False),
        (False, False),
        (True, True),
    ]
    assert all(s.stage_seconds.get("load") is not None for s in runs)
    built = {(s.models_built, s.tests_passed) for s in runs}
    assert len(built) == 1 and min(built.pop()) > 0
    assert all(s.published for s in runs)
    assert all(f"in run {runs[-1].run_id}" in s.message for s in runs[:-1])
    assert len({s.calls for s in runs}) == 1
    # the published file carries every run's audit row, final
    audited = query(
        settings.warehouse_path, "select run_id, status, models_built, tests_passed from audit.runs"
    )
    assert sorted(audited) == sorted(
        (s.run_id, "success", s.models_built, s.tests_passed) for s in runs
    )


def test_each_run_has_one_start_line_and_one_end_line(demo_run):
    settings, sources = demo_run
    lines = run_log.lines_per_run(settings.run_log_path)
    assert set(lines) == {summary.run_id for summary in sources.summaries}
    assert all(statuses == ["running", "success"] for statuses in lines.values()), lines


def test_the_commands_the_demo_prints_run_as_printed_in_a_new_shell(demo_run, monkeypatch):
    """A new shell: no virtual environment on PATH, only the system's, in the project."""
    settings, _ = demo_run
    monkeypatch.chdir(PROJECT_ROOT)
    steps = next_steps(settings)
    commands = [line.strip() for line in steps[steps.index("Try:") + 1 :]]
    assert commands and all(c.startswith(".venv/bin/readouts ") for c in commands), commands
    shell = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root")}
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=PROJECT_ROOT,
            env=shell,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        assert done.stdout.strip(), command
