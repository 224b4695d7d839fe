"""A source of readouts: where its feed pages are, how to read one entry, and what it
declares about itself (its leaders, their country and office, its clock, its licence).
Shared code never names a source: a third government's readouts are one new module
implementing this, its rule files under sql/seeds/<name>/, and a line in the registry
(flows/sources/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from flows.core.feed import AtomEntry, AtomPage
from flows.core.records import ItemRecord, Rejection


@dataclass(frozen=True)
class Leader:
    """A leader whose calls the source reports, with the term the source covers."""

    name: str  # as the source writes it in full ("Vladimir Putin", "Joseph R. Biden, Jr.")
    surname: str  # how the other side names them alone ("Putin", "Biden")
    start: date
    end: date | None = None


class Source(Protocol):
    name: str
    # Feed clocks are read in this zone; the source's own calendar date of a call is taken
    # in it.
    clock_time_zone: str
    # True when the feed's UTC offsets are right (the White House); False when only the
    # clock is (the Kremlin's stale +04:00): the offset is then ignored.
    offsets_are_true: bool
    allowed_hosts: frozenset[str]
    default_base_url: str
    feed_path: str
    country_code: str  # the leaders' country, ISO 3166-1 alpha-2
    office: str  # the leaders' office as the source writes it
    leaders: tuple[Leader, ...]
    licence: str  # e.g. "CC BY 4.0"
    # How much one walk of the feed may read before it stops as a source failure (a site
    # inventing pages): sized from the real site, with room for a full backfill.
    page_budget: int
    byte_budget: int
    attribution: str  # the words to show wherever the texts are shown

    def page_url(self, base_url: str, page_no: int, feed_path: str | None = None) -> str: ...

    def parse_page(self, body: bytes) -> AtomPage: ...

    def read_entry(self, entry: AtomEntry, language: str | None) -> ItemRecord | Rejection: ...

    def title_looks_like_call(self, title: str) -> bool:
        """A title that suggests a call readout; validation fails loudly when such an item
        is not classified as a call (a new title pattern)."""
        ...
