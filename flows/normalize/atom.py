"""Atom feed pages parsed with lxml, with a parser that refuses entity expansion,
DTDs and network access (billion laughs, external entities)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_METADATA = frozenset(
    {
        "title",
        "subtitle",
        "author",
        "contributor",
        "updated",
        "id",
        "link",
        "generator",
        "icon",
        "logo",
        "rights",
        "category",
        "entry",
    }
)

# huge_tree lifts libxml2's 10 MB cap on one text node: the HTTP client already caps a page
# at 64 MB, DTDs and entities are refused before parsing, and one oversized entry should be
# quarantined on its own rather than make its whole page unreadable. Comments and
# processing instructions are dropped while parsing: kept, they split an element's text,
# and `.text` stops at the first of them (the CDATA parts after it were lost).
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=True,
    remove_comments=True,
    remove_pis=True,
)
MAX_ENTRY_BYTES = 2 << 20
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


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

    @property
    def entries_without_content(self) -> int:
        return sum(1 for e in self.entries if not e.content_html and not e.summary_html)


def _text(element: etree._Element, tag: str) -> str | None:
    child = element.find(ATOM + tag)
    if child is None or child.text is None:
        return None
    value = child.text.strip()
    return value or None


def _alternate_link(entry: etree._Element) -> str | None:
    for link in entry.findall(ATOM + "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _as_declared_or_utf8(body: bytes) -> bytes | str:
    """The site serves UTF-8. When the bytes are valid UTF-8, they are read as UTF-8 whatever
    the XML declaration claims (a wrong declared encoding would garble every curly quote);
    otherwise the declaration decides."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    if text.isascii():
        return body
    return _DECLARATION.sub(b"", body, count=1).decode("utf-8")


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


def parse_atom_page(body: bytes) -> AtomPage:
    if not body.strip():
        raise FeedPageError("the page is empty")
    # A feed never needs a DTD; refusing one before parsing rules out entity expansion
    # ("billion laughs") and external entities whatever the parser's defaults.
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise FeedPageError("the page declares a DTD or entities, which a feed never needs")
    try:
        root = etree.fromstring(_as_declared_or_utf8(body), parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise FeedPageError(f"not well-formed XML: {error}") from error
    if root.tag != ATOM + "feed":
        raise FeedPageError(
            f"the root element is <{etree.QName(root).localname}>, not an Atom <feed>"
        )
    entries = []
    for position, element in enumerate(root.findall(ATOM + "entry")):
        fields = {
            "entry_id": _text(element, "id"),
            "title": _text(element, "title"),
            "published": _text(element, "published"),
            "updated": _text(element, "updated"),
            "link": _alternate_link(element),
            "summary_html": _text(element, "summary"),
            "content_html": _text(element, "content"),
        }
        problems = tuple(
            f"<{tag}> is missing or empty"
            for tag, key in (("id", "entry_id"), ("title", "title"), ("published", "published"))
            if fields[key] is None
        )
        entries.append(feed_entry(position, fields, problems))
    has_next = any(link.get("rel") == "next" for link in root.findall(ATOM + "link"))
    return AtomPage(
        entries=entries,
        has_next=has_next,
        feed_title=_text(root, "title"),
        language=root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        unknown_elements=tuple(
            sorted(
                {
                    etree.QName(child).localname
                    for child in root
                    if isinstance(child.tag, str)
                    and (
                        not child.tag.startswith(ATOM)
                        or etree.QName(child).localname not in FEED_METADATA
                    )
                }
            )
        ),
    )
