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
    options = {"overlap_pages": 1, "refusal_pause_seconds": 0, "run_id": "r", **options}
    return walk_feed(SOURCE, client, zone, base_url=server.base_url, **options)


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


def test_a_404_on_a_linked_page_is_a_source_failure_and_the_backfill_resumes(tmp_path):
    """Page 4 of 6 answers 404 once although page 3 links it: the range is not covered, and
    the same backfill run again reads every item."""
    zone = RawZone(tmp_path, "kremlin")
    missing = {"on": True}

    def responder(path: str):
        return (404, {}, b"gone") if missing["on"] and path.endswith("/page/4") else None

    with _serve(_items(120), responder) as server:
        stopped = _walk(server, zone, since=date(2020, 1, 1))
        assert not stopped.complete and stopped.source_failed
        assert "answered 404 although it is linked as next" in stopped.stopped_reason
        assert zone.read_checkpoint().get("completed", []) == []
        missing["on"] = False
        resumed = _walk(server, zone, since=date(2020, 1, 1))
    assert resumed.complete
    assert len({key[0] for key in zone.landed_entry_keys()}) == 120
    assert zone.read_checkpoint()["completed"] == [["2020-01-01", None]]


def test_an_interrupted_incremental_walk_is_resumed_by_the_next_one(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    missing = {"on": True}

    def responder(path: str):
        return (404, {}, b"gone") if missing["on"] and path.endswith("/page/4") else None

    with _serve(_items(120), responder) as server:
        stopped = _walk(server, zone)
        assert stopped.source_failed and stopped.entries_new == 60
        missing["on"] = False
        resumed = _walk(server, zone)
        after = _walk(server, zone)
    assert resumed.complete and resumed.entries_new == 60
    assert len(zone.landed_entry_keys()) == 120
    assert after.pages_fetched == 1  # the resume point is gone once the walk completed


def test_a_404_on_the_first_page_is_a_source_failure(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    with FeedServer({}) as server:
        result = _walk(server, zone)
    assert result.source_failed and not result.complete
    assert "the feed's first page" in result.stopped_reason


def test_a_page_repeated_with_new_dates_on_every_request_ends_the_walk(tmp_path):
    """Every page number answers page 1, each entry's <updated> stamped at request time:
    new versions every time, but no entry this walk has not seen."""
    zone = RawZone(tmp_path, "kremlin")
    requests = {"n": 0}

    def responder(path: str):
        requests["n"] += 1
        stamp = f"2023-01-01T00:{requests['n'] // 60 % 60:02d}:{requests['n'] % 60:02d}+04:00"
        items = [
            FeedItem(i.item_id, i.title, i.published, stamp, i.lead, i.paragraphs)
            for i in _items(20)
        ]
        return (200, {}, paginate(items * 3)[1].replace(b"</feed>", b"</feed>"))

    with FeedServer({}, responder) as server:
        result = _walk(server, zone)
    assert result.source_failed and result.pages_fetched == 2
    assert "no entry that this walk has not already seen" in result.stopped_reason


def test_a_site_inventing_pages_is_stopped_by_the_page_and_byte_budgets(tmp_path):
    from flows.extract.walker import Budget

    counter = {"n": 0}

    def responder(path: str):
        counter["n"] += 1
        return (200, {}, paginate(_items(60, newest=100_000 + 20 * counter["n"]))[1])

    with FeedServer({}, responder) as server:
        by_pages = _walk(server, RawZone(tmp_path / "a", "kremlin"), budget=Budget(7, 10**9))
        by_bytes = _walk(server, RawZone(tmp_path / "b", "kremlin"), budget=Budget(100, 30_000))
    assert by_pages.source_failed and by_pages.pages_fetched == 7
    assert "7 pages, its budget of 7" in by_pages.stopped_reason
    assert by_bytes.source_failed and by_bytes.pages_fetched < 7
    assert "MB, its budget of" in by_bytes.stopped_reason


def test_a_page_that_keeps_failing_is_stepped_over_after_the_limit(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    broken = lambda path: (200, {}, b"<html>oops") if path.endswith("/page/2") else None  # noqa: E731
    with _serve(_items(60), broken) as server:
        results = [_walk(server, zone, max_page_failures=3, run_id=f"r{n}") for n in range(3)]
    assert [r.source_failed for r in results] == [True, True, False]
    assert "failed in 1 run(s) in a row" in results[0].stopped_reason
    assert results[2].complete and len(results[2].stepped_over) == 1
    assert "page 2" in results[2].stepped_over[0] and "stepped over" in results[2].stepped_over[0]
    assert len(zone.landed_entry_keys()) == 40  # pages 1 and 3


def test_a_page_the_site_fixed_resets_its_count(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    state = {"broken": True}

    def responder(path: str):
        return (200, {}, b"<x/>") if state["broken"] and path.endswith("/page/2") else None

    with _serve(_items(60), responder) as server:
        _walk(server, zone, max_page_failures=2, run_id="r1")
        state["broken"] = False
        fixed = _walk(server, zone, max_page_failures=2, run_id="r2")
        state["broken"] = True
        again = _walk(server, zone, max_page_failures=2, since=date(2020, 1, 1), run_id="r3")
    assert fixed.complete and not fixed.source_failed
    assert again.source_failed and not again.stepped_over  # one failure since it was fixed
