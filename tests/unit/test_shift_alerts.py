"""Tone shifts announced once (flows/shift_alerts.py), without a server: the ledger in the
ops state decides what is new; a run announces, a rebuild or a build only records."""

from __future__ import annotations

from datetime import date

import duckdb

from flows import shift_alerts


def _warehouse(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.calls (source varchar, item_id varchar, url varchar, title varchar)"
    )
    con.execute(
        "create table marts.tone_shifts (source varchar, item_id varchar, "
        "counterpart_key varchar, kind varchar, call_date date, counterpart_name varchar, "
        "labels varchar[], baseline_calls integer, baseline_from date, baseline_to date, "
        "baseline_descriptor_share double, baseline_descriptors varchar[], "
        "descriptors varchar[])"
    )
    for source, item_id, kind in rows:
        con.execute(
            "insert into marts.calls values (?, ?, ?, ?)",
            [source, item_id, f"http://x/news/{item_id}", f"Call {item_id}"],
        )
        con.execute(
            "insert into marts.tone_shifts values (?, ?, 'FR', ?, ?, 'France', ['constructive'],"
            " 7, ?, ?, 1.0, ['constructive'], [])",
            [source, item_id, kind, date(2017, 10, 1), date(2017, 2, 1), date(2017, 8, 1)],
        )
    return con


def test_a_run_announces_each_shift_once_and_a_rebuild_only_records(tmp_path, monkeypatch):
    emitted = []
    monkeypatch.setattr(shift_alerts, "_emit", lambda shift, run_id: emitted.append(shift))
    run_log = tmp_path / "runs" / "run-log.jsonl"
    con = _warehouse([("src", "1", "descriptor_lost")])
    assert len(shift_alerts.announce(con, run_log, "r1", "run")) == 1
    assert shift_alerts.announce(con, run_log, "r2", "run") == []  # nothing new: silence
    assert len(emitted) == 1
    (shift,) = emitted
    message = shift.message()
    assert "France" in message and "descriptor lost: constructive" in message
    assert "7 earlier days of calls with France from 2017-02-01 to 2017-08-01" in message
    assert "http://x/news/1" in message
    assert shift.resource()["prefect.resource.id"] == (
        "readouts.tone-shift.src.1.FR.descriptor_lost"
    )

    rebuilt = _warehouse([("src", "1", "descriptor_lost"), ("src", "2", "new_descriptor")])
    assert len(shift_alerts.announce(rebuilt, run_log, "r3", "rebuild")) == 1  # recorded
    assert len(emitted) == 1  # not announced
    assert shift_alerts.announce(rebuilt, run_log, "r4", "run") == []
    assert shift_alerts.announced(shift_alerts.ledger_path(run_log)) == {
        ("src", "1", "FR", "descriptor_lost"),
        ("src", "2", "FR", "new_descriptor"),
    }


def test_a_warehouse_without_the_mart_announces_nothing(tmp_path):
    con = duckdb.connect()
    assert shift_alerts.announce(con, tmp_path / "run-log.jsonl", "r", "run") == []
