"""Which rows of marts.source_health a run judges: its own, and those of earlier runs that
stopped before their check (their entries load later). A small DuckDB with the two tables
stands in for the warehouse (no dbt build)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from flows.settings import REFERENCE_DIR
from flows.transform.source_health import run_drifts

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts; create schema audit")
    con.execute(
        "create table marts.source_health (source varchar, run_id varchar, fetched_at timestamptz, "
        "entries int, entries_quarantined int, items int, calls int, calls_resolved int, "
        "calls_toned int, sentences_per_item double, languages varchar[], hosts varchar[])"
    )
    con.execute(
        "create table audit.runs (run_id varchar, source varchar, status varchar, "
        "ended_at timestamptz, exit_code int)"
    )
    yield con
    con.close()


def _row(con, run_id, minutes, calls, status, exit_code=None):
    at = T0 + timedelta(minutes=minutes)
    con.execute(
        "insert into marts.source_health values "
        "(?, ?, ?, 250, 0, 250, ?, ?, ?, 7.0, ['en'], ['en.kremlin.ru'])",
        ["kremlin", run_id, at, calls, calls, calls],
    )
    if status:
        con.execute(
            "insert into audit.runs values (?, 'kremlin', ?, ?, ?)",
            [run_id, status, at + timedelta(seconds=30), exit_code],
        )


def test_a_run_judges_its_own_row_and_those_no_run_judged(con):
    _row(con, "history", 0, 40, "success")
    assert run_drifts(con, "kremlin", "history", REFERENCE_DIR) == []
    # fetched, then stopped by a failed build: its entries are built by the next run
    _row(con, "crashed", 60, 0, "failed")
    _row(con, "now", 120, 40, None)
    lines = [d.line() for d in run_drifts(con, "kremlin", "now", REFERENCE_DIR)]
    assert len(lines) == 1 and lines[0].startswith("drift: call_share 0.00 (0 of 250 items)")
    assert "[entries fetched by run crashed]" in lines[0]
    # once a run has reached its check, the next one does not judge them again
    con.execute(
        "insert into audit.runs values ('now', 'kremlin', 'warned', ?, 8)",
        [T0 + timedelta(minutes=121)],
    )
    _row(con, "later", 180, 40, None)
    assert run_drifts(con, "kremlin", "later", REFERENCE_DIR) == []


def test_a_run_that_brought_nothing_new_judges_nothing(con):
    _row(con, "history", 0, 40, "success")
    assert run_drifts(con, "kremlin", "idle", REFERENCE_DIR) == []
    assert run_drifts(duckdb.connect(), "kremlin", "first", REFERENCE_DIR) == []


def test_a_run_whose_source_failed_before_any_page_judged_what_it_loaded(con):
    """Status 'failed' with exit 4 (nothing read: its source failed) reached its check, as
    'partial' does: the next run does not judge again what it judged; a 'failed' run with
    exit 5 did not reach it."""
    _row(con, "history", 0, 40, "success", 0)
    _row(con, "crashed", 60, 0, "failed", 5)
    _row(con, "outage", 120, 0, "failed", 4)
    _row(con, "later", 180, 40, None)
    assert run_drifts(con, "kremlin", "later", REFERENCE_DIR) == []
