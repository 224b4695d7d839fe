"""The Kremlin's Russian news feed: http://kremlin.ru/events/president/news/feed (the same
software and Atom format as the English site, xml:lang="ru"; base URL and feed path are
settings: READOUTS_KREMLIN_RU_BASE_URL, READOUTS_KREMLIN_RU_FEED_PATH). Item ids come from
the entry links as on the English site, whose items are believed to share them."""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property

from flows.core.feed import AtomEntry, AtomPage
from flows.core.records import ItemRecord, Rejection
from flows.core.source import Leader
from flows.normalize.atom import parse_atom_page
from flows.normalize.html_text import split_lead_and_body
from flows.normalize.links import LinkError, path_of, source_link
from flows.normalize.reference import Reference
from flows.sources.kremlin_ru.morphology import split_sentences
from flows.sources.kremlin_ru.places import RussianPlaces
from flows.sources.kremlin_ru.readout import (
    CALL_KINDS,
    CALL_PHRASE,
    VIDEO,
    VIDEO_PHRASE,
    KremlinRuReadoutRules,
    title_looks_like_call,
)

_ITEM_ID = re.compile(r"/(\d+)/?$")
_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")

# the site marks an item's lead inside its content with this class, as the English site does
LEAD_CLASS = "c-summary"


class KremlinRuSource:
    name = "kremlin_ru"
    clock_time_zone = "Europe/Moscow"
    offsets_are_true = False
    allowed_hosts = frozenset({"kremlin.ru", "www.kremlin.ru"})
    default_base_url = "http://kremlin.ru"
    feed_path = "/events/president/news/feed"
    country_code = "RU"
    office = "President"
    leaders = (Leader("Владимир Путин", "Путин", date(2012, 5, 7)),)
    licence = "CC BY 4.0"
    # as the English site: 20 entries a page, ~100 kB
    page_budget = 2_500
    byte_budget = 500_000_000
    attribution = "Президент России, kremlin.ru (President of Russia, kremlin.ru)"

    def __init__(self, reference: Reference | None = None) -> None:
        self.reference = reference or Reference()

    @cached_property
    def rules(self) -> KremlinRuReadoutRules:
        return KremlinRuReadoutRules(
            RussianPlaces(self.reference),
            self.country_code,
            tuple(leader.surname for leader in self.leaders),
        )

    def title_looks_like_call(self, title: str) -> bool:
        return title_looks_like_call(title)

    def page_url(self, base_url: str, page_no: int, feed_path: str | None = None) -> str:
        suffix = "" if page_no == 1 else f"/page/{page_no}"
        return f"{base_url.rstrip('/')}{feed_path or self.feed_path}{suffix}"

    def parse_page(self, body: bytes) -> AtomPage:
        return parse_atom_page(body)

    def _page_link(self, link: str | None) -> str | None:
        try:
            return source_link(link, self.allowed_hosts) if link else None
        except LinkError:
            return None

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
        split = split_sentences(text)
        sentences = [sentence.text for sentence in split]
        kind = self.rules.classify(entry.title, sentences[0] if sentences else "")
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
            language=language or "ru",
            sentences=split,
        )
        if kind not in CALL_KINDS:
            return record
        phrase = VIDEO_PHRASE if kind == VIDEO else CALL_PHRASE
        call_sentences = [s for s in sentences[:6] if phrase.search(s)] or sentences[:1]
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
