"""The Prefect tasks of a run, one per layer: extract → normalize → validate → load → build
the models → publish the exports. Each does its layer's work; what a run records about
them is the run book's (flows/run_book.py)."""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.extract.http_client import PoliteClient
from flows.extract.walker import Budget, ExtractResult, walk_feed
from flows.landing.raw_zone import RawZone
from flows.load.loader import (
    LoadResult,
    load_staged,
    mirror_checkpoint,
    needs_reprocess,
    normalised_page_hashes,
    observations_change_versions,
    pending_fetches,
)
from flows.load.page_failures import (
    record_failures,
    retry_set_aside,
    set_aside_due,
    set_aside_shas,
)
from flows.load.warehouse import transaction
from flows.normalize.reference import Reference
from flows.normalize.stage import StagedBatch, stage_pages
from flows.ops.memory import release_freed_memory
from flows.ops.outcomes import ExpectedFailure
from flows.publish.exports import export_marts, exports_generation
from flows.settings import Settings
from flows.sources import get_source
from flows.transform.fingerprint import (
    clear_models_fingerprint,
    forget_incremental_basis,
    marts_are_current,
    models_fingerprint,
)
from flows.transform.project import BuildResult, DbtPaths
from flows.transform.project import build as dbt_build
from flows.validate.staged import ValidationFailed, ValidationOutcome, validate_staged


@dataclass(frozen=True)
class _Expected:
    failure: ExpectedFailure


def quiet_task(name: str):
    """A Prefect task whose expected failures (validation, models, data tests) travel back
    as values and are raised again in the flow: an operator gets the run's one-line message,
    not Prefect's traceback of a failed task run."""

    def decorate(fn):
        @task(name=name, cache_policy=NO_CACHE)
        @functools.wraps(fn)
        def as_task(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except ExpectedFailure as failure:
                return _Expected(failure)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            result = as_task(*args, **kwargs)
            if isinstance(result, _Expected):
                raise result.failure
            return result

        return call

    return decorate


@quiet_task("extract")
def extract(settings: Settings, run_id: str) -> ExtractResult:
    source = get_source(settings.source, settings.reference_dir)
    client = PoliteClient(
        user_agent=settings.user_agent,
        timeout_seconds=settings.timeout_seconds,
        pause_seconds=settings.pause_seconds,
        retries=settings.max_retries,
        backoff_seconds=settings.backoff_seconds,
        max_retry_after=settings.max_retry_after_seconds,
    )
    try:
        return walk_feed(
            source,
            client,
            RawZone(settings.raw_dir, source.name),
            base_url=settings.base_url or source.default_base_url,
            feed_path=settings.feed_path,
            run_id=run_id,
            since=settings.since,
            until=settings.until,
            overlap_pages=settings.overlap_pages,
            max_pages=settings.max_pages,
            max_consecutive_403=settings.max_consecutive_403,
            refusal_pause_seconds=settings.refusal_pause_seconds,
            budget=Budget(
                settings.page_budget or source.page_budget,
                settings.byte_budget_mb * 1_000_000
                if settings.byte_budget_mb
                else source.byte_budget,
            ),
            max_page_failures=settings.max_page_failures,
        )
    finally:
        client.close()


@dataclass
class Staged:
    """The normaliser's staged batch, and what the run must know of how it was made."""

    batch: StagedBatch
    set_aside: list[str]  # one line per page set aside in this run
    recovered: int  # page files on disk listed again in the manifest
    reprocess: bool
    reference_fingerprint: str


@quiet_task("normalize")
def normalize(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> Staged:
    """Pages not loaded yet (every landed page when reprocessing, after listing again the
    page files the manifest lacks), less the pages set aside, normalised into a staged
    batch. Pages due to be set aside are set aside first, in their own transaction."""
    source = get_source(settings.source, settings.reference_dir)
    zone = RawZone(settings.raw_dir, source.name)
    if settings.retry_set_aside:
        retry_set_aside(con, source.name)
    fingerprint = Reference(settings.reference_dir).fingerprint
    reprocess = settings.reprocess or settings.retry_set_aside
    reprocess = reprocess or needs_reprocess(con, fingerprint)
    recovered = []
    if reprocess:
        recovered = zone.recover_unlisted(
            lambda body: [(e.entry_id or "", e.entry_sha) for e in source.parse_page(body).entries],
            run_id,
        )
    rows = pending_fetches(con, zone, reprocess=reprocess)
    with transaction(con):
        set_aside = set_aside_due(con, zone, rows, settings.max_page_failures)
    skipped = set_aside_shas(con, source.name)
    rows = [row for row in rows if row.sha256 not in skipped or row.status != 200]
    done = set() if reprocess else normalised_page_hashes(con, source.name)
    work = settings.data_dir / "work"
    # Staged batches of crashed runs: their pages are still pending, so nothing is lost.
    for stale in work.glob("*"):
        shutil.rmtree(stale, ignore_errors=True)
    batch = stage_pages(rows, zone, source, work / run_id, normalised_pages=done)
    return Staged(batch, set_aside, len(recovered), reprocess, fingerprint)


@quiet_task("validate")
def validate(
    con: duckdb.DuckDBPyConnection, settings: Settings, batch: StagedBatch, run_id: str
) -> ValidationOutcome:
    """The staged batch through the expectation suites; a systemic failure counts a failed
    run against the pages it blames (set aside after several) and loads nothing. What
    validation freed goes back to the system before the load and the build grow DuckDB's
    memory (flows/ops/memory.py)."""
    try:
        return validate_staged(batch, get_source(settings.source, settings.reference_dir))
    except ValidationFailed as failed:
        with transaction(con):
            blamed = set(failed.blamed.values())
            record_failures(con, settings.source, blamed, run_id, failed.first_line)
        raise
    finally:
        if batch.pages_normalised:  # nothing validated, nothing freed: no full collection
            release_freed_memory()


@dataclass(frozen=True)
class Loaded:
    result: LoadResult
    models_fingerprint: str
    # the marts must be built again (something loaded, rules changed, or not current)
    changed: bool


@quiet_task("load")
def load(con: duckdb.DuckDBPyConnection, settings: Settings, staged: Staged) -> Loaded:
    """The staged batch into raw.* in one transaction, with the backfill checkpoint. When
    the marts must be built again, they are marked not current in the same transaction,
    until dbt has passed."""
    with transaction(con):
        loaded = load_staged(con, staged.batch, reference_fingerprint=staged.reference_fingerprint)
        mirror_checkpoint(con, RawZone(settings.raw_dir, settings.source))
        models = models_fingerprint(settings.dbt_project)
        changed = bool(loaded.item_versions or loaded.quarantined or staged.reprocess)
        changed = changed or bool(staged.set_aside) or not marts_are_current(con, models)
        changed = changed or bool(loaded.unloaded)
        changed = changed or observations_change_versions(con, staged.batch)
        if changed:
            clear_models_fingerprint(con)
        else:  # the marts are current: the items of pages merely read again wait for nothing
            con.execute("DELETE FROM raw.pending_items")
        # every page normalised again, or loaded entries quarantined (whose counterparts
        # are gone from raw.*): the next build rebuilds every row
        if staged.reprocess or loaded.unloaded:
            forget_incremental_basis(con)
    return Loaded(loaded, models, changed)


@quiet_task("build-models")
def build_models(settings: Settings, full_refresh: bool = False) -> BuildResult:
    """`dbt build` on the build warehouse (closed by the caller): every seed, model and test
    is a line in this task's log. Incremental unless `full_refresh`."""
    return dbt_build(
        settings.build_path,
        DbtPaths(settings.data_dir / "dbt"),
        settings.dbt_project,
        log=get_run_logger().info,
        full_refresh=full_refresh,
    )


@quiet_task("publish-exports")
def publish_exports(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, generation: str | None
) -> bool:
    """The exports and the report, from the build warehouse just published (the same bytes
    as the published file), when they are missing or older than it. Reading the build
    rather than the published file keeps the writer away from what readers hold open."""
    report = settings.report_path
    published = settings.warehouse_path
    if (
        exports_generation(settings.exports_dir) == generation
        and report.exists()
        and published.exists()
        and report.stat().st_mtime >= published.stat().st_mtime
    ):
        return False
    # The report's charts (altair) cost ~0.3 s to import: only a run that rewrites the
    # report pays it, not every run that finds nothing new.
    from flows.publish.report import write_report

    export_marts(con, settings.exports_dir, run_id, generation)
    write_report(con, report, run_id)
    return True
