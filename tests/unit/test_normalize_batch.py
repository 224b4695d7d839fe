from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from flows.demo.atom_pages import FeedItem, render_page
from flows.landing.raw_zone import ManifestRow
from flows.normalize.batch import normalize_pages
from flows.sources.kremlin.source import KremlinSource


def _row(fetch_id: str = "f1") -> ManifestRow:
    return ManifestRow(
        fetch_id,
        "run",
        "kremlin",
        "http://x/feed",
        1,
        "2024-01-01T00:00:00+00:00",
        200,
        "abc",
        10,
        "pages/ab/abc.xml",
    )


def _item(item_id: str, published: str, **changes) -> FeedItem:
    fields = dict(
        item_id=item_id,
        title="Telephone conversation with President of Finland Sauli Niinisto",
        published=published,
        updated=published,
        lead="Vladimir Putin had a telephone conversation with President of Finland Sauli Niinisto.",
        paragraphs=["They discussed trade. They agreed to stay in touch."],
    )
    fields.update(changes)
    return FeedItem(**fields)


def test_moscow_clock_becomes_the_true_instant_and_local_date():
    page = render_page(
        [
            _item("1", "2018-01-03T16:50:00+04:00"),  # MSK = UTC+3 since Oct 2014
            _item("2", "2012-06-01T01:30:00+04:00"),  # MSK was UTC+4 in 2011-2014
        ],
        page_no=1,
        last_page=1,
    )
    batch = normalize_pages([(_row(), page)], KremlinSource())
    items = batch.items.sort("item_id")
    assert items["published_at"].to_list() == [
        datetime(2018, 1, 3, 13, 50, tzinfo=UTC),
        datetime(2012, 5, 31, 21, 30, tzinfo=UTC),
    ]
    assert items["published_date_local"].to_list() == [date(2018, 1, 3), date(2012, 6, 1)]
    assert items["published_raw"][0] == "2018-01-03T16:50:00+04:00"


def test_one_row_per_counterpart_and_sentence_offsets():
    page = render_page([_item("1", "2018-01-03T16:50:00+04:00")], page_no=1, last_page=1)
    batch = normalize_pages([(_row(), page)], KremlinSource())
    assert batch.counterparts.select("counterpart_name", "country_code").rows() == [
        ("Sauli Niinisto", "FI")
    ]
    text = batch.items["text"][0]
    sentences = batch.sentences.sort("sentence_no")
    assert sentences["sentence_text"].to_list() == [
        "Vladimir Putin had a telephone conversation with President of Finland Sauli Niinisto.",
        "They discussed trade.",
        "They agreed to stay in touch.",
    ]
    for start, end, sentence in sentences.select("char_start", "char_end", "sentence_text").rows():
        assert text[start:end] == sentence


def test_the_same_entry_on_two_pages_is_one_item_and_bad_entries_are_quarantined():
    good = _item("1", "2018-01-03T16:50:00+04:00")
    page_one = render_page([good, _item("2", "not a date")], page_no=1, last_page=2)
    page_two = render_page(
        [good, _item("3", "2018-01-01T10:00:00+04:00", title=None)], page_no=2, last_page=2
    )
    batch = normalize_pages([(_row("f1"), page_one), (_row("f2"), page_two)], KremlinSource())
    assert batch.items["item_id"].to_list() == ["1"]
    reasons = dict(batch.quarantine.select("item_id", "reason").rows())
    assert reasons == {
        "2": "<published> 'not a date' is not an ISO date-time",
        "3": "<title> is missing or empty",
    }


def test_an_unreadable_page_is_quarantined_whole():
    batch = normalize_pages([(_row(), b"<html>Service unavailable</html>")], KremlinSource())
    assert batch.items.height == 0
    assert batch.quarantine.height == 1
    assert batch.quarantine["reason"][0].startswith("page http://x/feed is unreadable")
    assert batch.quarantine.schema["entry_position"] == pl.Int32


def test_the_entries_of_a_missing_page_file_are_staged_for_the_reconciliation(tmp_path):
    from flows.core.fetch import FetchResult
    from flows.landing.raw_zone import RawZone
    from flows.normalize.stage import stage_pages

    zone = RawZone(tmp_path / "raw", "kremlin")
    pages = [
        render_page([_item(str(n), "2021-06-01T10:00:00+03:00")], page_no=n, last_page=2)
        for n in (1, 2)
    ]
    rows = [
        zone.store(
            FetchResult("http://x/feed", datetime.now(UTC), 200, body),
            run_id="r",
            page_no=n,
            entry_keys=[(str(n), f"sha{n}")],
        )
        for n, body in enumerate(pages, start=1)
    ]
    (zone.root / rows[1].path).unlink()
    batch = stage_pages(rows, zone, KremlinSource(), tmp_path / "work")
    assert batch.missing_pages and rows[1].path in batch.missing_pages[0]
    assert set(batch.frame("fetches")["fetch_id"]) == {rows[0].fetch_id}
    assert set(batch.frame("fetch_entries")["entry_sha"]) == {"sha1", "sha2"}
