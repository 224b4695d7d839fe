"""Walks a source's feed pages from the newest, landing each page in the raw zone.

Incremental by default: stop at the first page that holds nothing new. With `since`,
walk back until entries are older than that date or the pages end (a backfill); an
interrupted backfill leaves a checkpoint, and the next one jumps past what it landed."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date

from flows.extract.http_client import PoliteClient
from flows.landing.raw_zone import RawZone
from flows.normalize.atom import FeedPageError
from flows.sources.base import Source

log = logging.getLogger("readouts.extract")


@dataclass(frozen=True)
class ExtractResult:
    pages_fetched: int
    entries_seen: int
    entries_new: int
    last_page: int
    complete: bool
    stopped_reason: str


def _entry_key(entry_id: str | None, entry_sha: str) -> tuple[str, str]:
    return (entry_id or "", entry_sha)


def _backfill_covered(checkpoint: dict, since: date) -> bool:
    done = checkpoint.get("complete_since")
    return done is not None and date.fromisoformat(done) <= since


def walk_feed(
    source: Source,
    client: PoliteClient,
    zone: RawZone,
    *,
    base_url: str,
    run_id: str,
    since: date | None = None,
    max_pages: int | None = None,
    max_consecutive_403: int = 3,
    refusal_pause_seconds: float = 30.0,
) -> ExtractResult:
    known = zone.landed_entry_keys()
    checkpoint = zone.read_checkpoint()
    if since is not None and _backfill_covered(checkpoint, since):
        since = None  # an earlier backfill already reached that far back
    resume_page = int(checkpoint.get("next_page", 0)) if since is not None else 0
    if since is not None and checkpoint.get("since") != since.isoformat():
        resume_page = 0
    page_no, fetched, seen, new_count, refusals = 1, 0, 0, 0, 0

    def stop(reason: str, complete: bool) -> ExtractResult:
        if since is not None and complete:
            earlier = checkpoint.get("complete_since")
            reached = min(filter(None, [earlier, since.isoformat()]))
            zone.write_checkpoint({"complete_since": reached})
        log.info("extract stopped: %s", reason)
        return ExtractResult(fetched, seen, new_count, page_no, complete, reason)

    while max_pages is None or fetched < max_pages:
        url = source.page_url(base_url, page_no)
        fetch = client.get(url)
        fetched += 1
        if fetch.status == 403:
            zone.store(fetch, run_id=run_id, page_no=page_no, error="403 Forbidden")
            refusals += 1
            if refusals >= max_consecutive_403:
                return stop(
                    f"the site refused {refusals} requests in a row (403) at page {page_no} "
                    f"({url}); {fetched - refusals} pages were fetched before that. Nothing is "
                    "lost: the next run resumes from what has landed.",
                    complete=False,
                )
            time.sleep(refusal_pause_seconds * refusals)
            continue
        refusals = 0
        if fetch.status == 404:
            zone.store(fetch, run_id=run_id, page_no=page_no)
            return stop(f"page {page_no} does not exist (404): the feed ends there", True)
        if not fetch.ok:
            zone.store(fetch, run_id=run_id, page_no=page_no)
            problem = fetch.error or f"HTTP {fetch.status}"
            return stop(
                f"page {page_no} ({url}) failed after retries: {problem}; the next run retries it",
                complete=False,
            )
        try:
            page = source.parse_page(fetch.body)
        except FeedPageError as error:
            zone.store(fetch, run_id=run_id, page_no=page_no, error=str(error))
            return stop(
                f"page {page_no} ({url}) is not a readable feed: {error}. It is kept in the raw "
                "zone and quarantined; the next run fetches it again",
                complete=False,
            )
        keys = [_entry_key(entry.entry_id, entry.entry_sha) for entry in page.entries]
        zone.store(fetch, run_id=run_id, page_no=page_no, entry_keys=keys)
        fresh = [key for key in keys if key not in known]
        known.update(fresh)
        seen += len(keys)
        new_count += len(fresh)
        if not page.entries:
            return stop(f"page {page_no} holds no entries: the feed ends there", True)
        if since is None:
            if not fresh:
                return stop(f"page {page_no} holds nothing new", True)
        else:
            dates = [entry.published[:10] for entry in page.entries if entry.published]
            if dates and min(dates) < since.isoformat():
                return stop(f"page {page_no} reaches entries older than {since}", True)
        if not page.has_next:
            return stop(f"page {page_no} is the last page", True)
        page_no += 1
        if since is not None:
            if not fresh and resume_page > page_no:
                log.info("resuming the backfill at page %d", resume_page)
                page_no = resume_page
            progress = {"since": since.isoformat(), "next_page": page_no}
            zone.write_checkpoint({**checkpoint, **progress})
    return stop(f"stopped after the page limit ({max_pages} pages)", complete=False)
