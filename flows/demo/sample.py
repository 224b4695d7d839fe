"""The bundled sample feeds, invented text labelled as such: sample_feed.json rendered as
Kremlin-format feed pages, sample_kremlin_ru.json as the Russian site's feed pages (the same
format, xml:lang="ru"), sample_whitehouse.json as White House-style RSS pages."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from flows.demo.atom_pages import FeedItem, paginate
from flows.demo.rss_pages import RssItem, rss_feed_paths

SAMPLE_FEED = Path(__file__).with_name("sample_feed.json")
_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def _site_clock(value: str | None) -> str | None:
    """'2018-01-03 16:50' (Moscow) → the site's format, with its stale +04:00 label."""
    if value is None or not _CLOCK.match(value):
        return value
    return value.replace(" ", "T") + ":00+04:00"


def sample_items(path: Path = SAMPLE_FEED, host: str = "http://en.kremlin.ru") -> list[FeedItem]:
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [
        FeedItem(
            item_id=raw["id"],
            title=raw["title"],
            published=_site_clock(raw["published"]),
            updated=_site_clock(raw.get("updated") or raw["published"]),
            lead=raw["lead"],
            paragraphs=raw["body"],
            host=raw.get("host", host),
        )
        for raw in data["items"]
    ]
    return sorted(items, key=lambda item: item.published or "", reverse=True)


def sample_pages() -> dict[int, bytes]:
    title = json.loads(SAMPLE_FEED.read_text(encoding="utf-8"))["feed_title"]
    return paginate(sample_items(), title=title)


SAMPLE_KREMLIN_RU = Path(__file__).with_name("sample_kremlin_ru.json")
KREMLIN_RU_HOST = "http://kremlin.ru"


def kremlin_ru_sample_pages(feed_path: str) -> dict[int, bytes]:
    """The Russian sample as the Russian site's Atom pages (entry ids on kremlin.ru)."""
    title = json.loads(SAMPLE_KREMLIN_RU.read_text(encoding="utf-8"))["feed_title"]
    items = sample_items(SAMPLE_KREMLIN_RU, KREMLIN_RU_HOST)
    return paginate(items, title=title, language="ru", feed_url=KREMLIN_RU_HOST + feed_path)


SAMPLE_WHITEHOUSE = Path(__file__).with_name("sample_whitehouse.json")
WHITEHOUSE_HOST = "https://www.whitehouse.gov"


def whitehouse_sample_paths(feed_path: str) -> dict[str, bytes]:
    """The White House sample (sample_whitehouse.json: invented text, labelled as such) as
    WordPress RSS pages: {request path: bytes}."""
    data = json.loads(SAMPLE_WHITEHOUSE.read_text(encoding="utf-8"))
    items = [
        RssItem(
            post_id=raw["post_id"],
            link=f"{WHITEHOUSE_HOST}/briefing-room/statements-releases/{raw['slug']}/",
            title=raw["title"],
            published=datetime.fromisoformat(raw["published"]),
            paragraphs=raw["paragraphs"],
        )
        for raw in data["items"]
    ]
    return rss_feed_paths(items, feed_path, host=WHITEHOUSE_HOST, title=data["feed_title"])
