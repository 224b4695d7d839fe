"""Walks a source's feed pages, landing each page in the raw zone.

- Incremental (default): from the newest page until a page holds nothing new, re-reading
  at least `overlap_pages` pages, so that readouts edited after publication are caught.
- Every walk is bounded: it stops, as a source failure, when a page repeats one already
  read in this walk, when a page brings no entry id this walk has not seen (whatever its
  dates say: a site that answers every page number with page 1, stamped anew on every
  request, would otherwise be walked for ever), or when it has read its budget of pages or
  bytes (the source's own, sized from the real site; settings override them).
- Absence is not the end: a 404 ends the feed only where the page before it did not itself
  link a next page (RSS, where a 404 past the last page is how the feed ends). A 404 on
  a linked page, like any other failed or unreadable page, stops the walk as a source
  failure, retried next run; a page that fails in `max_page_failures` runs in a row is
  stepped over (recorded, and reported as a warning), so no one page stops a source for
  good.
- Backfill (`since`, optionally `until`): walk back until entries are older than `since` or
  the pages end. With `until`, the first page to read is found by a search over page
  numbers instead of reading every newer page. An interrupted walk leaves a checkpoint
  (the next page to read); the next walk over the same range resumes there, and an
  interrupted incremental walk is resumed by the next incremental one. A range is marked
  covered only when the walk reached `since` or a page the feed declares last.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date

from flows.core.feed import AtomPage, FeedPageError
from flows.core.source import Source
from flows.extract.http_client import PoliteClient
from flows.landing.raw_zone import RawZone
from flows.ops.failpoints import failpoint
from flows.ops.logs import project_logger

log = project_logger("extract")


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
    # pages that failed in too many runs in a row and were stepped over, one line each
    stepped_over: tuple[str, ...] = ()


class _Stop(Exception):
    def __init__(self, reason: str, complete: bool, source_failed: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.complete = complete
        self.source_failed = source_failed


class _PageFailed(Exception):
    """One page could not be read (an HTTP failure after retries, a 404 where a page was
    linked, a body that is not a feed): a source failure, unless it keeps failing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NotFound(Exception):
    """The page answered 404."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@dataclass(frozen=True)
class Budget:
    """How much one walk may read: 25 years of the Kremlin's feed are ~1,750 pages."""

    pages: int
    bytes: int


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
    budget: Budget
    feed_path: str | None = None
    known: set[tuple[str, str]] = field(default_factory=set)
    fetched: int = 0
    seen: int = 0
    new: int = 0
    dates: dict[int, tuple[str, str]] = field(default_factory=dict)  # page → (oldest, newest)
    searched: dict[int, tuple[AtomPage, int]] = field(default_factory=dict)
    page_digests: dict[str, int] = field(default_factory=dict)  # page body sha → page number
    walked: set[str] = field(default_factory=set)  # entry ids seen in this walk
    bytes_read: int = 0

    def read(self, page_no: int) -> tuple[AtomPage, int]:
        """Fetch, land and parse one page; returns it with its count of new entries. A page
        read earlier in the same walk (by the search) is not fetched again."""
        if page_no in self.searched:
            return self.searched.pop(page_no)
        refusals = 0
        while True:
            self._check_budget()
            url = self.source.page_url(self.base_url, page_no, self.feed_path)
            fetch = self.client.get(url)
            self.fetched += 1
            self.bytes_read += len(fetch.body)
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
            self.zone.store(fetch, run_id=self.run_id, page_no=page_no, error="404 Not Found")
            raise _NotFound(url)
        if not fetch.ok:
            problem = fetch.error or f"HTTP {fetch.status}"
            self.zone.store(fetch, run_id=self.run_id, page_no=page_no, error=problem)
            raise _PageFailed(f"page {page_no} ({url}) failed after retries: {problem}")
        try:
            page = self.source.parse_page(fetch.body)
        except Exception as error:  # whatever a parser raises, the page is unreadable
            problem = error if isinstance(error, FeedPageError) else repr(error)
            self.zone.store(fetch, run_id=self.run_id, page_no=page_no, error=str(problem))
            raise _PageFailed(
                f"page {page_no} ({url}) is not a readable feed: {problem}. It is kept in the "
                "raw zone and quarantined"
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
        ids = {entry.entry_id or entry.entry_sha for entry in page.entries}
        if ids and ids <= self.walked:
            raise _Stop(
                f"page {page_no} ({url}) brings no entry that this walk has not already seen "
                "(whatever their dates say): the site's pagination is broken. What was read "
                "is loaded",
                False,
                source_failed=True,
            )
        self.walked.update(ids)
        fresh = {key for key in keys if key not in self.known}
        self.known.update(fresh)
        self.seen += len(keys)
        self.new += len(fresh)
        published = sorted(e.published[:10] for e in page.entries if e.published)
        if published:
            self.dates[page_no] = (published[0], published[-1])
        return page, len(fresh)

    def _check_budget(self) -> None:
        if self.max_pages is not None and self.fetched >= self.max_pages:
            raise _Stop(f"stopped after the page limit ({self.max_pages} pages)", False)
        over = None
        if self.fetched >= self.budget.pages:
            over = f"{self.fetched} pages, its budget of {self.budget.pages}"
        elif self.bytes_read >= self.budget.bytes:
            over = f"{self.bytes_read / 1e6:.1f} MB, its budget of {self.budget.bytes / 1e6:.0f} MB"
        if over:
            raise _Stop(
                f"the walk read {over} (READOUTS_PAGE_BUDGET, READOUTS_BYTE_BUDGET_MB): the "
                "site may be inventing pages. What was read is loaded; check the site, or "
                "raise the budget for a longer backfill",
                False,
                source_failed=True,
            )

    def failing_runs(self, page_no: int) -> int:
        """Runs in a row, this one included, in which page `page_no` failed (the raw zone's
        record; by number, not URL, so that a changed base URL does not reset the count)."""
        runs: set[str] = set()
        for row in self.zone.manifest():
            if row.page_no != page_no:
                continue
            if row.status == 200 and row.error is None:
                runs.clear()
            elif row.status != 403:
                runs.add(row.run_id)
        return len(runs | {self.run_id})

    def oldest(self, page_no: int) -> str | None:
        return self.dates.get(page_no, (None, None))[0]

    def find_first_page_up_to(self, until: date) -> int:
        """The first page holding entries published on or before `until`: pages run newest
        first, so probe 1, 2, 4, 8... until one reaches back that far, then bisect."""
        target = until.isoformat()

        def reaches(page_no: int) -> bool:
            try:
                self.searched[page_no] = self.read(page_no)
            except _NotFound:
                return True  # past the last page
            except _PageFailed as failed:
                raise _Stop(failed.reason, False, source_failed=True) from failed
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


@dataclass
class _Checkpoint:
    """Where the next walk over the same range resumes (the raw zone's checkpoint.json):
    a backfill's next page under its range, an incremental walk's under a key of its own,
    and the ranges completed."""

    zone: RawZone
    key: list[str | None] | None  # [since, until] of a backfill; None for an incremental walk
    state: dict
    resume: int = 0

    @classmethod
    def open(cls, zone: RawZone, since: date | None, until: date | None) -> _Checkpoint:
        state = zone.read_checkpoint()
        key = [since.isoformat(), until.isoformat() if until else None] if since else None
        if key is None:
            return cls(zone, None, state, state.get(_INCREMENTAL, 0))
        return cls(zone, key, state, state.get("next_page", 0) if state.get("range") == key else 0)

    def save(self, next_page: int | None) -> None:
        if self.key is None:
            state = {k: v for k, v in self.state.items() if k != _INCREMENTAL}
            if next_page is not None:
                state[_INCREMENTAL] = next_page
        else:
            state = {k: v for k, v in self.state.items() if k in ("completed", _INCREMENTAL)}
            if next_page is not None:
                state.update(range=self.key, next_page=next_page)
        self.state = state
        self.zone.write_checkpoint(state)

    def complete(self) -> None:
        self.save(None)
        if self.key is not None:
            self.state["completed"] = [*self.state.get("completed", []), self.key]
            self.zone.write_checkpoint(self.state)

    def take_resume(self) -> int:
        page_no, self.resume = self.resume, 0
        log.info("resuming the interrupted walk at page %d", page_no)
        return page_no


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
    budget: Budget | None = None,
    max_page_failures: int = 3,
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
        budget or Budget(source.page_budget, source.byte_budget),
        feed_path=feed_path,
        known=zone.landed_entry_keys(),
    )
    if since is not None and _covered(zone.read_checkpoint(), since, until):
        log.info("an earlier backfill already covered %s .. %s", since, until)
        since = until = None
    checkpoint = _Checkpoint.open(zone, since, until)
    page_no, stepped_over = 1, []
    declared_next = True  # the page before page 1 is the site's promise that the feed exists
    try:
        if since is not None and until is not None:
            page_no = checkpoint.resume or walk.find_first_page_up_to(until)
        while True:
            try:
                page, fresh = walk.read(page_no)
            except (_NotFound, _PageFailed) as problem:
                failure = _as_failure(problem, page_no, declared_next)
                page_no = _step_over(walk, page_no, failure, max_page_failures, stepped_over)
            else:
                declared_next = page.next_is_declared
                page_no = _next_page(walk, page_no, page, fresh, since, overlap_pages, checkpoint)
            checkpoint.save(page_no)
    except _Stop as stop:
        if stop.complete:
            checkpoint.complete()
        log.info("extract stopped: %s", stop.reason)
        return ExtractResult(
            walk.fetched,
            walk.seen,
            walk.new,
            page_no,
            stop.complete,
            stop.reason,
            stop.source_failed,
            tuple(stepped_over),
        )


_INCREMENTAL = "incremental_next_page"


def _as_failure(problem: Exception, page_no: int, declared_next: bool) -> _PageFailed:
    """A 404 ends the feed only where the page before did not itself link a next page."""
    if not isinstance(problem, _NotFound):
        assert isinstance(problem, _PageFailed)
        return problem
    if page_no > 1 and not declared_next:
        raise _Stop(f"page {page_no} does not exist (404): the feed ends there", True)
    linked = "the feed's first page" if page_no == 1 else "linked as next"
    return _PageFailed(f"page {page_no} ({problem.url}) answered 404 although it is {linked}")


def _next_page(
    walk: _Walk,
    page_no: int,
    page: AtomPage,
    fresh: int,
    since: date | None,
    overlap_pages: int,
    checkpoint: _Checkpoint,
) -> int:
    """The page to read after `page_no`; raises _Stop where the walk is done."""
    if not page.entries:
        raise _Stop(f"page {page_no} holds no entries: the feed ends there", True)
    if since is None:
        if not fresh and page_no >= overlap_pages:
            if checkpoint.resume > page_no:
                return checkpoint.take_resume()
            raise _Stop(f"page {page_no} holds nothing new", True)
    elif (walk.oldest(page_no) or "9999") < since.isoformat():
        raise _Stop(f"page {page_no} reaches entries older than {since}", True)
    if not page.has_next:
        raise _Stop(f"page {page_no} is the last page", True)
    if since is not None and not fresh and checkpoint.resume > page_no + 1:
        log.info("resuming the backfill at page %d", checkpoint.resume)
        return checkpoint.resume
    return page_no + 1


def _step_over(
    walk: _Walk, page_no: int, failure: _PageFailed, limit: int, stepped_over: list[str]
) -> int:
    """The next page to read after a failed one: a failure stops the walk (the next run
    tries the page again) until the page has failed in `limit` runs in a row; then it is
    stepped over, so that one page never stops a source for good."""
    if page_no == 1:
        raise _Stop(
            f"{failure.reason}: check the site and --base-url (or --feed-path); the next run "
            "tries again",
            False,
            source_failed=True,
        )
    runs = walk.failing_runs(page_no)
    if runs < limit:
        raise _Stop(
            f"{failure.reason}; the next run tries it again (failed in {runs} run(s) in a "
            f"row; stepped over after {limit})",
            False,
            source_failed=True,
        )
    stepped_over.append(
        f"{failure.reason}: failed in {runs} runs in a row, stepped over (it stays in the "
        "raw zone's manifest)"
    )
    return page_no + 1
