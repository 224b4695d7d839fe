"""The Prefect flows: extract → raw landing zone → normalize → load → SQL models → marts.

Extraction writes only the raw zone. Everything that touches the warehouse happens in one
transaction, so a failed run leaves it exactly as it was, and the next run redoes the work
from the raw zone."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.extract.http_client import PoliteClient
from flows.extract.walker import ExtractResult, walk_feed
from flows.landing.raw_zone import RawZone
from flows.load.audit import record_run
from flows.load.loader import (
    LoadResult,
    load_staged,
    mirror_checkpoint,
    needs_reprocess,
    normalised_page_hashes,
    pending_fetches,
)
from flows.load.reconcile import reconcile
from flows.load.warehouse import connect, ensure_schema, transaction
from flows.models.runner import (
    BuildResult,
    build_models,
    marts_are_current,
    models_fingerprint,
    record_models_fingerprint,
)
from flows.normalize.reference import Reference
from flows.normalize.stage import StagedBatch, stage_pages
from flows.ops.lock import hold_warehouse
from flows.publish.exports import export_marts
from flows.publish.report import write_report as write_run_report
from flows.settings import Settings, from_environment
from flows.sources import get_source
from flows.summary import RunSummary
from flows.validate.gx_runner import SuiteResult
from flows.validate.marts import validate_marts
from flows.validate.report import record_validations, write_report
from flows.validate.staged import ValidationFailed, ValidationOutcome, validate_staged

T = TypeVar("T")


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@contextmanager
def _timed(summary: RunSummary, stage: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        summary.stage_seconds[stage] = round(time.perf_counter() - started, 3)


@task(name="extract", cache_policy=NO_CACHE)
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
            base_url=settings.base_url,
            run_id=run_id,
            since=settings.since,
            until=settings.until,
            overlap_pages=settings.overlap_pages,
            max_pages=settings.max_pages,
            max_consecutive_403=settings.max_consecutive_403,
            refusal_pause_seconds=settings.refusal_pause_seconds,
        )
    finally:
        client.close()


@task(name="normalize", cache_policy=NO_CACHE)
def normalize(settings: Settings, run_id: str, reprocess: bool) -> StagedBatch:
    source = get_source(settings.source, settings.reference_dir)
    zone = RawZone(settings.raw_dir, source.name)
    with connect(settings.warehouse_path) as con:
        rows = pending_fetches(con, zone, reprocess=reprocess)
        done = set() if reprocess else normalised_page_hashes(con, source.name)
    work = settings.data_dir / "work"
    # Staged batches of crashed runs: their pages are still pending, so nothing is lost.
    for stale in work.glob("*"):
        shutil.rmtree(stale, ignore_errors=True)
    return stage_pages(rows, zone, source, work / run_id, normalised_pages=done)


@task(name="load", cache_policy=NO_CACHE)
def load(
    con, settings: Settings, batch: StagedBatch, reprocess: bool, fingerprint: str
) -> LoadResult:
    return load_staged(
        con, batch, source=settings.source, reprocess=reprocess, reference_fingerprint=fingerprint
    )


@task(name="build-models", cache_policy=NO_CACHE)
def build(con, settings: Settings) -> BuildResult:
    return build_models(con, reference_dir=settings.reference_dir)


@task(name="validate", cache_policy=NO_CACHE)
def validate(settings: Settings, batch: StagedBatch) -> ValidationOutcome:
    return validate_staged(batch, get_source(settings.source, settings.reference_dir))


@task(name="validate-marts", cache_policy=NO_CACHE)
def validate_built(con) -> list[SuiteResult]:
    return validate_marts(con)


@task(name="publish", cache_policy=NO_CACHE)
def publish(con, settings: Settings, run_id: str) -> None:
    """Exports for BI and the HTML report, from the committed warehouse."""
    export_marts(con, settings.exports_dir, run_id)
    write_run_report(con, settings.report_path, run_id)


@dataclass
class _Validations:
    """Suite results gathered during a run, recorded whatever its outcome."""

    staged: list[SuiteResult] = field(default_factory=list)
    marts: list[SuiteResult] = field(default_factory=list)
    quarantined: dict[str, int] = field(default_factory=dict)

    def absorb(self, error: BaseException) -> None:
        if isinstance(error, ValidationFailed):
            target = self.marts if self.staged else self.staged
            target.extend(error.results)

    def count(self, summary: RunSummary) -> None:
        results = self.staged + self.marts
        summary.expectations_evaluated = sum(r.evaluated for r in results)
        summary.expectations_failed = sum(r.failed for r in results)


def _finish(
    settings: Settings,
    summary: RunSummary,
    status: str,
    message: str | None,
    validations: _Validations,
) -> None:
    summary.status = status
    summary.message = message or summary.message
    summary.ended_at = datetime.now(UTC)
    validations.count(summary)
    with connect(settings.warehouse_path) as con:
        record_run(con, summary)
        record_validations(
            con, summary.run_id, "staged", validations.staged, validations.quarantined
        )
        record_validations(con, summary.run_id, "marts", validations.marts)
        if validations.staged or validations.marts:
            write_report(con, settings.warehouse_path.parent / "validation-report.html")
    # The artifact is a courtesy for the Prefect UI; the audit row is the record.
    with suppress(Exception):
        create_markdown_artifact(
            key="readouts-run-summary", markdown=summary.markdown(), description="readouts run"
        )


def _guarded(
    settings: Settings, summary: RunSummary, validations: _Validations, body: Callable[[], T]
) -> T:
    """Runs `body` as the warehouse's only writer, and records the run whatever happens. A
    run that finds another writer raises WarehouseBusy and changes nothing."""
    with hold_warehouse(settings.warehouse_path, run_id=summary.run_id, command=summary.command):
        try:
            result = body()
        except BaseException as error:
            validations.absorb(error)
            _finish(settings, summary, "failed", f"{type(error).__name__}: {error}", validations)
            raise
        return result


@flow(name="readouts-run", log_prints=False)
def run_flow(settings: Settings, command: str = "run") -> RunSummary:
    run_id = new_run_id()
    summary = RunSummary(run_id, command, settings.source, datetime.now(UTC))
    summary.warehouse = str(settings.warehouse_path)
    validations = _Validations()

    def body() -> RunSummary:
        with _timed(summary, "extract"):
            extracted = extract(settings, run_id)
        summary.pages_fetched = extracted.pages_fetched
        summary.entries_new = extracted.entries_new
        summary.stopped_reason = extracted.stopped_reason
        fingerprint = Reference(settings.reference_dir).fingerprint
        with connect(settings.warehouse_path) as con:
            reprocess = settings.reprocess or needs_reprocess(con, fingerprint)
        with _timed(summary, "normalize"):
            batch = normalize(settings, run_id, reprocess)
        with _timed(summary, "validate"):
            outcome = validate(settings, batch)
        validations.staged.extend(outcome.results)
        validations.quarantined.update(outcome.quarantined)
        with connect(settings.warehouse_path) as con:
            ensure_schema(con)
            with transaction(con):
                with _timed(summary, "load"):
                    loaded = load(con, settings, batch, reprocess, fingerprint)
                    mirror_checkpoint(con, RawZone(settings.raw_dir, settings.source))
                models = models_fingerprint(reference_dir=settings.reference_dir)
                unchanged = (
                    loaded.item_versions == 0
                    and loaded.quarantined == 0
                    and not reprocess
                    and marts_are_current(con, models)
                )
                if unchanged:
                    built = BuildResult(0, 0, 0)
                    summary.message = "nothing new: the marts are current and were not rebuilt"
                else:
                    with _timed(summary, "build"):
                        built = build(con, settings)
                    with _timed(summary, "validate_marts"):
                        validations.marts.extend(validate_built(con))
                    record_models_fingerprint(con, models)
            summary.calls = con.execute("SELECT count(*) FROM marts.calls").fetchone()[0]
            landed, loaded_entries, quarantined = reconcile(con, settings.source)
            if not unchanged:
                with _timed(summary, "publish"):
                    publish(con, settings, run_id)
        shutil.rmtree(batch.directory, ignore_errors=True)
        summary.item_versions_loaded = loaded.item_versions
        summary.new_items = loaded.new_items
        summary.new_versions = loaded.new_versions
        summary.quarantined = loaded.quarantined
        summary.models_built = built.models_built
        summary.tests_passed = built.tests_passed
        summary.entries_landed = landed
        summary.entries_loaded = loaded_entries
        summary.entries_quarantined = quarantined
        status = "success" if extracted.complete else "partial"
        _finish(settings, summary, status, None, validations)
        return summary

    return _guarded(settings, summary, validations, body)


@flow(name="readouts-build", log_prints=False)
def build_flow(settings: Settings) -> RunSummary:
    summary = RunSummary(new_run_id(), "build", None, datetime.now(UTC))
    summary.warehouse = str(settings.warehouse_path)
    validations = _Validations(staged=[])

    def body() -> RunSummary:
        with connect(settings.warehouse_path) as con:
            ensure_schema(con)
            with transaction(con), _timed(summary, "build"):
                built = build(con, settings)
                validations.marts.extend(validate_built(con))
                record_models_fingerprint(
                    con, models_fingerprint(reference_dir=settings.reference_dir)
                )
            summary.calls = con.execute("SELECT count(*) FROM marts.calls").fetchone()[0]
            publish(con, settings, summary.run_id)
        summary.models_built = built.models_built
        summary.tests_passed = built.tests_passed
        _finish(settings, summary, "success", None, validations)
        return summary

    return _guarded(settings, summary, validations, body)


@flow(name="readouts-scheduled", log_prints=False)
def scheduled_flow(source: str = "kremlin"):
    """What a deployment runs (`readouts serve`, or a worker of a work pool): settings come
    from the READOUTS_* environment of the process that runs it (job variables, for a pool).

    A run that finds another writer holding the warehouse changed nothing and is not a
    failure: it ends Completed, named "Skipped", with the holder in its message, and the
    next scheduled run catches up. `run_flow.fn` runs the work inside this flow run, so a
    busy warehouse leaves no failed child run behind either."""
    from prefect.states import Completed

    from flows.ops.lock import WarehouseBusy

    try:
        summary = run_flow.fn(from_environment(source=source), command="scheduled")
    except WarehouseBusy as busy:
        return Completed(name="Skipped", message=f"Skipped because the writer was busy: {busy}")
    return "\n".join(summary.lines())
