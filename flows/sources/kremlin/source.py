"""The Kremlin's English news feed: http://en.kremlin.ru/events/president/news/feed. Its
reading of an entry serves the Russian site too (same software, same Atom): that source
subclasses this one and swaps the language's rules, phrases and sentence splitter."""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property

from flows.core.feed import AtomEntry, AtomPage
from flows.core.records import CALL_KINDS, VIDEO, ItemRecord, Rejection
from flows.core.source import Leader
from flows.normalize.atom import parse_atom_page
from flows.normalize.html_text import split_lead_and_body
from flows.normalize.links import LinkError, path_of, source_link
from flows.normalize.mentions import MentionFinder
from flows.normalize.reference import Reference
from flows.normalize.sentences import split_sentences
from flows.sources.kremlin.readout import (
    CALL_PHRASE,
    RUSSIAN_PLACE,
    VIDEO_PHRASE,
    KremlinReadoutRules,
    title_looks_like_call,
)

_ITEM_ID = re.compile(r"/(\d+)/?$")
# the site marks an item's lead inside its content with this class
LEAD_CLASS = "c-summary"
_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


class KremlinSource:
    """The site's feed: paging, ids, dates and lead markup here; the language in the rules."""

    name = "kremlin"
    clock_time_zone = "Europe/Moscow"
    offsets_are_true = False
    allowed_hosts = frozenset({"en.kremlin.ru", "kremlin.ru", "www.kremlin.ru"})
    default_base_url = "http://en.kremlin.ru"
    feed_path = "/events/president/news/feed"
    country_code = "RU"
    office = "President"
    leaders = (Leader("Vladimir Putin", "Putin", date(2012, 5, 7)),)
    licence = "CC BY 4.0"
    # 20 entries a page, ~100 kB: ~1,750 pages (~180 MB) hold 25 years of news
    page_budget = 2_500
    byte_budget = 500_000_000
    attribution = "President of Russia, kremlin.ru"
    # the language's own phrases for "a call" and "by video", and its sentence splitter
    call_phrase = CALL_PHRASE
    video_phrase = VIDEO_PHRASE
    split_sentences = staticmethod(split_sentences)
    # an entry without xml:lang is in this language (None: leave it unset)
    default_language: str | None = None

    def __init__(self, reference: Reference | None = None) -> None:
        self.reference = reference or Reference()

    @cached_property
    def rules(self) -> KremlinReadoutRules:
        return KremlinReadoutRules(
            MentionFinder(
                self.reference,
                own_leaders=[leader.name for leader in self.leaders],
                own_country=self.country_code,
                own_places=RUSSIAN_PLACE,
            )
        )

    def _page_link(self, link: str | None) -> str | None:
        """The entry's own link when it is a web link on the source's hosts."""
        try:
            return source_link(link, self.allowed_hosts) if link else None
        except LinkError:
            return None

    def title_looks_like_call(self, title: str) -> bool:
        return title_looks_like_call(title)

    def page_url(self, base_url: str, page_no: int, feed_path: str | None = None) -> str:
        suffix = "" if page_no == 1 else f"/page/{page_no}"
        return f"{base_url.rstrip('/')}{feed_path or self.feed_path}{suffix}"

    def parse_page(self, body: bytes) -> AtomPage:
        return parse_atom_page(body)

    def read_entry(self, entry: AtomEntry, language: str | None) -> ItemRecord | Rejection:
        match = _ITEM_ID.search(path_of(entry.entry_id))
        item_id = match.group(1) if match else None
        reject = lambda reason: Rejection(  # noqa: E731
            self.name, entry.entry_sha, item_id, entry.position, reason
        )
        if entry.problems:
            return reject("; ".join(entry.problems))
        assert entry.entry_id and entry.title and entry.published
        try:
            entry_url = source_link(entry.entry_id, self.allowed_hosts)
        except LinkError as error:
            return reject(f"<id> {error}")
        if item_id is None:
            return reject(f"<id> {entry.entry_id!r} does not end in a numeric item id")
        updated = entry.updated or entry.published
        for label, value in (("published", entry.published), ("updated", updated)):
            if not _CLOCK.match(value):
                return reject(f"<{label}> {value!r} is not an ISO date-time")
        texts = split_lead_and_body(entry.content_html, entry.summary_html, LEAD_CLASS)
        if not texts.body and not texts.lead:
            return reject("<content> and <summary> hold no text")
        text = "\n\n".join(part for part in (texts.lead, texts.body) if part)
        split = self.split_sentences(text)
        sentences = [sentence.text for sentence in split]
        first = sentences[0] if sentences else ""
        kind = self.rules.classify(entry.title, first)
        record = ItemRecord(
            source=self.name,
            item_id=item_id,
            entry_sha=entry.entry_sha,
            url=self._page_link(entry.link) or entry_url,
            title=entry.title,
            published_raw=entry.published,
            updated_raw=updated,
            lead=texts.lead,
            body=texts.body,
            kind=kind,
            language=language or self.default_language,
            sentences=split,
        )
        if kind not in CALL_KINDS:
            return record
        phrase = self.video_phrase if kind == VIDEO else self.call_phrase
        call_sentences = [s for s in sentences[:6] if phrase.search(s)] or sentences[:1]
        # Never a rejection: a counterpart the reference data does not know loads unresolved
        # (NULL country) and is listed in marts.review_queue.
        counterparts = self.rules.counterparts(entry.title, call_sentences, text)
        initiated_by, evidence = self.rules.initiator(sentences, counterparts)
        return ItemRecord(
            **{
                **record.__dict__,
                "counterparts": counterparts,
                "initiated_by": initiated_by,
                "initiative_evidence": evidence,
            }
        )
