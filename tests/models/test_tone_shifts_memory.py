"""marts.tone_shifts within the build's memory limit on a dense history: the join of each call
with its baseline days is calls x kinds x days (26.7 million rows at the benchmark's 100,000
items, where the build failed with DuckDB's "Out of Memory Error"), so it must stream into
its aggregates, never be held whole or gathered into lists. Here 730 daily calls with one
counterpart (266,000 call-days, 1.6 million with the kinds), rebuilt under a small limit."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from flows.demo.atom_pages import FeedItem
from flows.transform.project import DbtPaths, build
from tests.warehouse_builder import build_warehouse

DAYS = 730
LIMIT = "96MB"  # the new query passes at 64 MB, the old one failed up to 96
EVERY_ROW = "select * from marts.tone_shifts order by all"


def _daily_calls() -> list[FeedItem]:
    start, items = date(2020, 1, 1), []
    for n in range(DAYS):
        stamp = f"{(start + timedelta(days=n)).isoformat()}T16:10:00+03:00"
        sentence = "The conversation was constructive." if n % 3 else "They discussed trade."
        items.append(
            FeedItem(
                str(20_000 + n),
                "Telephone conversation with President of Finland Sauli Niinisto",
                stamp,
                stamp,
                "Vladimir Putin had a telephone conversation with President of Finland "
                "Sauli Niinisto.",
                [sentence],
            )
        )
    return items[::-1]


def test_tone_shifts_builds_a_dense_history_within_a_small_memory_limit(tmp_path, monkeypatch):
    con = build_warehouse(_daily_calls(), tmp_path)
    expected = con.execute(EVERY_ROW).fetchall()
    con.close()
    assert expected
    monkeypatch.setenv("READOUTS_DUCKDB_MEMORY_LIMIT", LIMIT)
    build(
        tmp_path / "warehouse.duckdb",
        DbtPaths(tmp_path / "dbt"),
        selector=["--select", "tone_shifts"],
        full_refresh=True,
    )
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(EVERY_ROW).fetchall() == expected
