"""Feed pages written in the exact format of the Kremlin's Atom feed (see the real page
in ../shared/corpus): used by the demo's sample feed, by tests and by benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

ENTRIES_PER_PAGE = 20


@dataclass(frozen=True)
class FeedItem:
    """One entry; fields set to None are left out, to make malformed entries."""

    item_id: str | None
    title: str | None
    published: str | None  # the site's clock, written as the site does: ...+04:00
    updated: str | None
    lead: str
    paragraphs: Sequence[str]
    host: str = "http://en.kremlin.ru"
    raw_xml: str | None = None  # written verbatim instead of the fields


def _summary_html(lead: str) -> str:
    return f'<div class="c-summary" style="font-size: 1.2em"><p>{escape(lead)}</p></div>  '


def entry_xml(item: FeedItem) -> str:
    if item.raw_xml is not None:
        return item.raw_xml
    url = f"{item.host}/events/president/news/{item.item_id}"
    parts = ["<entry>"]
    if item.title is not None:
        parts.append(f"<title>{escape(item.title)}</title>")
    if item.item_id is not None:
        parts.append(f"<id>{escape(url)}</id>")
    if item.updated is not None:
        parts.append(f"<updated>{item.updated}</updated>")
    if item.published is not None:
        parts.append(f"<published>{item.published}</published>")
    if item.item_id is not None:
        parts.append(
            f'<link href={quoteattr(url)} hreflang="en" rel="alternate" type="text/html" />'
        )
    summary = _summary_html(item.lead) if item.lead else ""
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in item.paragraphs)
    parts.append(f'<summary type="html">{escape(summary)} </summary>')
    parts.append(f'<content type="html">{escape(summary + body)} </content>')
    parts.append("</entry>")
    return "".join(parts)


def render_page(
    items: Sequence[FeedItem],
    *,
    page_no: int,
    last_page: int,
    feed_url: str = "http://en.kremlin.ru/events/president/news/feed",
    title: str = "Website of the President of Russia: News",
    updated: str | None = None,
    language: str = "en",
) -> bytes:
    links = [f'<link href="{feed_url}" rel="self" />', f'<link href="{feed_url}" rel="first" />']
    if page_no < last_page:
        links.append(f'<link href="{feed_url}/page/{page_no + 1}" rel="next" />')
    links.append(f'<link href="{feed_url}/page/{last_page}" rel="last" />')
    stamp = updated or next((item.updated for item in items if item.updated), "")
    head = (
        '<?xml version="1.0" encoding="UTF-8" ?>'
        '<?xml-stylesheet type="text/xsl" href="/static/xsl/feed.xsl?571da04668" ?>'
        f'<feed xml:lang="{language}" xmlns="http://www.w3.org/2005/Atom">'
        f'<title type="text">{escape(title)}</title>'
        "<author><name>Presidential Press and Information Office</name></author>"
        f"<updated>{stamp}</updated><id>{feed_url}</id>"
    )
    return (head + "".join(links) + "".join(map(entry_xml, items)) + "</feed>").encode("utf-8")


def paginate(items: Sequence[FeedItem], **page_options: str) -> dict[int, bytes]:
    """Items newest first → {page number: page bytes}, 20 entries a page as on the site."""
    chunks = [items[i : i + ENTRIES_PER_PAGE] for i in range(0, len(items), ENTRIES_PER_PAGE)]
    chunks = chunks or [[]]
    return {
        number: render_page(chunk, page_no=number, last_page=len(chunks), **page_options)
        for number, chunk in enumerate(chunks, start=1)
    }
