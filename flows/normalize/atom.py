"""Atom feed pages parsed with lxml, with a parser that refuses entity expansion,
DTDs and network access (billion laughs, external entities)."""

from __future__ import annotations

import codecs
import re

from lxml import etree

from flows.core.feed import AtomPage, FeedPageError, feed_entry

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
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


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
    the XML declaration claims (a wrong declared encoding would garble every curly quote).
    Bytes that are not UTF-8 are read as the declaration says when it names another
    encoding; otherwise each invalid byte becomes U+FFFD, so that one bad byte costs the
    entry that holds it (flagged for review), not the whole page."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        if _declares_other_encoding(body):
            return body
        text = body.decode("utf-8", errors="replace")
    if text.isascii():
        return body
    return _DECLARATION_TEXT.sub("", text, count=1)


def _declares_other_encoding(body: bytes) -> bool:
    declaration = _DECLARATION.match(body)
    if declaration is None:
        return False
    named = _ENCODING.search(declaration.group(0))
    if named is None:
        return False
    try:
        return codecs.lookup(named.group(1).decode("ascii")).name != "utf-8"
    except (LookupError, UnicodeDecodeError):
        return False


def parse_feed_xml(body: bytes) -> etree._Element:
    """The root element of a feed page of any format, parsed with the hardened parser; the
    one guard against hostile XML."""
    if not body.strip():
        raise FeedPageError("the page is empty")
    # A feed never needs a DTD; refusing one before parsing rules out entity expansion
    # ("billion laughs") and external entities whatever the parser's defaults.
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise FeedPageError("the page declares a DTD or entities, which a feed never needs")
    try:
        return etree.fromstring(_as_declared_or_utf8(body), parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise FeedPageError(f"not well-formed XML: {error}") from error


def parse_atom_page(body: bytes) -> AtomPage:
    root = parse_feed_xml(body)
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
