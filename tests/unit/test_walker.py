"""Incremental walks, backfills, refusals and resumption, against a server on 127.0.0.1."""

from __future__ import annotations

from datetime import date

from flows.demo.atom_pages import FeedItem, paginate
from flows.demo.server import FeedServer, feed_paths
from flows.extract.http_client import PoliteClient
from flows.extract.walker import walk_feed
from flows.landing.raw_zone import RawZone
from flows.sources.kremlin.source import KremlinSource

SOURCE = KremlinSource()


def _items(count: int, *, newest: int = 1000) -> list[FeedItem]:
    """`count` items, newest first, one a day going back from 2022-12-31."""
    items = []
    for offset in range(count):
        day = date.fromordinal(date(2022, 12, 31).toordinal() - offset)
        stamp = f"{day.isoformat()}T12:00:00+04:00"
        items.append(
            FeedItem(
                str(newest - offset), f"Item {newest - offset}", stamp, stamp, "Lead.", ["Body."]
            )
        )
    return items


def _serve(items: list[FeedItem], responder=None) -> FeedServer:
    return FeedServer(feed_paths(paginate(items), SOURCE.feed_path), responder)


def _walk(server: FeedServer, zone: RawZone, **options):
    client = PoliteClient(
        user_agent="test",
        timeout_seconds=5,
        pause_seconds=0,
        retries=1,
        backoff_seconds=0.01,
        max_retry_after=0.1,
    )
    options = {"overlap_pages": 1, "refusal_pause_seconds": 0, **options}
    return walk_feed(SOURCE, client, zone, base_url=server.base_url, run_id="r", **options)


def test_first_run_walks_every_page_then_incremental_stops_at_once(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(_items(45)) as server:
        first = _walk(server, zone)
        second = _walk(server, zone)
    assert (first.pages_fetched, first.entries_new, first.complete) == (3, 45, True)
    assert first.stopped_reason == "page 3 is the last page"
    assert (second.pages_fetched, second.entries_new) == (1, 0)
    assert second.stopped_reason == "page 1 holds nothing new"


def test_incremental_run_picks_up_new_items_and_stops(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(_items(45)) as server:
        _walk(server, zone)
    with _serve(_items(5, newest=1005) + _items(45)) as server:
        result = _walk(server, zone)
    assert result.entries_new == 5
    assert result.pages_fetched == 2  # page 2 holds nothing new


def test_since_walks_back_to_the_date_only(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(_items(100)) as server:
        result = _walk(server, zone, since=date(2022, 12, 1))
    assert result.complete
    assert result.pages_fetched == 2  # 31 days of December end on page 2
    assert "older than 2022-12-01" in result.stopped_reason


def test_repeated_403_stops_cleanly_and_the_next_run_resumes(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    refuse = {"on": True}

    def responder(path: str):
        return (403, {}, b"forbidden") if refuse["on"] and path.endswith("/page/3") else None

    with _serve(_items(100), responder) as server:
        stopped = _walk(server, zone, since=date(2020, 1, 1))
        assert not stopped.complete
        assert "refused 3 requests in a row (403) at page 3" in stopped.stopped_reason
        assert "2 pages were fetched before that" in stopped.stopped_reason
        refuse["on"] = False
        resumed = _walk(server, zone, since=date(2020, 1, 1))
    assert resumed.complete
    assert resumed.entries_new == 60
    # pages 1-2 held nothing new, so the walk jumped to the checkpoint (page 3)
    assert resumed.pages_fetched == 4
    assert zone.read_checkpoint() == {"completed": [["2020-01-01", None]]}


def test_a_completed_backfill_is_not_walked_again(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(_items(60)) as server:
        _walk(server, zone, since=date(2020, 1, 1))
        again = _walk(server, zone, since=date(2021, 1, 1))
    assert again.pages_fetched == 1


def test_a_server_error_stops_the_walk_and_is_recorded(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(_items(45), lambda path: (500, {}, b"") if "/page/2" in path else None) as server:
        result = _walk(server, zone)
    assert not result.complete
    assert "page 2" in result.stopped_reason and "HTTP 500" in result.stopped_reason
    assert [row.status for row in zone.manifest()] == [200, 500]


def test_an_unreadable_page_stops_the_walk_but_is_kept(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(
        _items(45), lambda path: (200, {}, b"<html>oops") if "/page/2" in path else None
    ) as s:
        result = _walk(s, zone)
    assert not result.complete and "not a readable feed" in result.stopped_reason
    rows = list(zone.manifest())
    assert rows[-1].path is not None and rows[-1].error


def test_an_empty_feed_ends_the_walk(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve([]) as server:
        result = _walk(server, zone)
    assert result.complete and result.entries_new == 0


def test_incremental_runs_reread_an_overlap_to_catch_edits(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    items = _items(60)
    with _serve(items) as server:
        _walk(server, zone)
    edited = list(items)
    edited[25] = FeedItem(
        edited[25].item_id,
        "Edited title",
        edited[25].published,
        "2023-01-01T10:00:00+04:00",
        "Lead.",
        ["Body, corrected."],
    )
    with _serve(edited) as server:
        result = _walk(server, zone, overlap_pages=2)
    # page 1 holds nothing new, but page 2 is re-read and holds the edited item
    assert (result.pages_fetched, result.entries_new) == (3, 1)


def test_a_date_range_backfill_searches_for_its_first_page(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(_items(400)) as server:  # 20 pages, one item a day back from 2022-12-31
        result = _walk(server, zone, since=date(2022, 3, 1), until=date(2022, 3, 31))
    assert result.complete
    landed_pages = sorted({row.page_no for row in zone.manifest()})
    # March 2022 is on pages 14-15 (days 275-305 back); the search reads a few pages,
    # not the 13 pages before them
    assert result.pages_fetched < 10
    assert {14, 15} <= set(landed_pages)
    assert len(zone.landed_entry_keys()) >= 31


def test_a_completed_range_is_not_walked_again(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with _serve(_items(400)) as server:
        _walk(server, zone, since=date(2022, 3, 1), until=date(2022, 3, 31))
        again = _walk(server, zone, since=date(2022, 3, 5), until=date(2022, 3, 20))
    assert again.pages_fetched == 1  # covered: an incremental look at page 1 only
