"""Landed feed pages → Polars frames: one row per item version, per call counterpart,
per sentence, and one per entry or page that cannot be loaded (quarantine)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from flows.core.feed import AtomEntry, FeedPageError
from flows.core.records import ItemRecord, Rejection
from flows.core.source import Source
from flows.landing.raw_zone import ManifestRow
from flows.normalize.sentences import split_sentences

ITEM_SCHEMA = {
    "source": pl.String,
    "item_id": pl.String,
    "entry_sha": pl.String,
    "fetch_id": pl.String,
    "url": pl.String,
    "title": pl.String,
    "published_raw": pl.String,
    "updated_raw": pl.String,
    "lead": pl.String,
    "body": pl.String,
    "text": pl.String,
    "kind": pl.String,
    "language": pl.String,
    "initiated_by": pl.String,
    "initiative_evidence": pl.String,
}
COUNTERPART_SCHEMA = {
    "source": pl.String,
    "item_id": pl.String,
    "entry_sha": pl.String,
    "counterpart_no": pl.Int32,
    "counterpart_name": pl.String,
    "office": pl.String,
    "country_code": pl.String,
    "country_name": pl.String,
    "organisation": pl.String,
}
SENTENCE_SCHEMA = {
    "source": pl.String,
    "item_id": pl.String,
    "entry_sha": pl.String,
    "sentence_no": pl.Int32,
    "paragraph_no": pl.Int32,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "sentence_text": pl.String,
    # what a source's rules match instead of the text (Sentence.match_text), and where each
    # of its space-separated tokens stands in the sentence; NULL for the others
    "match_text": pl.String,
    "match_token_starts": pl.List(pl.Int32),
    "match_token_ends": pl.List(pl.Int32),
}
PAGE_SCHEMA = {
    "fetch_id": pl.String,
    "url": pl.String,
    "entries": pl.Int32,
    "entries_without_content": pl.Int32,
    "unknown_elements": pl.String,
}
QUARANTINE_SCHEMA = {
    "source": pl.String,
    "entry_sha": pl.String,
    "fetch_id": pl.String,
    "raw_path": pl.String,
    "item_id": pl.String,
    "entry_position": pl.Int32,
    "reason": pl.String,
}
REVIEW_SCHEMA = {
    "source": pl.String,
    "item_id": pl.String,
    "entry_sha": pl.String,
    "review_reason": pl.String,
    "detail": pl.String,
}


@dataclass(frozen=True)
class NormalizedBatch:
    items: pl.DataFrame
    counterparts: pl.DataFrame
    sentences: pl.DataFrame
    quarantine: pl.DataFrame
    pages: pl.DataFrame


def _with_instants(
    items: pl.DataFrame, clock_time_zone: str, offsets_are_true: bool = False
) -> pl.DataFrame:
    """The feed's clock is local time in `clock_time_zone`; its UTC offset label is not
    trusted (the Kremlin's says +04:00 although Moscow has been UTC+3 since 2014) unless
    the source says its offsets are true (the White House's)."""

    def instant(column: str) -> pl.Expr:
        if offsets_are_true:
            return pl.col(column).str.to_datetime(
                "%Y-%m-%dT%H:%M:%S%:z", strict=False, time_zone="UTC"
            )
        return (
            pl.col(column)
            .str.slice(0, 19)
            .str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False)
            .dt.replace_time_zone(clock_time_zone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
        )

    return items.with_columns(
        published_at=instant("published_raw"),
        updated_at=instant("updated_raw"),
        published_date_local=pl.col("published_raw")
        .str.slice(0, 10)
        .str.to_date("%Y-%m-%d", strict=False),
    )


def normalize_pages(
    pages: Iterable[tuple[ManifestRow, bytes]],
    source: Source,
    seen: set[tuple[str, str]] | None = None,
) -> NormalizedBatch:
    """`seen` carries the entries already normalised by earlier chunks of the same run."""
    items: list[dict] = []
    counterparts: list[dict] = []
    sentences: list[dict] = []
    quarantine: list[dict] = []
    pages_seen: list[dict] = []
    seen = set() if seen is None else seen
    for row, body in pages:
        try:
            page = source.parse_page(body)
        except Exception as error:  # whatever a parser raises on one page is that page's
            reason = f"page {row.url} is unreadable: {_described(error)}"
            quarantine.append(_quarantined(row, row.sha256 or row.fetch_id, None, None, reason))
            continue
        pages_seen.append(
            {
                "fetch_id": row.fetch_id,
                "url": row.url,
                "entries": len(page.entries),
                "entries_without_content": page.entries_without_content,
                "unknown_elements": ",".join(page.unknown_elements),
            }
        )
        results = [_read_entry(source, entry, page.language) for entry in page.entries]
        for result in _contradictions(results):
            if isinstance(result, Rejection):
                quarantine.append(
                    _quarantined(
                        row, result.entry_sha, result.item_id, result.entry_position, result.reason
                    )
                )
                continue
            key = (result.item_id, result.entry_sha)
            if key in seen:
                continue
            seen.add(key)
            _collect(result, row.fetch_id, items, counterparts, sentences)
    item_frame = _with_instants(
        pl.DataFrame(items, schema=ITEM_SCHEMA),
        source.clock_time_zone,
        getattr(source, "offsets_are_true", False),
    )
    return NormalizedBatch(
        items=item_frame,
        counterparts=pl.DataFrame(counterparts, schema=COUNTERPART_SCHEMA),
        sentences=pl.DataFrame(sentences, schema=SENTENCE_SCHEMA),
        quarantine=pl.DataFrame(quarantine, schema=QUARANTINE_SCHEMA),
        pages=pl.DataFrame(pages_seen, schema=PAGE_SCHEMA),
    )


def _read_entry(source: Source, entry: AtomEntry, language: str | None) -> ItemRecord | Rejection:
    """One entry read by its source; anything the source raises on it (a date out of range,
    a URL that cannot be parsed) is that entry's problem: it is quarantined with the
    message, and the rest of its page loads."""
    try:
        return source.read_entry(entry, language)
    except Exception as error:
        return Rejection(
            source.name,
            entry.entry_sha,
            None,
            entry.position,
            f"entry {entry.entry_id or entry.position} could not be read: {_described(error)}",
        )


def _described(error: BaseException) -> str:
    if isinstance(error, FeedPageError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _contradictions(results: list[ItemRecord | Rejection]) -> list[ItemRecord | Rejection]:
    """One page holding the same item twice with different bodies contradicts itself: which
    one is current cannot be told, so every body of that item goes to quarantine (each kept
    in the raw page, at its position) instead of one winning by chance."""
    bodies: dict[str, set[str]] = {}
    for result in results:
        if isinstance(result, ItemRecord):
            bodies.setdefault(result.item_id, set()).add(result.entry_sha)
    contradicted = {item_id for item_id, shas in bodies.items() if len(shas) > 1}
    if not contradicted:
        return results
    return [
        Rejection(
            result.source,
            result.entry_sha,
            result.item_id,
            None,
            f"the page holds {len(bodies[result.item_id])} different bodies for item "
            f"{result.item_id}: all are kept in quarantine (see the raw page) until the "
            "source serves one",
        )
        if isinstance(result, ItemRecord) and result.item_id in contradicted
        else result
        for result in results
    ]


def _quarantined(
    row: ManifestRow,
    entry_sha: str,
    item_id: str | None,
    entry_position: int | None,
    reason: str,
) -> dict:
    return {
        "source": row.source,
        "entry_sha": entry_sha,
        "fetch_id": row.fetch_id,
        "raw_path": row.path,
        "item_id": item_id,
        "entry_position": entry_position,
        "reason": reason,
    }


def _collect(
    record: ItemRecord,
    fetch_id: str,
    items: list[dict],
    counterparts: list[dict],
    sentences: list[dict],
) -> None:
    key = {"source": record.source, "item_id": record.item_id, "entry_sha": record.entry_sha}
    text = record.text
    items.append(
        {
            **key,
            "fetch_id": fetch_id,
            "url": record.url,
            "title": record.title,
            "published_raw": record.published_raw,
            "updated_raw": record.updated_raw,
            "lead": record.lead,
            "body": record.body,
            "text": text,
            "kind": record.kind,
            "language": record.language,
            "initiated_by": record.initiated_by,
            "initiative_evidence": record.initiative_evidence,
        }
    )
    for number, counterpart in enumerate(record.counterparts, start=1):
        counterparts.append(
            {
                **key,
                "counterpart_no": number,
                "counterpart_name": counterpart.name,
                "office": counterpart.office,
                "country_code": counterpart.country_code,
                "country_name": counterpart.place.name
                if counterpart.place and counterpart.place.country_code
                else None,
                "organisation": counterpart.organisation,
            }
        )
    for number, sentence in enumerate(record.sentences or split_sentences(text), start=1):
        sentences.append(
            {
                **key,
                "sentence_no": number,
                "paragraph_no": sentence.paragraph_no,
                "char_start": sentence.start,
                "char_end": sentence.end,
                "sentence_text": sentence.text,
                "match_text": sentence.match_text,
                "match_token_starts": [start for start, _ in sentence.token_spans]
                if sentence.match_text is not None
                else None,
                "match_token_ends": [end for _, end in sentence.token_spans]
                if sentence.match_text is not None
                else None,
            }
        )
