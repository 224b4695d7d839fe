"""The real corpus in ../shared/corpus, turned at test time into feed entries in the real
page format (the texts are never copied into the repository)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from flows.demo.atom_pages import FeedItem

CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NEWS_CSV = CORPUS_DIR / "kremlin_en_news_2021-10_2022-03.csv"
RUSSIAN_NEWS_CSV = CORPUS_DIR / "kremlin_ru_news_2025-02_03.csv"
REAL_FEED_PAGE = CORPUS_DIR / "kremlin_en_events_all_feed_2018-01-07.atom.xml"


@cache
def corpus_rows(path: Path = NEWS_CSV) -> tuple[dict[str, str], ...]:
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def item_id(row: dict[str, str]) -> str:
    return row["link"].rstrip("/").rsplit("/", 1)[1]


def feed_item(row: dict[str, str], host: str = "http://en.kremlin.ru") -> FeedItem:
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
        host=host,
    )


@cache
def corpus_items() -> tuple[FeedItem, ...]:
    """Newest first, as the feed lists them."""
    items = sorted(map(feed_item, corpus_rows()), key=lambda i: (i.published, i.item_id))
    return tuple(reversed(items))


@cache
def russian_items(host: str = "http://kremlin.ru") -> tuple[FeedItem, ...]:
    """The Russian feed of February-March 2025 (same columns, same clock), newest first."""
    rows = corpus_rows(RUSSIAN_NEWS_CSV)
    items = sorted((feed_item(row, host) for row in rows), key=lambda i: (i.published, i.item_id))
    return tuple(reversed(items))
