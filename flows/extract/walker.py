"""Walks a source's feed pages, landing each page in the raw zone.

- Incremental (default): from the newest page until a page holds nothing new, re-reading
  at least `overlap_pages` pages, so that readouts edited after publication are caught.
- Every walk is bounded: it stops when a page repeats one already read in this walk, or
  brings no entry this walk has not seen (a site that answers every page number with page
  1 would otherwise be walked for ever).
- Backfill (`since`, optionally `until`): walk back until entries are older than `since` or
  the pages end. With `until`, the first page to read is found by a search over page
  numbers instead of reading every newer page. An interrupted backfill leaves a checkpoint
  (the next page to read); the next backfill over the same range resumes there.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import date

from flows.extract.http_client import PoliteClient
from flows.landing.raw_zone import RawZone
from flows.normalize.atom import AtomPage, FeedPageError
from flows.ops.failpoints import failpoint
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
    # the walk stopped because the source refused, failed or served something unusable
    source_failed: bool = False


class _Stop(Exception):
    def __init__(self, reason: str, complete: bool, source_failed: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.complete = complete
        self.source_failed = source_failed


@dataclass
class _Walk:
    source: Source
    client: PoliteClient
    zone: RawZone
    base_url: str
    run_id: str
    max_pages: int | None
    max_consecutive_403: int
    refusal_pause_seconds: float
    feed_path: str | None = None
    known: set[tuple[str, str]] = field(default_factory=set)
    fetched: int = 0
    seen: int = 0
    new: int = 0
    dates: dict[int, tuple[str, str]] = field(default_factory=dict)  # page → (oldest, newest)
    searched: dict[int, tuple[AtomPage, int]] = field(default_factory=dict)
    page_digests: dict[str, int] = field(default_factory=dict)  # page body sha → page number
    walked: set[tuple[str, str]] = field(default_factory=set)  # entries seen in this walk

    def read(self, page_no: int) -> tuple[AtomPage, int]:
        """Fetch, land and parse one page; returns it with its count of new entries. A page
        read earlier in the same walk (by the search) is not fetched again."""
        if page_no in self.searched:
            return self.searched.pop(page_no)
        refusals = 0
        while True:
            if self.max_pages is not None and self.fetched >= self.max_pages:
                raise _Stop(f"stopped after the page limit ({self.max_pages} pages)", False)
            url = self.source.page_url(self.base_url, page_no, self.feed_path)
            fetch = self.client.get(url)
            self.fetched += 1
            if fetch.status != 403:
                break
            self.zone.store(fetch, run_id=self.run_id, page_no=page_no, error="403 Forbidden")
            refusals += 1
            if refusals >= self.max_consecutive_403:
                raise _Stop(
                    f"the site refused {refusals} requests in a row (403) at page {page_no} "
                    f"({url}); {self.fetched - refusals} pages were fetched before that. Nothing "
                    "is lost: the next run resumes from what has landed.",
                    False,
                    source_failed=True,
                )
            time.sleep(self.refusal_pause_seconds * refusals)
        if fetch.status == 404:
            self.zone.store(fetch, run_id=self.run_id, page_no=page_no)
            raise _Stop(f"page {page_no} does not exist (404): the feed ends there", True)
        if not fetch.ok:
            self.zone.store(fetch, run_id=self.run_id, page_no=page_no)
            problem = fetch.error or f"HTTP {fetch.status}"
            raise _Stop(
                f"page {page_no} ({url}) failed after retries: {problem}. What was fetched "
                "before it is loaded; check the site and --base-url, the next run retries it",
                False,
                source_failed=True,
            )
        try:
            page = self.source.parse_page(fetch.body)
        except FeedPageError as error:
            self.zone.store(fetch, run_id=self.run_id, page_no=page_no, error=str(error))
            raise _Stop(
                f"page {page_no} ({url}) is not a readable feed: {error}. It is kept in the raw "
                "zone and quarantined; the next run fetches it again",
                False,
                source_failed=True,
            ) from error
        keys = [(entry.entry_id or "", entry.entry_sha) for entry in page.entries]
        self.zone.store(fetch, run_id=self.run_id, page_no=page_no, entry_keys=keys)
        failpoint("extract")
        digest = hashlib.sha256(fetch.body).hexdigest()
        if digest in self.page_digests:
            raise _Stop(
                f"page {page_no} ({url}) repeats page {self.page_digests[digest]} of this walk: "
                "the site's pagination is broken. What was read is loaded; the walk stopped "
                "instead of reading the same page again",
                False,
                source_failed=True,
            )
        self.page_digests[digest] = page_no
        if keys and not set(keys) - self.walked:
            raise _Stop(
                f"page {page_no} ({url}) brings no entry that this walk has not already seen: "
                "the site's pagination is broken. What was read is loaded",
                False,
                source_failed=True,
            )
        self.walked.update(keys)
        fresh = {key for key in keys if key not in self.known}
        self.known.update(fresh)
        self.seen += len(keys)
        self.new += len(fresh)
        published = sorted(e.published[:10] for e in page.entries if e.published)
        if published:
            self.dates[page_no] = (published[0], published[-1])
        return page, len(fresh)

    def oldest(self, page_no: int) -> str | None:
        return self.dates.get(page_no, (None, None))[0]

    def find_first_page_up_to(self, until: date) -> int:
        """The first page holding entries published on or before `until`: pages run newest
        first, so probe 1, 2, 4, 8... until one reaches back that far, then bisect."""
        target = until.isoformat()

        def reaches(page_no: int) -> bool:
            self.searched[page_no] = self.read(page_no)
            return not self.searched[page_no][0].entries or (self.oldest(page_no) or "") <= target

        low, high = 0, 1
        while not reaches(high):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            if reaches(middle):
                high = middle
            else:
                low = middle
        return high


def _covered(checkpoint: dict, since: date, until: date | None) -> bool:
    for done_since, done_until in checkpoint.get("completed", []):
        if date.fromisoformat(done_since) <= since and (
            done_until is None or (until is not None and until <= date.fromisoformat(done_until))
        ):
            return True
    return False


def walk_feed(
    source: Source,
    client: PoliteClient,
    zone: RawZone,
    *,
    base_url: str,
    run_id: str,
    since: date | None = None,
    until: date | None = None,
    max_pages: int | None = None,
    max_consecutive_403: int = 3,
    refusal_pause_seconds: float = 30.0,
    overlap_pages: int = 2,
    feed_path: str | None = None,
) -> ExtractResult:
    walk = _Walk(
        source,
        client,
        zone,
        base_url,
        run_id,
        max_pages,
        max_consecutive_403,
        refusal_pause_seconds,
        feed_path=feed_path,
        known=zone.landed_entry_keys(),
    )
    checkpoint = zone.read_checkpoint()
    if since is not None and _covered(checkpoint, since, until):
        log.info("an earlier backfill already covered %s .. %s", since, until)
        since = until = None
    key = [since.isoformat(), until.isoformat() if until else None] if since else None
    resume = checkpoint.get("next_page", 0) if checkpoint.get("range") == key else 0

    def save(state: dict) -> None:
        nonlocal checkpoint
        checkpoint = {"completed": checkpoint.get("completed", []), **state}
        zone.write_checkpoint(checkpoint)

    page_no = 1
    try:
        if since is not None and until is not None:
            page_no = resume or walk.find_first_page_up_to(until)
        while True:
            page, fresh = walk.read(page_no)
            if not page.entries:
                raise _Stop(f"page {page_no} holds no entries: the feed ends there", True)
            if since is None:
                if not fresh and page_no >= overlap_pages:
                    raise _Stop(f"page {page_no} holds nothing new", True)
            elif (walk.oldest(page_no) or "9999") < since.isoformat():
                raise _Stop(f"page {page_no} reaches entries older than {since}", True)
            if not page.has_next:
                raise _Stop(f"page {page_no} is the last page", True)
            page_no += 1
            if since is not None:
                if not fresh and resume > page_no:
                    log.info("resuming the backfill at page %d", resume)
                    page_no = resume
                save({"range": key, "next_page": page_no})
    except _Stop as stop:
        if since is not None and stop.complete:
            done = [*checkpoint.get("completed", []), key]
            zone.write_checkpoint({"completed": done})
        log.info("extract stopped: %s", stop.reason)
        return ExtractResult(
            walk.fetched,
            walk.seen,
            walk.new,
            page_no,
            stop.complete,
            stop.reason,
            stop.source_failed,
        )
