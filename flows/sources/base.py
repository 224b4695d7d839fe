"""A source of readouts: where its feed pages are and how to read one entry.
A second source (another government's readouts) is a new module implementing this."""

from __future__ import annotations

from typing import Protocol

from flows.normalize.atom import AtomEntry, AtomPage
from flows.normalize.records import ItemRecord, Rejection


class Source(Protocol):
    name: str
    # Feed clocks are read in this zone; a stale UTC offset on the timestamps is ignored.
    clock_time_zone: str
    allowed_hosts: frozenset[str]

    def page_url(self, base_url: str, page_no: int) -> str: ...

    def parse_page(self, body: bytes) -> AtomPage: ...

    def read_entry(self, entry: AtomEntry, language: str | None) -> ItemRecord | Rejection: ...

    def title_looks_like_call(self, title: str) -> bool:
        """A title that suggests a call readout; validation fails loudly when such an item
        is not classified as a call (a new title pattern)."""
        ...
