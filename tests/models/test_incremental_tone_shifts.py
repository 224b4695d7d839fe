"""marts.tone_shifts is incremental by counterpart and date (sql/macros/incremental.sql): a
build recomputes a touched counterpart's calls on or after the earliest date a pending item
touches, and keeps its earlier rows. These edits reach back: a call moved later (its old
date is the one that counts), a call added in the middle of the history, a counterpart
renamed by later calls. Each incremental build equals a full rebuild, every table, every
row, and the shifts they compare are not empty."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.demo.atom_pages import FeedItem
from flows.load.loader import load_staged
from flows.load.warehouse import connect, transaction
from flows.transform.project import DbtPaths, build
from tests.warehouse_builder import build_warehouse, differences_from_a_full_rebuild, staged_batch

PRESIDENTS = {
    "Finland": "Sauli Niinisto",
    "Georgia": "Salome Zourabichvili",
    "South Ossetia": "Anatoly Bibilov",
}


def _call(item_id: str, day: str, country: str, words: str) -> FeedItem:
    stamp = f"2021-{day}T16:10:00+04:00"
    president = f"President of {country} {PRESIDENTS[country]}"
    return FeedItem(
        item_id,
        f"Telephone conversation with {president}",
        stamp,
        stamp,
        f"Vladimir Putin had a telephone conversation with {president}.",
        [f"The conversation was {words}."],
    )


def _history(country: str, first_id: int) -> list[FeedItem]:
    """Three businesslike calls, then two frank ones: each frank call shifts tone."""
    days = ["06-01", "06-02", "06-03", "06-04", "06-05"]
    words = ["businesslike"] * 3 + ["frank"] * 2
    return [
        _call(str(first_id + n), d, country, w)
        for n, (d, w) in enumerate(zip(days, words, strict=True))
    ]


def _load(path: Path, items: list[FeedItem], directory: Path) -> None:
    with connect(path) as con:
        con.execute("delete from raw.pending_items")  # as after a build that passed
    batch = staged_batch(items, directory)
    with connect(path) as con, transaction(con):
        load_staged(con, batch, reference_fingerprint="test")
    build(path, DbtPaths(path.parent / "dbt"))  # incremental: only these items are pending


def _shifts(path: Path, counterpart: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select item_id, kind, counterpart_name from marts.tone_shifts "
            "where counterpart_key = ? order by all",
            [counterpart],
        ).fetchall()


def test_edits_that_reach_back_into_a_counterparts_history_equal_a_full_rebuild(tmp_path):
    build_warehouse(_history("Finland", 10) + _history("Georgia", 20), tmp_path).close()
    path = tmp_path / "warehouse.duckdb"
    assert {kind for _, kind, _ in _shifts(path, "FI")} >= {"new_descriptor", "descriptor_lost"}
    georgia = _shifts(path, "GE")

    # the first businesslike call moved to August: the June frank calls lose a baseline day
    _load(path, [_call("10", "08-01", "Finland", "businesslike")], tmp_path / "moved")
    assert differences_from_a_full_rebuild(path, tmp_path / "after-move") == {}
    assert _shifts(path, "FI") and _shifts(path, "GE") == georgia

    # a frank call dated between the businesslike ones: the later calls' baselines change
    _load(path, [_call("19", "06-02", "Finland", "frank")], tmp_path / "inserted")
    assert differences_from_a_full_rebuild(path, tmp_path / "after-insert") == {}
    assert _shifts(path, "FI")

    # two counterparts touched from different dates in one build: each from its own
    later_finland, earlier_georgia = (
        _call("18", "06-10", "Finland", "frank"),
        _call("29", "05-20", "Georgia", "frank"),
    )
    _load(path, [later_finland, earlier_georgia], tmp_path / "two")
    assert differences_from_a_full_rebuild(path, tmp_path / "after-two") == {}
    assert _shifts(path, "FI") and _shifts(path, "GE")


def test_a_counterpart_renamed_by_later_calls_is_renamed_in_its_earlier_shifts(tmp_path):
    """The counterpart's name is chosen across its calls: six later calls named for South
    Ossetia (ISO code GE, as Georgia) outvote the five Georgia calls, whose June shifts the
    incremental build does not recompute."""
    build_warehouse(_history("Georgia", 20), tmp_path).close()
    path = tmp_path / "warehouse.duckdb"
    assert {name for *_, name in _shifts(path, "GE")} == {"Georgia"}

    ossetia = [_call(f"3{n}", f"09-0{n}", "South Ossetia", "frank") for n in range(1, 7)]
    _load(path, ossetia, tmp_path / "ossetia")

    assert differences_from_a_full_rebuild(path, tmp_path / "rebuilt") == {}
    assert {name for *_, name in _shifts(path, "GE")} == {"South Ossetia"}


def test_a_call_naming_two_people_of_one_country_is_one_call_of_that_counterpart(tmp_path):
    """A readout that names the President and the President-Elect of Turkmenistan (as the
    corpus's item 67988 does) is one call with TM: one row per kind, a baseline of days."""
    president = "President of Turkmenistan Gurbanguly Berdimuhamedov"
    both = f"{president} and President-Elect of Turkmenistan Serdar Berdimuhamedov"

    def call(item_id: str, day: str, who: str, words: str) -> FeedItem:
        stamp = f"2021-06-0{day}T16:10:00+04:00"
        return FeedItem(
            item_id,
            f"Telephone conversation with {who}",
            stamp,
            stamp,
            f"Vladimir Putin had a telephone conversation with {who}.",
            [f"The conversation was {words}."],
        )

    calls = [call(f"4{n}", str(n + 1), president, "businesslike") for n in range(3)]
    build_warehouse([*calls, call("43", "4", both, "frank")], tmp_path).close()

    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        named = con.execute(
            "select count(*) from marts.call_counterparts where item_id = '43'"
        ).fetchone()[0]
        rows = con.execute(
            "select kind, baseline_calls, labels from marts.tone_shifts where item_id = '43'"
        ).fetchall()
    assert named == 2  # two people, one counterpart
    kinds = [kind for kind, _, _ in rows]
    assert "new_descriptor" in kinds and len(kinds) == len(set(kinds))
    assert {baseline for _, baseline, _ in rows} == {3}
    assert all(len(labels) == len(set(labels)) for _, _, labels in rows)
