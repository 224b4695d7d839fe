"""One hostile entry costs that entry, never its page: dates out of range, URLs that cannot
be parsed, links that are not http(s), bytes that are not UTF-8, anything a source raises."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.demo.atom_pages import FeedItem, render_page
from flows.demo.rss_pages import RssItem, render_rss_page
from flows.landing.raw_zone import ManifestRow
from flows.normalize.batch import normalize_pages
from flows.normalize.links import LinkError, source_link
from flows.sources import get_source

WH = "https://www.whitehouse.gov"


def _row(source: str) -> ManifestRow:
    return ManifestRow(
        "f1", "run", source, "http://x/feed", 1, "2024-01-01T00:00:00+00:00", 200, "ab", 10, "p"
    )


def _kremlin_items(count: int = 5) -> list[FeedItem]:
    stamp = "2022-01-10T12:00:00+04:00"
    return [
        FeedItem(str(100 + n), f"Meeting {n}", stamp, stamp, "Lead.", ["Body."])
        for n in range(count)
    ]


def _wh_items(count: int = 5) -> list[RssItem]:
    return [
        RssItem(
            post_id=n,
            link=f"{WH}/briefing-room/statements-releases/2021/12/07/item-{n}/",
            title=f"Statement {n}",
            published=datetime(2021, 12, 7, 18, n, tzinfo=UTC),
            paragraphs=["Text."],
        )
        for n in range(count)
    ]


def _kremlin(page: bytes):
    return normalize_pages([(_row("kremlin"), page)], get_source("kremlin"))


def _whitehouse(page: bytes):
    return normalize_pages([(_row("whitehouse"), page)], get_source("whitehouse"))


def test_a_kremlin_id_that_is_no_url_quarantines_that_entry_only():
    page = render_page(_kremlin_items(), page_no=1, last_page=1).replace(
        b"<id>http://en.kremlin.ru/events/president/news/102</id>",
        b"<id>http://[en.kremlin.ru/events/president/news/102</id>",
    )
    batch = _kremlin(page)
    assert batch.items.height == 4
    (reason,) = batch.quarantine["reason"].to_list()
    assert "Invalid IPv6 URL" in reason


def test_a_white_house_date_out_of_range_quarantines_that_entry_only():
    page = render_rss_page(_wh_items(), feed_url=WH + "/briefing-room/feed/")
    first = page.index(b"<pubDate>") + len(b"<pubDate>")
    end = page.index(b"</pubDate>", first)
    page = page[:first] + b"Fri, 31 Dec 9999 23:59:59 -1200" + page[end:]
    batch = _whitehouse(page)
    assert batch.items.height == 4
    (reason,) = batch.quarantine["reason"].to_list()
    assert "could not be read" in reason and "OverflowError" in reason


@pytest.mark.parametrize(
    "hostile",
    [
        "javascript://en.kremlin.ru/%0aalert(document.domain)//events/president/news/102",
        "data://en.kremlin.ru/events/president/news/102",
        "ftp://en.kremlin.ru/events/president/news/102",
        "http://evil.example/events/president/news/102",
    ],
)
def test_kremlin_links_that_are_not_http_on_its_hosts_are_quarantined(hostile):
    page = render_page(_kremlin_items(), page_no=1, last_page=1).replace(
        b"<id>http://en.kremlin.ru/events/president/news/102</id>",
        f"<id>{hostile}</id>".encode(),
    )
    batch = _kremlin(page)
    assert batch.items.height == 4
    assert batch.quarantine["reason"].str.contains("<id>").all()
    assert batch.items["url"].str.starts_with("http://en.kremlin.ru/").all()


def test_an_alternate_link_that_is_not_http_falls_back_to_the_checked_id():
    page = render_page(_kremlin_items(1), page_no=1, last_page=1).replace(
        b'<link href="http://en.kremlin.ru/events/president/news/100"',
        b'<link href="javascript://en.kremlin.ru/%0aalert(1)"',
    )
    batch = _kremlin(page)
    assert batch.items["url"].to_list() == ["http://en.kremlin.ru/events/president/news/100"]


def test_white_house_links_that_are_not_http_are_quarantined():
    page = render_rss_page(_wh_items(), feed_url=WH + "/briefing-room/feed/").replace(
        b"<link>https://www.whitehouse.gov/briefing-room/statements-releases/2021/12/07/item-1/",
        b"<link>javascript://www.whitehouse.gov/%0aalert(document.domain)//2021/12/07/item-1/",
    )
    batch = _whitehouse(page)
    assert batch.items.height == 4
    assert "not an http or https link" in batch.quarantine["reason"][0]
    assert batch.items["url"].str.starts_with("https://www.whitehouse.gov/").all()


def test_links_are_rebuilt_from_their_parts():
    hosts = frozenset({"en.kremlin.ru"})
    assert source_link("HTTP://en.kremlin.ru/a b?x=1#frag", hosts) == (
        "http://en.kremlin.ru/a%20b?x=1"
    )
    assert source_link("http://user:pw@en.kremlin.ru:8080/x", hosts) == (
        "http://en.kremlin.ru:8080/x"
    )
    for bad in ("http://en.kremlin.ru:99999/x", " javascript:alert(1)", "//en.kremlin.ru/x"):
        with pytest.raises(LinkError):
            source_link(bad, hosts)


def test_an_invalid_byte_costs_nothing_but_is_flagged():
    """One byte that is not UTF-8 no longer makes the page unreadable: it becomes U+FFFD in
    its entry, which loads (and is flagged for review by validation)."""
    page = render_page(_kremlin_items(), page_no=1, last_page=1).replace(
        b"Meeting 2", b"Meeting \xff2", 1
    )
    batch = _kremlin(page)
    assert batch.items.height == 5 and batch.quarantine.is_empty()
    assert "Meeting \ufffd2" in batch.items["title"].to_list()


def test_anything_a_source_raises_on_one_entry_is_that_entrys_problem(monkeypatch):
    source = get_source("kremlin")
    original = source.read_entry

    def flaky(entry, language):
        if entry.position == 3:
            raise RuntimeError("the parser met something new")
        return original(entry, language)

    monkeypatch.setattr(source, "read_entry", flaky)
    page = render_page(_kremlin_items(), page_no=1, last_page=1)
    batch = normalize_pages([(_row("kremlin"), page)], source)
    assert batch.items.height == 4
    (reason,) = batch.quarantine["reason"].to_list()
    assert "RuntimeError: the parser met something new" in reason


def test_anything_a_parser_raises_on_a_page_quarantines_that_page(monkeypatch):
    source = get_source("kremlin")

    def broken(body):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(source, "parse_page", broken)
    good = render_page(_kremlin_items(), page_no=1, last_page=1)
    batch = normalize_pages([(_row("kremlin"), good)], source)
    assert batch.items.is_empty()
    assert "RecursionError" in batch.quarantine["reason"][0]


@pytest.mark.parametrize(
    "url",
    [
        "javascript://www.whitehouse.gov/%0aalert(document.domain)//x",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://[broken",
    ],
)
def test_the_report_never_renders_a_link_that_is_not_http(url):
    from flows.publish.report import _ENV

    row = {"date": "2022-01-01", "url": url, "title": "A call", "reason": "r", "detail": "d"}
    html = _ENV.get_template("sections/review.html.j2").render(data={"rows": [row], "calls": 1})
    assert "A call" in html and "href" not in html
    safe = {**row, "url": "https://www.whitehouse.gov/x"}
    html = _ENV.get_template("sections/review.html.j2").render(data={"rows": [safe], "calls": 1})
    assert 'href="https://www.whitehouse.gov/x"' in html
