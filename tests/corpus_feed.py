"""The real corpus in ../shared/corpus, turned at test time into feed entries in the real
page format (the texts are never copied into the repository)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from flows.demo.atom_pages import FeedItem

CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NEWS_CSV = CORPUS_DIR / "kremlin_en_news_2021-10_2022-03.csv"
REAL_FEED_PAGE = CORPUS_DIR / "kremlin_en_events_all_feed_2018-01-07.atom.xml"


@cache
def corpus_rows() -> tuple[dict[str, str], ...]:
    csv.field_size_limit(1 << 30)
    with open(NEWS_CSV, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def item_id(row: dict[str, str]) -> str:
    return row["link"].rstrip("/").rsplit("/", 1)[1]


def feed_item(row: dict[str, str]) -> FeedItem:
    # The scraper wrote Moscow clock time with a wrong "Z"; the feed writes the same clock
    # with its stale +04:00 label.
    clock = row["date"].removesuffix("Z")
    return FeedItem(
        item_id=item_id(row),
        title=row["headline"],
        published=f"{clock}+04:00",
        updated=f"{clock}+04:00",
        lead=row["summary"].strip(),
        paragraphs=[row["body"]] if row["body"].strip() else [],
    )


@cache
def corpus_items() -> tuple[FeedItem, ...]:
    """Newest first, as the feed lists them."""
    items = sorted(map(feed_item, corpus_rows()), key=lambda i: (i.published, i.item_id))
    return tuple(reversed(items))
