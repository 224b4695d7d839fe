"""Feed pages of any size, resampled from the real corpus in ../shared/corpus: each item
gets a new id and a new date (one every 45 minutes going back from 2026-11-01), in the real
page format. Nothing is written into the repository."""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.demo.atom_pages import FeedItem, paginate
from tests.corpus_feed import corpus_items

START = datetime(2026, 11, 1, 12, 0)


def resampled_items(count: int) -> list[FeedItem]:
    corpus = corpus_items()
    items = []
    for number in range(count):
        source = corpus[number % len(corpus)]
        stamp = (START - timedelta(minutes=45 * number)).strftime("%Y-%m-%dT%H:%M:%S+04:00")
        items.append(
            FeedItem(
                str(1_000_000 + count - number),
                source.title,
                stamp,
                stamp,
                source.lead,
                source.paragraphs,
            )
        )
    return items


def resampled_pages(count: int) -> dict[int, bytes]:
    return paginate(resampled_items(count))
