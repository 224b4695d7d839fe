"""The real White House corpus in ../shared/corpus, turned at test time into WordPress RSS
feed pages in the format of ../shared/notes/whitehouse-site.md (the texts are never copied
into the repository)."""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import datetime
from functools import cache

from flows.demo.rss_pages import RssItem, rss_feed_paths
from tests.corpus_feed import CORPUS_DIR

WHITEHOUSE_CSV = CORPUS_DIR / "whitehouse_statements_2021-10_2022-03.csv"
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@cache
def whitehouse_rows() -> tuple[dict[str, str], ...]:
    csv.field_size_limit(1 << 30)
    with open(WHITEHOUSE_CSV, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def item_id(row: dict[str, str]) -> str:
    """The date and slug of the item's path: its id on the archived and the live site."""
    return "/".join(row["link"].rstrip("/").split("/")[-4:])


def post_id(link: str) -> int:
    # the archive does not keep WordPress post ids; a stable stand-in for the guid
    return int(hashlib.sha256(link.encode()).hexdigest()[:7], 16)


def rss_item(row: dict[str, str]) -> RssItem:
    paragraphs = [
        " ".join(_LINK.sub(r"\1", block).split())
        for block in re.split(r"\n\s*\n", row["body"])
        if block.strip()
    ]
    return RssItem(
        post_id=post_id(row["link"]),
        link=row["link"],
        title=row["title"],
        published=datetime.fromisoformat(row["published"]),
        paragraphs=paragraphs,
    )


@cache
def whitehouse_items() -> tuple[RssItem, ...]:
    return tuple(map(rss_item, whitehouse_rows()))


def whitehouse_feed_paths(feed_path: str = "/briefing-room/feed/") -> dict[str, bytes]:
    return rss_feed_paths(whitehouse_items(), feed_path, host="https://www.whitehouse.gov")
