"""A feed page and its entries as every layer sees them, whatever the feed's format (Atom,
RSS): the walker, the raw zone, the sources and the normaliser share these types."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

MAX_ENTRY_BYTES = 2 << 20


class FeedPageError(ValueError):
    """The page is not a readable Atom feed."""


@dataclass(frozen=True)
class AtomEntry:
    position: int
    entry_id: str | None
    title: str | None
    published: str | None
    updated: str | None
    link: str | None
    summary_html: str | None
    content_html: str | None
    entry_sha: str
    problems: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AtomPage:
    entries: list[AtomEntry]
    has_next: bool
    feed_title: str | None
    language: str | None
    # Children of <feed> that Atom metadata does not explain: when a page has these and no
    # entries, the site renamed its elements.
    unknown_elements: tuple[str, ...] = ()
    # True when the page itself links its next page (Atom's rel="next"); False when
    # `has_next` is a guess (RSS has no such link): only then may a missing next page end
    # the feed.
    next_is_declared: bool = True

    @property
    def entries_without_content(self) -> int:
        return sum(1 for e in self.entries if not e.content_html and not e.summary_html)


def feed_entry(
    position: int, fields: dict[str, str | None], problems: tuple[str, ...]
) -> AtomEntry:
    """One entry of any feed format: its fields, what is wrong with it (an entry over the
    size limit of one readout among them), and the sha256 of its content, which names the
    version."""
    size = sum(len(value or "") for value in fields.values())
    if size > MAX_ENTRY_BYTES:
        problems += (
            f"the entry is {size / (1 << 20):.1f} MB of text, over the "
            f"{MAX_ENTRY_BYTES >> 20} MB limit for one readout",
        )
    digest = hashlib.sha256(
        "\x1f".join(value or "" for value in fields.values()).encode("utf-8")
    ).hexdigest()
    return AtomEntry(position=position, entry_sha=digest, problems=problems, **fields)
