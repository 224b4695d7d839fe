"""Calls are never hidden for want of reference data: an unresolved counterpart loads with
its words as written and a NULL country, and waits in marts.review_queue until the
reference data knows it. Domestic calls stay out of the counterpart marts. Names and
countries here are invented ("Atlantis" is nowhere)."""

from __future__ import annotations

from flows.demo.atom_pages import FeedItem
from flows.settings import SEEDS
from tests.warehouse_builder import build_warehouse, project_copy

STAMP = "2024-03-01T12:00:00+04:00"
TITLE = (
    "Telephone conversation with President of France Alex Sample and President of Atlantis Jo Doe"
)
ITEMS = [
    FeedItem(
        "900",
        TITLE,
        STAMP,
        STAMP,
        "Vladimir Putin had a telephone conversation with President of the French Republic Alex "
        "Sample and President of the Republic of Atlantis Jo Doe.",
        ["The leaders discussed trade."],
    ),
    FeedItem(
        "901",
        "Telephone conversation with Ivan Sample",
        STAMP,
        STAMP,
        "Vladimir Putin had a telephone conversation with 12-year-old Ivan Sample from the Kursk "
        "Region, a participant in a charity campaign.",
        [],
    ),
    FeedItem(
        "902",
        "Vladimir Putin spoke on the phone with the Grand Vizier of Atlantis",
        STAMP,
        STAMP,
        "Vladimir Putin spoke on the phone with the Grand Vizier of Atlantis, at the Atlantean "
        "side's initiative.",
        [],
    ),
]


def test_unresolved_counterparts_load_and_wait_for_review(tmp_path):
    con = build_warehouse(ITEMS, tmp_path / "w")
    calls = con.execute(
        "select item_id, counterpart_count, call_scope from marts.calls order by item_id"
    ).fetchall()
    assert calls == [("900", 2, "foreign"), ("901", 1, "domestic"), ("902", 1, "foreign")]
    assert con.execute("select count(*) from staging.stg_quarantine").fetchone() == (0,)
    counterparts = con.execute(
        "select item_id, person_name, country_code, organisation "
        "from marts.call_counterparts order by item_id, counterpart_no"
    ).fetchall()
    assert counterparts == [
        ("900", "Alex Sample", "FR", None),
        ("900", "President of Atlantis Jo Doe", None, None),
        ("902", "the Grand Vizier of Atlantis", None, None),
    ]
    review = con.execute(
        "select source, item_id, title, url, call_date::varchar, review_reason, detail "
        "from marts.review_queue order by item_id"
    ).fetchall()
    assert [(r[1], r[2], r[4], r[5]) for r in review] == [
        ("900", TITLE, "2024-03-01", "unresolved_counterpart"),
        ("902", ITEMS[2].title, "2024-03-01", "unresolved_counterpart"),
    ]
    assert review[0][3].endswith("/events/president/news/900")
    assert '"President of Atlantis Jo Doe"' in review[0][6]
    assert "countries_overrides.csv" in review[0][6] and "people.csv" in review[0][6]
    # by-country marts count the resolved counterpart only, and no domestic call
    keys = con.execute(
        "select distinct counterpart_key from marts.tone_by_country_month"
    ).fetchall()
    assert keys == [("FR",)]
    con.close()


def test_adding_the_missing_reference_row_resolves_the_call(tmp_path):
    project = project_copy(tmp_path)
    with open(project / SEEDS / "countries.csv", "a", encoding="utf-8") as handle:
        handle.write("XA,Atlantis,Republic of Atlantis,,Atlantean\n")
    con = build_warehouse(ITEMS[:1], tmp_path / "w", project_dir=project)
    assert con.execute("select count(*) from marts.review_queue").fetchone() == (0,)
    assert con.execute(
        "select person_name, country_code from marts.call_counterparts order by 1"
    ).fetchall() == [("Alex Sample", "FR"), ("Jo Doe", "XA")]
    con.close()
