"""The White House briefing room's WordPress RSS 2.0 feed: `https://www.whitehouse.gov`
+ `/briefing-room/feed/` (older pages `?paged=N`); the Biden-era site is archived with
the same paths at `https://bidenwhitehouse.archives.gov`. Base URL and feed path are
settings (READOUTS_WHITEHOUSE_BASE_URL, READOUTS_WHITEHOUSE_FEED_PATH, or --base-url and
--feed-path with --source whitehouse): the current site's paths are to be checked on the
first live run (../shared/notes/whitehouse-site.md)."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from flows.core.feed import AtomEntry, AtomPage
from flows.core.records import CALL_KINDS, ItemRecord, Rejection
from flows.core.source import Leader
from flows.normalize.html_text import split_lead_and_body
from flows.normalize.links import LinkError, path_of, source_link
from flows.normalize.mentions import MentionFinder
from flows.normalize.reference import Reference
from flows.normalize.rss import parse_rss_page
from flows.normalize.sentences import split_sentences
from flows.sources.whitehouse.readout import (
    WhiteHouseReadoutRules,
    title_looks_like_call,
)

# /briefing-room/statements-releases/2021/12/07/<slug>/ (2021-2025) or
# /briefing-statements/2025/02/<slug>/ (2025-): the date and slug are the item's id, the
# same on the archived site and on the live one.
_ITEM_ID = re.compile(r"/(?P<id>\d{4}/\d{2}(?:/\d{2})?/[^/]+)/?$")
EASTERN = "America/New_York"


class WhiteHouseSource:
    name = "whitehouse"
    clock_time_zone = EASTERN
    offsets_are_true = True
    allowed_hosts = frozenset(
        {"www.whitehouse.gov", "whitehouse.gov", "bidenwhitehouse.archives.gov"}
    )
    default_base_url = "https://www.whitehouse.gov"
    feed_path = "/briefing-room/feed/"
    country_code = "US"
    office = "President"
    leaders = (
        Leader("Donald J. Trump", "Trump", date(2017, 1, 20), date(2021, 1, 19)),
        Leader("Joseph R. Biden, Jr.", "Biden", date(2021, 1, 20), date(2025, 1, 19)),
        Leader("Donald J. Trump", "Trump", date(2025, 1, 20)),
    )
    licence = "public domain (US government work)"
    # 10 items a page, ~60 kB, ~180 pages a year: one administration's site is ~720 pages
    page_budget = 2_500
    byte_budget = 500_000_000
    attribution = "The White House"
    # how the White House writes its own President in a readout
    own_names = (
        "Joseph R. Biden, Jr.",
        "Joseph R. Biden Jr.",
        "Joseph R. Biden",
        "Joe Biden",
        "Biden",
        "Donald J. Trump",
        "Donald Trump",
        "Trump",
    )

    def __init__(self, reference: Reference | None = None) -> None:
        self.reference = reference or Reference()

    @cached_property
    def rules(self) -> WhiteHouseReadoutRules:
        return WhiteHouseReadoutRules(
            MentionFinder(self.reference, own_leaders=self.own_names),
            self.country_code,
            self.own_names,
        )

    def title_looks_like_call(self, title: str) -> bool:
        return title_looks_like_call(title, self.own_names)

    def page_url(self, base_url: str, page_no: int, feed_path: str | None = None) -> str:
        suffix = "" if page_no == 1 else f"?paged={page_no}"
        return f"{base_url.rstrip('/')}{feed_path or self.feed_path}{suffix}"

    def parse_page(self, body: bytes) -> AtomPage:
        return parse_rss_page(body)

    def read_entry(self, entry: AtomEntry, language: str | None) -> ItemRecord | Rejection:
        match = _ITEM_ID.search(path_of(entry.link))
        item_id = match.group("id") if match else None
        reject = lambda reason: Rejection(  # noqa: E731
            self.name, entry.entry_sha, item_id, entry.position, reason
        )
        if entry.problems:
            return reject("; ".join(entry.problems))
        assert entry.entry_id and entry.title and entry.published
        try:
            source_link(entry.entry_id, self.allowed_hosts)
        except LinkError as error:
            return reject(f"<guid> {error}")
        try:
            link = source_link(entry.link or "", self.allowed_hosts)
        except LinkError as error:
            return reject(f"<link> {error}")
        if item_id is None:
            return reject(f"<link> {entry.link!r} does not end in a dated item path")
        # pubDate is UTC in WordPress feeds: the White House's own clock is US Eastern, with
        # the offset of the day (-05:00 / -04:00), which is what the date of a call is read in
        local = datetime.fromisoformat(entry.published).astimezone(ZoneInfo(EASTERN))
        published = local.isoformat()
        texts = split_lead_and_body(entry.content_html, None)
        if not texts.body and entry.summary_html:
            texts = split_lead_and_body(None, entry.summary_html)
        paragraphs = [p for p in (texts.lead + "\n\n" + texts.body).split("\n\n") if p]
        if not paragraphs:
            return reject("<content:encoded> and <description> hold no text")
        lead, body = paragraphs[0], "\n\n".join(paragraphs[1:])
        text = "\n\n".join(part for part in (lead, body) if part)
        split = split_sentences(text)
        sentences = [sentence.text for sentence in split]
        kind = self.rules.classify(entry.title, sentences[0] if sentences else "")
        counterparts = []
        if kind in CALL_KINDS:
            # never a rejection: an unknown counterpart loads unresolved and waits for review
            counterparts = self.rules.counterparts(entry.title, sentences, text)
        return ItemRecord(
            source=self.name,
            item_id=item_id,
            entry_sha=entry.entry_sha,
            url=link,
            title=entry.title,
            published_raw=published,
            updated_raw=published,
            lead=lead,
            body=body,
            kind=kind,
            language=language,
            sentences=split,
            counterparts=counterparts,
        )
