"""The White House source: the WordPress RSS feed, item ids, clocks, and how readouts are
told apart and read. Sample texts here are invented (written by us), in the site's style."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.core.feed import FeedPageError
from flows.core.records import ItemRecord, Rejection
from flows.demo.rss_pages import RssItem, render_rss_page, rss_feed_paths
from flows.normalize.batch import normalize_pages
from flows.normalize.rss import parse_rss_page, rfc822_to_iso
from flows.sources import get_source
from flows.sources.whitehouse.readout import title_looks_like_call

HOST = "https://www.whitehouse.gov"


def item(title: str, *paragraphs: str, when="2021-12-07T18:12:12+00:00", slug="x") -> RssItem:
    return RssItem(
        post_id=1,
        link=f"{HOST}/briefing-room/statements-releases/2021/12/07/{slug}/",
        title=title,
        published=datetime.fromisoformat(when),
        paragraphs=list(paragraphs),
    )


@pytest.fixture(scope="module")
def source():
    return get_source("whitehouse")


def read(source, rss_item: RssItem) -> ItemRecord | Rejection:
    page = source.parse_page(render_rss_page([rss_item], feed_url=HOST + "/briefing-room/feed/"))
    return source.read_entry(page.entries[0], page.language)


def test_page_urls_and_settings(source):
    assert source.page_url("https://www.whitehouse.gov/", 1) == (
        "https://www.whitehouse.gov/briefing-room/feed/"
    )
    assert source.page_url("http://h:1", 3) == "http://h:1/briefing-room/feed/?paged=3"
    assert source.page_url("http://h:1", 2, "/feed/") == "http://h:1/feed/?paged=2"


def test_rss_dates_and_refusals():
    assert rfc822_to_iso("Tue, 07 Dec 2021 18:12:12 +0000") == "2021-12-07T18:12:12+00:00"
    assert rfc822_to_iso("yesterday") is None
    with pytest.raises(FeedPageError, match="DTD"):
        parse_rss_page(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><rss/>')
    with pytest.raises(FeedPageError, match="not an RSS"):
        parse_rss_page(b"<feed/>")


def test_missing_fields_are_problems():
    body = (
        b'<rss version="2.0"><channel><title>t</title><item><title>T</title>'
        b"<pubDate>not a date</pubDate></item></channel></rss>"
    )
    (entry,) = parse_rss_page(body).entries
    assert any("guid" in p for p in entry.problems)
    assert any("RFC 822" in p for p in entry.problems)


def test_a_readout_in_eastern_time(source):
    record = read(
        source,
        item(
            "Readout of President Biden’s Video Call with President Vladimir Putin of Russia",
            "President Joseph R. Biden, Jr. held a secure video call today with President "
            "Vladimir Putin of Russia. (Invented sample text.)",
            "President Biden reaffirmed his support for Ukraine’s sovereignty.",
            slug="readout-video",
        ),
    )
    assert isinstance(record, ItemRecord)
    assert record.item_id == "2021/12/07/readout-video"
    assert record.kind == "video call"
    assert record.published_raw == "2021-12-07T13:12:12-05:00"
    assert [(c.name, c.country_code) for c in record.counterparts] == [("Vladimir Putin", "RU")]
    assert record.initiated_by is None


def test_instants_trust_the_white_house_offsets(source):
    rss = item(
        "Readout of President Biden’s Call with Prime Minister Johnson of the United Kingdom",
        "President Biden spoke today with Prime Minister Boris Johnson of the United Kingdom.",
        when="2021-12-31T04:30:00+00:00",
    )
    page = render_rss_page([rss], feed_url=HOST + "/briefing-room/feed/")

    class Row:
        fetch_id, url, source, path, sha256 = "f", "u", "whitehouse", "p", "s"

    batch = normalize_pages([(Row(), page)], source)
    row = batch.items.row(0, named=True)
    assert row["published_at"] == datetime(2021, 12, 31, 4, 30, tzinfo=UTC)
    # 23:30 on 30 December in Washington: the call's date is the White House's own
    assert str(row["published_date_local"]) == "2021-12-30"


@pytest.mark.parametrize(
    ("title", "lead", "kind"),
    [
        (
            "Statement by Press Secretary Jen Psaki on President Biden’s Upcoming Call with "
            "President Vladimir Putin of Russia",
            "President Biden will hold a call with President Putin on Tuesday.",
            "other",
        ),
        (
            "Statement by Press Secretary Jen Psaki on President Biden’s Call with President "
            "Xi Jinping of the People’s Republic of China",
            "President Biden will speak with President Xi Jinping this Friday.",
            "other",
        ),
        (
            "Readout of President Biden’s Call with Kentucky Governor Andy Beshear",
            "President Biden spoke with Kentucky Governor Andy Beshear this morning.",
            "other",
        ),
        (
            "Readout of Vice President Kamala Harris’s Call with President Alejandro "
            "Giammattei of Guatemala",
            "Vice President Harris spoke today with President Giammattei.",
            "other",
        ),
        (
            "Statement by NSC Spokesperson Emily Horne on National Security Advisor Jake "
            "Sullivan’s Call with Nikolay Patrushev",
            "Jake Sullivan spoke today with Nikolay Patrushev.",
            "other",
        ),
        (
            "Readout of President Biden’s Meeting with Chancellor Olaf Scholz of Germany",
            "President Biden met today with Chancellor Olaf Scholz of Germany.",
            "other",
        ),
        (
            "Readout of President Biden’s Virtual Meeting with Taoiseach Micheál Martin of Ireland",
            "President Biden met virtually today with Taoiseach Micheál Martin of Ireland.",
            "video call",
        ),
        (
            "Statement by Press Secretary Jen Psaki on President Biden’s Phone Call with "
            "President Vladimir Putin of Russia",
            "President Joseph R. Biden, Jr. spoke today with President Vladimir Putin of Russia.",
            "telephone call",
        ),
    ],
)
def test_what_is_a_readout_of_the_presidents_call(source, title, lead, kind):
    record = read(source, item(title, lead))
    assert record.kind == kind


def test_group_calls_list_their_participants(source):
    record = read(
        source,
        item(
            "Readout of President Biden’s Call with Transatlantic Leaders",
            "President Joseph R. Biden spoke today with Transatlantic leaders. (Invented.)",
            "Participants in the call included Prime Minister Justin Trudeau of Canada, NATO "
            "Secretary General Jens Stoltenberg, and President Andrzej Duda of Poland.",
        ),
    )
    assert [c.country_code or c.organisation for c in record.counterparts] == [
        "CA",
        "North Atlantic Treaty Organisation",
        "PL",
    ]


def test_own_officials_are_not_counterparts(source):
    record = read(
        source,
        item(
            "Readout of President Biden’s Calls with President Zelenskyy of Ukraine and NNSA "
            "Administrator Hruby",
            "President Joseph R. Biden, Jr. spoke with President Volodymyr Zelenskyy of "
            "Ukraine this evening. (Invented.)",
        ),
    )
    assert [c.country_code for c in record.counterparts] == ["UA"]


def test_entries_off_the_sites_hosts_are_rejected(source):
    rss = item("Readout of President Biden’s Call with X", "President Biden spoke with X.")
    rss = RssItem(**{**rss.__dict__, "link": "https://evil.example/2021/12/07/x/"})
    assert isinstance(read(source, rss), Rejection)


def test_title_patterns():
    assert title_looks_like_call("Joint Readout of Quad Leaders Call")
    assert title_looks_like_call("Readout of President Biden Call with Opposition Leader X")
    assert not title_looks_like_call("FACT SHEET: Biden Administration Calls on Utilities")
    assert not title_looks_like_call("Readout of Stakeholder Call on the Program")


def test_the_caller_is_the_president_by_office_or_by_a_declared_name(source):
    """No person is named in the rules: the office, or a name the source declares for its
    leaders (any administration's), makes the caller the President; anyone else is not."""
    by_name = "Readout of Ada Q. Sample’s Call with Prime Minister Jo Doe of Atlantis"
    assert not title_looks_like_call(by_name)
    assert title_looks_like_call(by_name, ("Ada Q. Sample",))
    assert source.title_looks_like_call("Readout of Joseph R. Biden, Jr.’s Call with X of Y")
    assert not source.title_looks_like_call("Readout of Jo Adviser’s Call with X of Atlantis")
    assert not title_looks_like_call("Readout of Vice President Sample’s Call with X of Y")


def test_feed_pages_are_wordpress_pages():
    items = [item(f"Readout {n}", "Text.", slug=f"s{n}") for n in range(25)]
    paths = rss_feed_paths(items)
    assert sorted(paths) == [
        "/briefing-room/feed/",
        "/briefing-room/feed/?paged=2",
        "/briefing-room/feed/?paged=3",
    ]
    page = parse_rss_page(paths["/briefing-room/feed/"])
    assert len(page.entries) == 10 and page.has_next
    assert page.entries[0].entry_id == f"{HOST}/?p=1"


@pytest.mark.parametrize("between", ["<?pi split?>", "<!-- a comment -->"])
def test_a_processing_instruction_or_comment_inside_content_keeps_every_part(between):
    body = render_rss_page(
        [item("Readout of a call", "First part.")], feed_url=HOST + "/briefing-room/feed/"
    )
    split = body.replace(
        b"First part.</p>\n]]>",
        b"First part.</p>]]>" + between.encode() + b"<![CDATA[<p>Second part.</p>]]>",
    )
    assert split != body
    (entry,) = parse_rss_page(split).entries
    assert entry.content_html == "<p>First part.</p><p>Second part.</p>"
