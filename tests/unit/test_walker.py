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
    return walk_feed(
        SOURCE,
        client,
        zone,
        base_url=server.base_url,
        run_id="r",
        refusal_pause_seconds=0,
        **options,
    )


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
    assert zone.read_checkpoint() == {"complete_since": "2020-01-01"}


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
