"""The incremental marts (sql/macros/incremental.sql) on the edits that move rows between
keys: a call edited to name another counterpart in another month leaves no row under its
old counterpart or month, in the marts keyed by item and in those aggregated by source and
counterpart; the incremental build equals a full rebuild of the same data, every table,
every row. (The corpus in three batches, through the flow: tests/flows/test_incremental_build.py.)"""

from __future__ import annotations

import duckdb

from flows.demo.atom_pages import FeedItem
from flows.load.loader import load_staged
from flows.load.warehouse import connect, ensure_schema, transaction
from flows.transform.project import DbtPaths, build
from tests.warehouse_builder import (
    build_warehouse,
    differences_from_a_full_rebuild,
    staged_batch,
)

JUNE = "2021-06-30T16:10:00+04:00"
AUGUST = "2021-08-12T18:00:00+04:00"


def _call(item_id: str, stamp: str, office: str, country: str, words: str) -> FeedItem:
    return FeedItem(
        item_id,
        f"Telephone conversation with {office} of {country}",
        stamp,
        stamp,
        f"Vladimir Putin had a telephone conversation with {office} of {country}.",
        [f"The conversation was {words}."],
    )


def test_an_edit_that_moves_a_call_to_another_counterpart_and_month_leaves_nothing_stale(
    tmp_path,
):
    first = [
        _call("1", JUNE, "President", "Finland Sauli Niinisto", "businesslike and constructive"),
        _call("2", JUNE, "President", "Finland Sauli Niinisto", "frank"),
    ]
    build_warehouse(first, tmp_path / "one").close()
    path, paths = tmp_path / "one" / "warehouse.duckdb", DbtPaths(tmp_path / "one" / "dbt")

    # item 1 edited: France, in August, another descriptor; and a new call with Finland
    edited = _call("1", AUGUST, "President", "France Emmanuel Macron", "frank")
    second = [edited, _call("3", AUGUST, "President", "Finland Sauli Niinisto", "constructive")]
    batch = staged_batch(second, tmp_path / "two")
    with connect(path) as con, transaction(con):
        load_staged(con, batch, reference_fingerprint="test")
    build(path, paths)  # incremental: the tables exist and three items are pending

    assert differences_from_a_full_rebuild(path, tmp_path) == {}

    with duckdb.connect(str(path), read_only=True) as con:
        keys = con.execute(
            "select counterpart_key, month, calls from marts.tone_by_country_month order by all"
        ).fetchall()
        assert [(k, str(m), n) for k, m, n in keys] == [
            ("FI", "2021-06-01", 1),
            ("FI", "2021-08-01", 1),
            ("FR", "2021-08-01", 1),
        ]


def _kremlin_ru_georgia() -> FeedItem:
    stamp = "2021-06-30T16:10:00+04:00"
    return FeedItem(
        "1",
        "Телефонный разговор с Президентом Грузии Саломе Зурабишвили",
        stamp,
        stamp,
        "Состоялся телефонный разговор Владимира Путина с Президентом Грузии Саломе Зурабишвили.",
        ["Разговор носил деловой характер."],
        host="http://kremlin.ru",
    )


def test_a_counterparts_name_changed_by_one_source_is_recomputed_in_every_source(tmp_path):
    """A counterpart's name in the marts is chosen across every source's calls: two English
    calls named for South Ossetia (ISO code GE, as Georgia) outvote the Russian call's name
    for GE, in the Russian source's rows too."""
    path, paths = tmp_path / "warehouse.duckdb", DbtPaths(tmp_path / "dbt")
    batch = staged_batch([_kremlin_ru_georgia()], tmp_path / "ru", source_name="kremlin_ru",
                         language="ru")  # fmt: skip
    with connect(path) as con, transaction(con):
        ensure_schema(con)
        load_staged(con, batch, reference_fingerprint="test")
    build(path, paths)
    with connect(path) as con:
        con.execute("delete from raw.pending_items")  # as after a build that passed
    ossetia = [
        _call(str(n), f"2021-07-0{n}T16:10:00+04:00", "President",
              "South Ossetia Anatoly Bibilov", "businesslike")
        for n in (2, 3)
    ]  # fmt: skip
    batch = staged_batch(ossetia, tmp_path / "en")
    with connect(path) as con, transaction(con):
        load_staged(con, batch, reference_fingerprint="test")
    build(path, paths)  # incremental: only the English items are pending

    assert differences_from_a_full_rebuild(path, tmp_path) == {}
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.execute(
            "select distinct source, counterpart_name from marts.tone_by_country_month "
            "where counterpart_key = 'GE' order by all"
        ).fetchall()
    assert names == [("kremlin", "South Ossetia"), ("kremlin_ru", "South Ossetia")]
