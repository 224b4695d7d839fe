"""RSS 2.0 feed pages (WordPress: `/feed/`, older pages `?paged=N`) parsed with the same
hardened lxml parser as Atom (no DTDs, no entities, no network), into the same page and
entry records, so that the walker, the raw zone and the normaliser need not know which
format a source serves.

An item's `guid` is its id, `pubDate` (RFC 822) becomes an ISO 8601 time with the offset
the feed wrote, `content:encoded` is the full HTML and `description` the excerpt. RSS has
no link to the next page: WordPress answers 404 past the last one, which ends a walk."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from lxml import etree

from flows.core.feed import AtomPage, FeedPageError, feed_entry
from flows.normalize.atom import parse_feed_xml

CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
CHANNEL_METADATA = frozenset(
    {
        "title",
        "link",
        "description",
        "language",
        "lastBuildDate",
        "pubDate",
        "generator",
        "image",
        "item",
        "updatePeriod",
        "updateFrequency",
        "copyright",
        "category",
        "ttl",
        "site",
    }
)


def _text(element: etree._Element, tag: str) -> str | None:
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def rfc822_to_iso(value: str | None) -> str | None:
    """'Tue, 07 Dec 2021 18:12:12 +0000' → '2021-12-07T18:12:12+00:00'; None if unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return None  # a time without an offset cannot be placed
    return parsed.isoformat()


def parse_rss_page(body: bytes) -> AtomPage:
    root = parse_feed_xml(body)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FeedPageError(
            f"the root element is <{etree.QName(root).localname}>, not an RSS <rss><channel>"
        )
    entries = []
    for position, element in enumerate(channel.findall("item")):
        published_raw = _text(element, "pubDate")
        fields = {
            "entry_id": _text(element, "guid") or _text(element, "link"),
            "title": _text(element, "title"),
            "published": rfc822_to_iso(published_raw),
            "updated": None,
            "link": _text(element, "link"),
            "summary_html": _text(element, "description"),
            "content_html": _text(element, CONTENT + "encoded"),
        }
        problems: tuple[str, ...] = tuple(
            f"<{tag}> is missing or empty"
            for tag, key in (("guid", "entry_id"), ("title", "title"))
            if fields[key] is None
        )
        if published_raw is None:
            problems += ("<pubDate> is missing or empty",)
        elif fields["published"] is None:
            problems += (f"<pubDate> {published_raw!r} is not an RFC 822 date-time",)
        entries.append(feed_entry(position, fields, problems))
    return AtomPage(
        entries=entries,
        # no next-page link in RSS: a page with items may have a next one (404 ends the walk)
        has_next=bool(entries),
        next_is_declared=False,
        feed_title=_text(channel, "title"),
        language=_text(channel, "language"),
        unknown_elements=tuple(
            sorted(
                {
                    etree.QName(child).localname
                    for child in channel
                    if isinstance(child.tag, str)
                    and etree.QName(child).localname not in CHANNEL_METADATA
                    and etree.QName(child).namespace is None
                }
            )
        ),
    )
