"""Fault cases: a feed served on 127.0.0.1 with a fault injected, run through the real
flow, and the promises checked: the run finishes or stops cleanly with a clear message,
every item served intact is in the warehouse exactly once, what was damaged is quarantined
or fetched again by the next run, and the raw zone keeps what was fetched."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from flows.demo.atom_pages import FeedItem, paginate, render_page
from flows.demo.server import FeedServer, Reply, feed_paths
from flows.landing.raw_zone import RawZone
from flows.settings import Settings
from flows.sources.kremlin.source import KremlinSource

FEED = KremlinSource.feed_path
PAGE_2 = f"{FEED}/page/2"


def item(number: int, **changes) -> FeedItem:
    day = date.fromordinal(date(2022, 12, 31).toordinal() - number)
    stamp = f"{day.isoformat()}T12:00:00+04:00"
    fields = dict(
        item_id=str(7000 - number),
        title=f"Meeting number {number}",
        published=stamp,
        updated=stamp,
        lead="The President held a meeting.",
        paragraphs=["The budget was discussed."],
    )
    fields.update(changes)
    return FeedItem(**fields)


def standard_items(count: int = 45) -> list[FeedItem]:
    return [item(n) for n in range(count)]


@dataclass
class Outcome:
    case: str
    passed: bool
    detail: str
    served: int
    in_warehouse: int
    quarantined: int
    lost: int = 0  # served intact, yet neither in the warehouse nor quarantined


@dataclass
class FaultCase:
    name: str
    description: str
    # run number → the items served in that run (newest first)
    feeds: Callable[[int], list[FeedItem]] = lambda run: standard_items()
    # (run number, request count for this path, path) → a faulty reply, or None
    fault: Callable[[int, int, str], Reply | None] = lambda run, count, path: None
    runs: int = 1
    # item ids expected in quarantine, with a phrase of the reason
    quarantined: dict[str, str] = field(default_factory=dict)
    # phrases the first run's message or stop reason must contain
    first_run_says: tuple[str, ...] = ()
    raw_pages: Callable[[int], dict[str, bytes]] | None = None  # pages written verbatim
    versions: dict[str, int] = field(default_factory=dict)  # item id → versions expected
    text_has: tuple[str, str] | None = None  # (item id, phrase its text must contain)
    exit_codes: tuple[int, ...] | None = None  # each run's exit code, when it matters
    options: dict = field(default_factory=dict)  # settings for every run (e.g. since)


def _pages(case: FaultCase, run: int) -> dict[str, bytes]:
    if case.raw_pages is not None:
        return case.raw_pages(run)
    return feed_paths(paginate(case.feeds(run)), FEED)


def run_case(case: FaultCase, data_dir: Path) -> Outcome:
    from flows.pipeline import run_flow

    settings = Settings(
        source="kremlin",
        base_url="http://unused",
        data_dir=data_dir,
        pause_seconds=0,
        timeout_seconds=1.0,
        max_retries=2,
        backoff_seconds=0.01,
        max_retry_after_seconds=2.0,
        refusal_pause_seconds=0,
    ).with_(**case.options)
    results = []
    served: set[str] = set()
    for run in range(case.runs):
        counts: dict[str, int] = {}

        def responder(path: str, run: int = run, counts: dict[str, int] = counts):
            counts[path] = counts.get(path, 0) + 1
            return case.fault(run, counts[path], path)

        pages = _pages(case, run)
        served |= {e.item_id for e in case.feeds(run) if e.item_id}
        with FeedServer(pages, responder) as server:
            try:
                results.append(run_flow(settings.with_(base_url=server.base_url)))
            except Exception as error:
                results.append(error)
    return _check(case, settings, results, served)


def _check(case: FaultCase, settings: Settings, results: list, served: set[str]) -> Outcome:
    problems = []
    first = results[0]
    said = (
        str(first)
        if isinstance(first, Exception)
        else " ".join(filter(None, [first.stopped_reason, first.message]))
    )
    for phrase in case.first_run_says:
        if phrase not in said:
            problems.append(f"the first run did not say {phrase!r} (it said {said!r})")
    if case.exit_codes is not None:
        codes = tuple(getattr(result, "exit_code", None) for result in results)
        if codes != case.exit_codes:
            problems.append(f"the runs exited {codes}, not {case.exit_codes}")
    last = results[-1]
    if isinstance(last, Exception):
        problems.append(f"the last run failed: {last}")
    elif not last.balanced:
        problems.append("entries landed != loaded + quarantined")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        latest = dict(
            con.execute(
                "select item_id, count(*) from intermediate.int_latest_item_versions group by 1"
            ).fetchall()
        )
        versions = dict(
            con.execute(
                "select item_id, count(*) from staging.stg_item_versions group by 1"
            ).fetchall()
        )
        text = dict(
            con.execute(
                "select item_id, text from intermediate.int_latest_item_versions"
            ).fetchall()
        )
        hostile_links = con.execute(
            "select count(*) from marts.calls where not regexp_matches(url, '^https?://')"
        ).fetchone()[0]
        quarantine = dict(
            con.execute(
                "select coalesce(item_id, '-'), string_agg(reason, ' | ') "
                "from staging.stg_quarantine group by 1"
            ).fetchall()
        )
    if hostile_links:
        problems.append(f"{hostile_links} calls in marts.calls link to something not http(s)")
    intact = served - set(case.quarantined)
    lost = intact - set(latest) - set(quarantine)
    if set(latest) != intact:
        missing, extra = sorted(intact - set(latest))[:5], sorted(set(latest) - intact)[:5]
        problems.append(
            f"warehouse items differ from those served intact: missing {missing}, "
            f"unexpected {extra}"
        )
    if any(count != 1 for count in latest.values()):
        problems.append("an item appears more than once")
    for item_id, expected in case.versions.items():
        if versions.get(item_id) != expected:
            problems.append(f"item {item_id} has {versions.get(item_id)} versions, not {expected}")
    for item_id, phrase in case.quarantined.items():
        if phrase not in quarantine.get(item_id, ""):
            problems.append(
                f"item {item_id} not quarantined for {phrase!r}: {quarantine.get(item_id)}"
            )
    if case.text_has and case.text_has[1] not in text.get(case.text_has[0], ""):
        problems.append(
            f"item {case.text_has[0]} text lacks {case.text_has[1]!r}: "
            f"{text.get(case.text_has[0], '')[:80]!r}"
        )
    zone = RawZone(settings.raw_dir, "kremlin")
    missing_files = [
        r.path for r in zone.manifest() if r.path and not (zone.root / r.path).exists()
    ]
    if missing_files:
        problems.append(f"raw pages missing from the landing zone: {missing_files[:3]}")
    return Outcome(
        case.name,
        not problems,
        "; ".join(problems) or "ok",
        len(served),
        len(latest),
        len(quarantine),
        len(lost),
    )


def _once(path_wanted: str, reply: Reply, times: int = 1, run: int = 0):
    def fault(run_no: int, count: int, path: str) -> Reply | None:
        return reply if run_no == run and path == path_wanted and count <= times else None

    return fault


def _truncated_page(run: int) -> dict[str, bytes]:
    pages = feed_paths(paginate(standard_items()), FEED)
    if run == 0:
        pages[PAGE_2] = pages[PAGE_2][: len(pages[PAGE_2]) // 2]
    return pages


def _invalid_page(run: int) -> dict[str, bytes]:
    pages = feed_paths(paginate(standard_items()), FEED)
    if run == 0:
        pages[PAGE_2] = pages[PAGE_2].replace(b"</entry>", b"</entri>", 1)
    return pages


def _curly_items(run: int = 0) -> list[FeedItem]:
    return [item(n, lead="The President’s “meeting” took place.") for n in range(20)]


def _wrong_encoding(run: int) -> dict[str, bytes]:
    body = render_page(_curly_items(), page_no=1, last_page=1)
    return {FEED: body.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1)}


def _empty_feed(run: int) -> dict[str, bytes]:
    return {FEED: render_page([], page_no=1, last_page=1)}


def _missing_fields(run: int) -> list[FeedItem]:
    items = standard_items()
    items[3] = item(3, title=None)
    items[7] = item(7, published=None)
    items[11] = item(11, lead="", paragraphs=[])
    return items


def _duplicates(run: int) -> list[FeedItem]:
    items = standard_items(40)
    return [*items[:20], items[5], *items[20:]]  # item 5 again, first entry of page 2


def _edited(run: int) -> list[FeedItem]:
    items = standard_items()
    if run == 1:
        items[25] = item(25, updated="2023-01-02T10:00:00+04:00", paragraphs=["Corrected."])
    return items


def _stale_copy_on_page_2(run: int) -> list[FeedItem]:
    items = standard_items(40)
    # a cache's older body of item 5, with the same stamps, first on page 2
    return [*items[:20], item(5, paragraphs=["A stale body."]), *items[20:]]


def _huge(run: int) -> list[FeedItem]:
    items = standard_items()
    items[4] = item(4, paragraphs=["A very long paragraph. " * 500] * 1000)  # ~11 MB
    return items


def _malformed_then_fixed(run: int) -> dict[str, bytes]:
    """Run 0: one entry's <id> is no URL (a parser raised on it). Run 1: the site fixed it
    and published two more items."""
    items = standard_items(40) if run == 0 else [item(-2), item(-1), *standard_items(40)]
    pages = feed_paths(paginate(items), FEED)
    if run == 0:
        pages[FEED] = pages[FEED].replace(
            b"<id>http://en.kremlin.ru/events/president/news/6995</id>",
            b"<id>http://[en.kremlin.ru/events/president/news/6995</id>",
        )
    return pages


def _missing_then_fixed_items(run: int) -> list[FeedItem]:
    return standard_items(40) if run == 0 else [item(-2), item(-1), *standard_items(40)]


def _invalid_byte(run: int) -> dict[str, bytes]:
    pages = feed_paths(paginate(standard_items(40)), FEED)
    pages[FEED] = pages[FEED].replace(b"Meeting number 3<", b"Meeting number \xff3<", 1)
    return pages


def _hostile_links(run: int) -> list[FeedItem]:
    items = standard_items(40)
    items[2] = item(2, host="javascript://en.kremlin.ru/%0aalert(document.domain)//")
    return items


def _broken_page_2(run: int) -> dict[str, bytes]:
    pages = feed_paths(paginate(standard_items(60)), FEED)
    pages[PAGE_2] = b"<html>a maintenance page</html>"
    return pages


_REQUESTS = itertools.count()


def _restamped(run: int, count: int, path: str) -> Reply | None:
    """Every page number answers page 1, each <updated> stamped anew at each request."""
    tick = next(_REQUESTS)
    stamp = f"2023-01-01T{tick // 3600 % 24:02d}:{tick // 60 % 60:02d}:{tick % 60:02d}+04:00"
    items = [item(n, updated=stamp) for n in range(20)]
    return Reply(200, render_page(items, page_no=1, last_page=99))


CASES = [
    FaultCase(
        "429_retry_after",
        "429 with Retry-After on page 2, then the page",
        fault=_once(PAGE_2, Reply(429, b"slow down", {"Retry-After": "1"})),
    ),
    FaultCase(
        "403_burst",
        "two 403s on page 2, then the page",
        fault=_once(PAGE_2, Reply(403, b"forbidden"), times=2),
    ),
    FaultCase(
        "403_refusal",
        "page 2 refused three times: a clean stop, resumed next run",
        fault=_once(PAGE_2, Reply(403, b"forbidden"), times=3),
        runs=2,
        first_run_says=("refused 3 requests in a row (403) at page 2",),
    ),
    FaultCase(
        "500_and_503",
        "500 then 503 on page 1, then the page",
        fault=lambda run, count, path: (
            Reply(500 if count == 1 else 503, b"down")
            if run == 0 and path == FEED and count <= 2
            else None
        ),
    ),
    FaultCase(
        "timeout",
        "page 2 hangs longer than the client's timeout once",
        fault=_once(PAGE_2, Reply(200, b"", delay_seconds=2.5)),
    ),
    FaultCase(
        "reset_mid_body",
        "page 2 cut off mid-body once",
        fault=lambda run, count, path: (
            Reply(200, feed_paths(paginate(standard_items()), FEED)[PAGE_2], cut_after=300)
            if run == 0 and path == PAGE_2 and count == 1
            else None
        ),
    ),
    FaultCase(
        "truncated_xml",
        "page 2 truncated XML (a short 200): kept, quarantined, refetched",
        raw_pages=_truncated_page,
        feeds=lambda run: standard_items(),
        runs=2,
        first_run_says=("is not a readable feed",),
    ),
    FaultCase(
        "invalid_xml",
        "page 2 not well-formed: kept, quarantined, refetched",
        raw_pages=_invalid_page,
        feeds=lambda run: standard_items(),
        runs=2,
        first_run_says=("not well-formed",),
    ),
    FaultCase(
        "missing_fields",
        "entries without title, date or text",
        feeds=_missing_fields,
        quarantined={
            "6997": "<title> is missing",
            "6993": "<published> is missing",
            "6989": "hold no text",
        },
    ),
    FaultCase("same_entry_on_two_pages", "an entry repeated on the next page", feeds=_duplicates),
    FaultCase(
        "edited_between_runs",
        "an entry edited between two runs",
        feeds=_edited,
        runs=2,
        versions={"6975": 2},
    ),
    FaultCase(
        "entry_of_10_mb",
        "one entry of about 11 MB",
        feeds=_huge,
        quarantined={"6996": "over the 2 MB limit"},
    ),
    FaultCase(
        "wrong_declared_encoding",
        "UTF-8 bytes declared ISO-8859-1",
        raw_pages=_wrong_encoding,
        feeds=_curly_items,
        text_has=("7000", "The President’s “meeting” took place."),
    ),
    FaultCase("empty_feed", "a feed with no entries", raw_pages=_empty_feed, feeds=lambda run: []),
    FaultCase(
        "malformed_entry_then_fixed",
        "an entry whose <id> makes the URL parser raise, fixed by the site a run later",
        raw_pages=_malformed_then_fixed,
        feeds=_missing_then_fixed_items,
        runs=2,
        exit_codes=(0, 0),
    ),
    FaultCase(
        "transient_404_mid_backfill",
        "page 4 of 6 answers 404 once during a backfill, though page 3 links it",
        feeds=lambda run: standard_items(120),
        fault=_once(f"{FEED}/page/4", Reply(404, b"not found")),
        runs=2,
        options={"since": date(2020, 1, 1)},
        first_run_says=("answered 404 although it is linked as next",),
        exit_codes=(4, 0),
    ),
    FaultCase(
        "page_restamped_on_every_request",
        "every page number answers page 1, its dates changed at each request",
        feeds=lambda run: [item(n) for n in range(20)],
        fault=lambda run, count, path: _restamped(run, count, path),
        first_run_says=("no entry that this walk has not already seen",),
        exit_codes=(4,),
    ),
    FaultCase(
        "invalid_utf8_byte",
        "one byte that is not UTF-8 in one item: the page and the item load",
        raw_pages=_invalid_byte,
        feeds=lambda run: standard_items(40),
        text_has=("6997", "The President held a meeting."),
        exit_codes=(0,),
    ),
    FaultCase(
        "javascript_link",
        "an entry whose id and link are javascript: URLs on the site's host",
        feeds=_hostile_links,
        quarantined={"6998": "not an http or https link"},
    ),
    FaultCase(
        "page_unreadable_for_good",
        "page 2 is a maintenance page in every run: stepped over in the third",
        raw_pages=_broken_page_2,
        feeds=lambda run: [i for n, i in enumerate(standard_items(60)) if not 20 <= n < 40],
        runs=3,
        first_run_says=("is not a readable feed",),
        exit_codes=(4, 4, 0),
    ),
    FaultCase(
        "stale_copy_on_a_later_page",
        "an older body of an entry, same <updated>, on the next page: page order wins",
        feeds=_stale_copy_on_page_2,
        versions={"6995": 2},
        text_has=("6995", "The budget was discussed."),
    ),
]
