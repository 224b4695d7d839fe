"""Validates the normaliser's staged batch before anything touches the warehouse.

Hard failures (and row or review failures over their systemic share) raise
ValidationFailed: nothing is loaded, and the pages the failing rows came from are named so
that a page failing run after run can be set aside instead of blocking every later page.
Row-level failures move the offending item versions (with their counterparts and
sentences) to the staged quarantine with the reason, the raw file and the item id; review
failures stay loaded and are listed for review. Everything else loads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import polars as pl

from flows.core.source import Source
from flows.normalize.batch import REVIEW_SCHEMA
from flows.normalize.stage import StagedBatch
from flows.ops.outcomes import DataFailure
from flows.validate.gx_runner import Failure, SuiteResult, run_suite
from flows.validate.suites import (
    CALL_KINDS,
    HARD,
    ITEM_KEY,
    REVIEW,
    ROW,
    SYSTEMIC_MIN_ROWS,
    Suite,
    staged_suites,
)


class ValidationFailed(DataFailure):
    """A hard expectation failed: the batch is unusable and nothing was loaded."""

    def __init__(self, results: list[SuiteResult], blamed: dict[str, str] | None = None) -> None:
        self.results = results
        # fetch id → page sha256 of the pages the failing rows came from
        self.blamed = blamed or {}
        hard = [f for r in results for f in r.failures if f.severity == HARD]
        lines = "\n  ".join(f.describe() for f in hard)
        super().__init__(
            "validation failed, nothing was loaded (the warehouse is unchanged); the pages "
            "stay in the raw zone and are tried again, and a page that fails in every run is "
            f"set aside after a few runs:\n  {lines}"
        )

    @property
    def first_line(self) -> str:
        hard = [f for r in self.results for f in r.failures if f.severity == HARD]
        return hard[0].describe() if hard else str(self)


@dataclass(frozen=True)
class ValidationOutcome:
    results: list[SuiteResult]
    quarantined: dict[str, int]  # suite → item versions moved to quarantine
    flagged: dict[str, int] = field(default_factory=dict)  # suite → item versions for review


REPLACEMENT = "\ufffd"


def _scan(batch: StagedBatch, table: str) -> pl.LazyFrame:
    return pl.scan_parquet(batch.files(table))


def _frames(batch: StagedBatch, source: Source) -> dict[str, pl.DataFrame]:
    # Lengths stand in for the texts (the suites check that texts are not empty), computed
    # by Polars' streaming engine: a copy of every text of a large backfill, in Polars and
    # again in pandas, would cost gigabytes.
    items_scan = _scan(batch, "items")
    columns = items_scan.collect_schema().names()
    lengths = []
    if "text" in columns:
        # U+FFFD stands where the feed had bytes that are not UTF-8 (flows/normalize/atom.py)
        replaced = pl.col("text").str.contains(REPLACEMENT, literal=True) | pl.col(
            "title"
        ).str.contains(REPLACEMENT, literal=True)
        lengths = [
            pl.col("text").str.len_chars().alias("text_length"),
            replaced.fill_null(False).alias("bytes_replaced"),
        ]
    items = items_scan.select(
        [c for c in columns if c not in ("text", "lead", "body", "initiative_evidence")] + lengths
    ).collect(engine="streaming")
    counterparts = batch.frame("counterparts")
    counts = counterparts.group_by(list(ITEM_KEY)).agg(
        pl.len().cast(pl.Int32).alias("counterpart_count")
    )
    items = (
        items.join(counts, on=list(ITEM_KEY), how="left")
        .join(_sentence_offsets(batch), on=list(ITEM_KEY), how="left")
        .with_columns(
            pl.col("counterpart_count").fill_null(0),
            pl.col("sentence_offsets_ok").fill_null(True),
            is_call=pl.col("kind").is_in(CALL_KINDS),
            title_looks_like_call=pl.col("title").map_elements(
                source.title_looks_like_call, return_dtype=pl.Boolean
            ),
        )
    )
    counterparts = counterparts.with_columns(
        resolved_as=pl.coalesce("country_code", "organisation")
    )
    sentences_scan = _scan(batch, "sentences")
    sentence_columns = sentences_scan.collect_schema().names()
    # A backfill has millions of sentences: one 64-bit hash stands in for the four-column
    # key, and item ids become a categorical, so that the pandas view stays small.
    derived = []
    if "item_id" in sentence_columns:
        derived.append(pl.col("item_id").cast(pl.Categorical))
    key = [*ITEM_KEY, "sentence_no"]
    if set(key) <= set(sentence_columns):
        derived.append(pl.struct(key).hash().alias("sentence_key"))
    if "sentence_text" in sentence_columns:
        derived.append(pl.col("sentence_text").str.len_chars().alias("sentence_length"))
    # a source's match text (lemmas) is for the SQL rules, not for validation
    kept = [
        c
        for c in sentence_columns
        if c not in (*ITEM_KEY, "sentence_text") and not c.startswith("match_")
    ]
    sentences = sentences_scan.select(kept + derived).collect(engine="streaming")
    return {
        "fetches": batch.frame("fetches"),
        "pages": batch.frame("pages"),
        "items": items,
        "calls": items.filter(pl.col("is_call")),
        "counterparts": counterparts,
        "sentences": sentences,
    }


def _sentence_offsets(batch: StagedBatch) -> pl.DataFrame:
    """Per item version: whether every sentence's offsets point at the sentence's own text
    in the item's text (evidence is shown and traced by them). Chunk by chunk: the
    normaliser writes an item and its sentences to chunks of the same name, and a whole
    backfill's texts joined to its sentences would not fit in memory."""
    key = list(ITEM_KEY)
    wanted = {*key, "text", "char_start", "char_end", "sentence_text"}
    frames = [
        pl.DataFrame(schema={**dict.fromkeys(key, pl.String), "sentence_offsets_ok": pl.Boolean})
    ]
    for items_file in batch.files("items"):
        sentences_file = batch.directory / "sentences" / items_file.name
        items = pl.scan_parquet(items_file)
        sentences = pl.scan_parquet(sentences_file) if sentences_file.exists() else None
        if sentences is None or not wanted <= {
            *items.collect_schema().names(),
            *sentences.collect_schema().names(),
        }:
            continue  # a vanished column is the column checks' failure, not this one's
        frames.append(
            sentences.select(*key, "char_start", "char_end", "sentence_text")
            .join(items.select(*key, "text"), on=key, how="left")
            .group_by(key)
            .agg(
                (
                    pl.col("text").str.slice(
                        pl.col("char_start"), pl.col("char_end") - pl.col("char_start")
                    )
                    == pl.col("sentence_text")
                )
                .fill_null(False)
                .all()
                .alias("sentence_offsets_ok")
            )
            .collect()
        )
    return pl.concat(frames, how="vertical_relaxed")


def _needed(frame: pl.DataFrame, suite: Suite) -> pl.DataFrame:
    """Only the columns the suite reads (its checks, their row conditions, the ids)."""
    wanted = set(suite.id_columns)
    for check in suite.checks:
        for key in ("column", "column_A", "column_B"):
            if key in check.kwargs:
                wanted.add(check.kwargs[key])
        wanted.update(check.kwargs.get("column_list", []))
        wanted.update(re.findall(r"[a-z_]+", check.kwargs.get("row_condition", "")))
    return frame.select([c for c in frame.columns if c in wanted])


def _row_failures(results: list[SuiteResult]) -> dict[tuple, list[Failure]]:
    """Item key → the row-level failures that condemn it."""
    condemned: dict[tuple, list[Failure]] = {}
    for result in results:
        for failure in result.failures:
            if failure.severity != ROW:
                continue
            for failed_id in failure.failed_ids:
                condemned.setdefault(tuple(failed_id[: len(ITEM_KEY)]), []).append(failure)
    return condemned


def _move_to_quarantine(batch: StagedBatch, condemned: dict[tuple, list[Failure]]) -> None:
    keys = pl.DataFrame(
        [dict(zip(ITEM_KEY, key, strict=True)) for key in condemned],
        schema={column: pl.String for column in ITEM_KEY},
    )
    items = batch.frame("items")
    fetches = batch.frame("fetches").select("fetch_id", "raw_path")
    moved = (
        items.join(keys, on=list(ITEM_KEY), how="semi")
        .join(fetches, on="fetch_id", how="left")
        .select(
            "source",
            "entry_sha",
            "fetch_id",
            "raw_path",
            "item_id",
            pl.lit(None, dtype=pl.Int32).alias("entry_position"),
            pl.struct(list(ITEM_KEY))
            .map_elements(
                lambda key: "; ".join(
                    f"{f.suite}: {f.why}" for f in condemned[tuple(key[c] for c in ITEM_KEY)]
                ),
                return_dtype=pl.String,
            )
            .alias("reason"),
        )
    )
    for table in ("items", "counterparts", "sentences"):
        batch.replace(table, batch.frame(table).join(keys, on=list(ITEM_KEY), how="anti"))
    quarantine = batch.frame("quarantine")
    batch.replace("quarantine", pl.concat([quarantine, moved.select(quarantine.columns)]))


def _escalate(results: list[SuiteResult], suites: tuple[Suite, ...]) -> list[SuiteResult]:
    """Row and review failures over their check's systemic share become hard."""
    shares = {
        (suite.name, check.why): check.systemic_share
        for suite in suites
        for check in suite.checks
        if check.systemic_share is not None
    }
    escalated = []
    for result in results:
        failures = []
        for failure in result.failures:
            share = shares.get((failure.suite, failure.why))
            if (
                failure.severity != HARD
                and share is not None
                and failure.unexpected_count >= SYSTEMIC_MIN_ROWS
                and failure.share > share
            ):
                failure = replace(
                    failure,
                    severity=HARD,
                    why=f"{failure.why} [systemic: {failure.share:.0%} of {failure.element_count} "
                    f"rows fail, over the {share:.0%} threshold]",
                )
            failures.append(failure)
        escalated.append(replace(result, failures=failures))
    return escalated


def _blamed_pages(results: list[SuiteResult], frames: dict[str, pl.DataFrame]) -> dict[str, str]:
    """The pages (fetch id → sha256) that hard failures came from; every page of the batch
    when a failure names no rows (a column that vanished)."""
    fetches = frames["fetches"]
    items = frames["items"]
    blamed: set[str] = set()
    for result in results:
        for failure in result.failures:
            if failure.severity != HARD:
                continue
            if not failure.failed_ids:
                blamed.update(frames["pages"]["fetch_id"].to_list())
                continue
            for failed in failure.failed_ids:
                if failure.suite in ("raw_manifest", "raw_pages"):
                    blamed.add(str(failed[0]))
                    continue
                item_id = failed[1] if len(failed) > 2 else failed[0]
                blamed.update(items.filter(pl.col("item_id") == str(item_id))["fetch_id"].to_list())
    shas = dict(zip(fetches["fetch_id"].to_list(), fetches["sha256"].to_list(), strict=True))
    return {fetch_id: shas.get(fetch_id) or "" for fetch_id in sorted(blamed)}


def _flag_for_review(
    batch: StagedBatch, results: list[SuiteResult], suites: tuple[Suite, ...]
) -> dict[str, int]:
    reasons = {
        (suite.name, check.why): check.review_reason or f"{suite.name}_check"
        for suite in suites
        for check in suite.checks
    }
    flags = [
        {
            **dict(zip(ITEM_KEY, failed[: len(ITEM_KEY)], strict=True)),
            "review_reason": reasons.get((failure.suite, failure.why), f"{failure.suite}_check"),
            "detail": failure.why,
        }
        for result in results
        for failure in result.failures
        if failure.severity == REVIEW
        for failed in failure.failed_ids
    ]
    frame = pl.DataFrame(flags, schema=REVIEW_SCHEMA).unique(
        subset=[*ITEM_KEY, "review_reason"], keep="first", maintain_order=True
    )
    batch.replace("review", pl.concat([batch.frame("review"), frame]))
    return {suite: count for suite, count in frame.group_by("review_reason").len().iter_rows()}


def validate_staged(batch: StagedBatch, source: Source) -> ValidationOutcome:
    if batch.pages_normalised == 0:
        return ValidationOutcome([], {})  # nothing new to validate (and GE is not imported)
    frames = _frames(batch, source)
    suites = staged_suites()
    results = [run_suite(suite, _needed(frames[suite.table], suite)) for suite in suites]
    results = _escalate(results, suites)
    if any(f.severity == HARD for r in results for f in r.failures):
        raise ValidationFailed(results, _blamed_pages(results, frames))
    flagged = _flag_for_review(batch, results, suites)
    condemned = _row_failures(results)
    if condemned:
        _move_to_quarantine(batch, condemned)
    per_suite: dict[str, int] = {}
    for failures in condemned.values():
        for suite in {f.suite for f in failures}:
            per_suite[suite] = per_suite.get(suite, 0) + 1
    return ValidationOutcome(results, per_suite, flagged)
