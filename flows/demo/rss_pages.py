"""Feed pages written in the format of a WordPress RSS 2.0 feed (the White House briefing
room, see ../shared/notes/whitehouse-site.md): `?paged=N` pages of 10 items, newest first,
404 past the last page. Used by the demo's sample feed and by tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

ITEMS_PER_PAGE = 10


@dataclass(frozen=True)
class RssItem:
    post_id: int
    link: str
    title: str
    published: datetime  # aware
    paragraphs: Sequence[str]
    category: str = "Statements and Releases"
    creator: str = "The White House"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def item_xml(item: RssItem, host: str) -> str:
    html = "".join(f"<p>{escape(paragraph)}</p>\n" for paragraph in item.paragraphs)
    excerpt = escape(item.paragraphs[0][:250]) + " [&#8230;]" if item.paragraphs else ""
    return (
        "<item>"
        f"<title>{escape(item.title)}</title>"
        f"<link>{escape(item.link)}</link>"
        f"<dc:creator>{_cdata(item.creator)}</dc:creator>"
        f"<pubDate>{format_datetime(item.published.astimezone(UTC))}</pubDate>"
        f"<category>{_cdata(item.category)}</category>"
        f'<guid isPermaLink="false">{escape(host)}/?p={item.post_id}</guid>'
        f"<description>{_cdata(excerpt)}</description>"
        f"<content:encoded>{_cdata(html)}</content:encoded>"
        "</item>"
    )


def render_rss_page(
    items: Sequence[RssItem],
    *,
    feed_url: str,
    host: str = "https://www.whitehouse.gov",
    title: str = "The White House",
) -> bytes:
    stamp = format_datetime(items[0].published.astimezone(UTC)) if items else ""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
        f"<channel><title>{escape(title)}</title>"
        f'<atom:link href="{escape(feed_url)}" rel="self" type="application/rss+xml" />'
        f"<link>{escape(host)}/</link><description></description>"
        f"<lastBuildDate>{stamp}</lastBuildDate><language>en-US</language>"
        "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>"
        "<generator>https://wordpress.org/?v=6.4.2</generator>"
    )
    body = "".join(item_xml(item, host) for item in items)
    return (head + body + "</channel></rss>").encode("utf-8")


def rss_feed_paths(
    items: Sequence[RssItem],
    feed_path: str = "/briefing-room/feed/",
    host: str = "https://www.whitehouse.gov",
    title: str = "The White House",
) -> dict[str, bytes]:
    """Items newest first → {request path: page bytes}: `feed_path` and `feed_path?paged=N`
    (N ≥ 2), ten items a page; any other page number is a 404 (not served)."""
    items = sorted(items, key=lambda i: (i.published, i.post_id), reverse=True)
    chunks = [items[i : i + ITEMS_PER_PAGE] for i in range(0, len(items), ITEMS_PER_PAGE)] or [[]]
    paths = {}
    for number, chunk in enumerate(chunks, start=1):
        path = feed_path if number == 1 else f"{feed_path}?paged={number}"
        paths[path] = render_rss_page(chunk, feed_url=host + feed_path, host=host, title=title)
    return paths
