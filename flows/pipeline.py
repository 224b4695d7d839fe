"""The Prefect flows: extract → raw landing zone → normalize → validate → load → SQL models
→ marts → published warehouse.

Extraction writes only the raw zone. The writer works in a build warehouse that only it
opens: the load is one transaction; then dbt builds the models and runs their tests there
(sql/, with the writer's connection closed). A failed build publishes nothing and leaves
the marts marked as not current, so the next run builds them again. When a
run's models and checks have passed, the build warehouse is published as a fresh read-only
file that analysts and BI tools read, and the exports and the report are written from that
snapshot. Every run is recorded in the run log before anything else, and in audit.runs."""

from __future__ import annotations

import functools
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from flows.extract.http_client import PoliteClient
from flows.extract.walker import Budget, ExtractResult, walk_feed
from flows.landing.raw_zone import RawZone
from flows.load.audit import record_run
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
from flows.load.reconcile import reconcile
from flows.load.warehouse import open_build, transaction
from flows.models.fingerprint import (
    clear_models_fingerprint,
    marts_are_current,
    models_fingerprint,
    record_models_fingerprint,
)
from flows.models.project import BuildResult, DbtPaths
from flows.models.project import build as dbt_build
from flows.models.source_health import run_drifts
from flows.normalize.reference import Reference
from flows.normalize.stage import StagedBatch, stage_pages
from flows.ops import run_log
from flows.ops.disk import unwritable
from flows.ops.failpoints import failpoint
from flows.ops.lock import hold_warehouse
from flows.ops.outcomes import (
    EXIT_BUG,
    EXIT_DRIFT,
    STATUS_EXIT,
    ExpectedFailure,
    WarehouseBusy,
    WarehouseUnwritable,
)
from flows.publish import snapshot
from flows.publish.exports import export_marts, exports_generation
from flows.publish.report import write_report as write_run_report
from flows.settings import ALL_SOURCES, Settings, from_environment
from flows.sources import get_source
from flows.summary import RunSummary, new_run_id
from flows.validate.drift import with_drift
from flows.validate.gx_runner import SuiteResult
from flows.validate.report import calls_to_review, record_validations, write_report
from flows.validate.staged import ValidationFailed, ValidationOutcome, validate_staged

T = TypeVar("T")


@dataclass(frozen=True)
class _Expected:
    failure: ExpectedFailure


def _stage(name: str):
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


@contextmanager
def _timed(summary: RunSummary, stage: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        summary.stage_seconds[stage] = round(time.perf_counter() - started, 3)


@_stage("extract")
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
class _Pending:
    batch: StagedBatch
    set_aside: list[str]
    recovered: int


@_stage("normalize")
def normalize(con, settings: Settings, run_id: str, reprocess: bool) -> _Pending:
    """Pages not loaded yet (every landed page when reprocessing, after listing again the
    page files the manifest lacks), less the pages set aside, normalised into a staged
    batch. Pages due to be set aside are set aside first, in their own transaction."""
    source = get_source(settings.source, settings.reference_dir)
    zone = RawZone(settings.raw_dir, source.name)
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
    return _Pending(batch, set_aside, len(recovered))


@_stage("load")
def load(con, batch: StagedBatch, fingerprint: str) -> LoadResult:
    return load_staged(con, batch, reference_fingerprint=fingerprint)


@_stage("build-models")
def build(settings: Settings) -> BuildResult:
    """`dbt build` on the build warehouse (closed by the caller): every seed, model and test
    is a line in this task's log."""
    logger = get_run_logger()
    return dbt_build(
        settings.build_path,
        DbtPaths(settings.data_dir / "dbt"),
        settings.reference_dir,
        log=logger.info,
    )


@_stage("validate")
def validate(settings: Settings, batch: StagedBatch) -> ValidationOutcome:
    return validate_staged(batch, get_source(settings.source, settings.reference_dir))


@_stage("publish-exports")
def publish_exports(con, settings: Settings, run_id: str, generation: str | None) -> bool:
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
    export_marts(con, settings.exports_dir, run_id, generation)
    write_run_report(con, report, run_id)
    return True


@dataclass
class _Validations:
    """Suite results gathered during a run, recorded whatever its outcome. (The marts'
    invariants are dbt tests beside their models: Great Expectations gates the staged frames.)"""

    staged: list[SuiteResult] = field(default_factory=list)
    quarantined: dict[str, int] = field(default_factory=dict)

    def absorb(self, error: BaseException) -> None:
        if isinstance(error, ValidationFailed):
            self.staged.extend(error.results)

    def count(self, summary: RunSummary) -> None:
        results = self.staged
        summary.expectations_evaluated = sum(r.evaluated for r in results)
        summary.expectations_failed = sum(r.failed for r in results)


def _record(
    con: duckdb.DuckDBPyConnection | None,
    settings: Settings,
    summary: RunSummary,
    validations: _Validations | None,
    *,
    log: bool = True,
) -> None:
    """The run's final state: the run log first (it needs no warehouse; `log=False` leaves
    it for later), then audit.runs, and (once per run) the validation results and the
    validation report."""
    if validations is not None:
        validations.count(summary)
    if log:
        run_log.append(settings.run_log_path, summary)
    if con is None:
        return
    with suppress(duckdb.Error):
        con.execute("ROLLBACK")  # whatever a failure left open
    record_run(con, summary)
    if validations is None:
        return
    record_validations(con, summary.run_id, "staged", validations.staged, validations.quarantined)
    if validations.staged:
        write_report(con, settings.warehouse_path.parent / "validation-report.html")


def _artifact(summary: RunSummary) -> None:
    # A courtesy for the Prefect UI; the run log and the audit row are the record.
    with suppress(Exception):
        create_markdown_artifact(
            key="readouts-run-summary", markdown=summary.markdown(), description="readouts run"
        )


def _finish(summary: RunSummary, status: str, message: str | None = None) -> None:
    summary.status = status
    summary.message = message or summary.message
    summary.ended_at = datetime.now(UTC)
    summary.exit_code = STATUS_EXIT.get(status, 1)


class _Run:
    """One run as the warehouse's only writer: recorded when it starts and when it ends,
    whatever happens in between."""

    def __init__(self, settings: Settings, summary: RunSummary) -> None:
        self.settings = settings
        self.summary = summary
        self.validations = _Validations()
        self.con: duckdb.DuckDBPyConnection | None = None

    def execute(self, body: Callable[[], None]) -> RunSummary:
        """Runs `body`; an expected failure (busy, source, data, warehouse) ends the run with
        its status, message and exit code in the summary; a bug is recorded and raised."""
        settings, summary = self.settings, self.summary
        try:
            with hold_warehouse(
                settings.build_path, run_id=summary.run_id, command=summary.command
            ):
                try:
                    run_log.append(settings.run_log_path, summary)
                    body()
                except ExpectedFailure as error:
                    self._fail(error, error.status, error.exit_code, str(error))
                except BaseException as error:
                    expected = unwritable(error)
                    if expected is None:
                        self._fail(error, "failed", EXIT_BUG, f"{type(error).__name__}: {error}")
                        raise
                    self._fail(expected, expected.status, expected.exit_code, str(expected))
                finally:
                    if self.con is not None:
                        self.con.close()
                        self.con = None
        except (WarehouseBusy, WarehouseUnwritable) as refused:
            # refused before it started (busy, or the lock cannot be written): nothing but
            # the run log can record it, where it can be written
            _finish(summary, refused.status, str(refused))
            summary.exit_code = refused.exit_code
            with suppress(OSError):
                run_log.append(settings.run_log_path, summary)
        _artifact(summary)
        return summary

    def _fail(self, error: BaseException, status: str, exit_code: int, message: str) -> None:
        self.validations.absorb(error)
        if isinstance(error, ValidationFailed):
            message = f"validation failed, nothing was loaded: {error.first_line}"
        _finish(self.summary, status, message)
        self.summary.exit_code = exit_code
        disk = isinstance(error, WarehouseUnwritable)
        if self.con is None and (disk or not isinstance(error, ExpectedFailure)):
            # closed for publishing when it failed: the audit row still belongs there
            with suppress(Exception):
                self.con = open_build(self.settings.build_path, self.settings.warehouse_path)
        try:
            _record(self.con, self.settings, self.summary, self.validations)
        except Exception:
            # the run log line is written first; a warehouse that cannot take the audit row
            # (the reason the run failed, perhaps) must not hide the original error, nor
            # must a full disk that cannot take the run log line either
            if self.con is None and not disk:
                raise

    def open(self) -> duckdb.DuckDBPyConnection:
        # a rebuild starts from the raw zone, never from a copy of the published file
        adopt = self.summary.command != "rebuild"
        self.con = open_build(
            self.settings.build_path, self.settings.warehouse_path, adopt_published=adopt
        )
        run_log.sync_to_audit(self.con, self.settings.run_log_path, self.summary.run_id)
        return self.con

    def build_models(self) -> BuildResult:
        """dbt opens the build warehouse itself, so the writer's connection is closed while
        it runs (everything before is committed) and reopened after, whatever happened: a
        failed build is recorded in audit.runs like any other failure."""
        assert self.con is not None
        self.con.close()
        self.con = None
        try:
            return build(self.settings)
        finally:
            self.con = open_build(self.settings.build_path, self.settings.warehouse_path)

    def publish(self) -> None:
        """Records the run as it stands in audit.runs, then publishes the build warehouse
        when the published file is missing or older (the published file carries this run's
        audit row), then the exports and the report when they are missing or older, then
        records the run's final state, in the run log and audit.runs. Until then the run log
        says the run is running: one killed while publishing is recorded as interrupted by
        the next run, which finishes the job and removes the half-copied file. A failed run
        publishes nothing."""
        settings, summary = self.settings, self.summary
        con = self.con
        assert con is not None
        held = summary.status == "failed" or not settings.publish
        _record(con, settings, summary, self.validations, log=held)
        if held:
            return
        snapshot.remove_leftovers(settings.warehouse_path)
        current = snapshot.generation(con)
        with _timed(summary, "publish"):
            if current is not None and (
                snapshot.published_generation(settings.build_path, settings.warehouse_path)
                != current
            ):
                snapshot.checkpoint_and_close(con)
                self.con = None
                failpoint("publish")
                snapshot.publish(settings.build_path, settings.warehouse_path, current)
                summary.published = True
                self.con = con = open_build(settings.build_path, settings.warehouse_path)
            if settings.warehouse_path.exists():
                summary.published |= publish_exports(con, settings, summary.run_id, current)
        _record(con, settings, summary, None)


def _status(summary: RunSummary, extracted: ExtractResult | None) -> tuple[str, str | None]:
    if extracted is not None and extracted.source_failed:
        return "partial", (
            f"the source did not serve everything: {extracted.stopped_reason}. What was "
            "fetched is loaded; the next run continues from the raw zone"
        )
    if not summary.balanced:
        missing = summary.entries_landed - summary.entries_loaded - summary.entries_quarantined
        return "failed", (
            f"{missing} entries that landed in the raw zone are neither loaded nor "
            "quarantined: their page files are missing (see the warnings). Put the files "
            "back, or land the entries again with `readouts run --since DATE`"
        )
    if summary.item_versions_loaded == 0 and summary.quarantined > 0:
        return "failed", (
            f"every one of the {summary.quarantined} entries this run brought was quarantined: "
            "see staging.stg_quarantine for the reasons; nothing new reached the marts"
        )
    return "success", None


@flow(name="readouts-run", log_prints=False)
def run_flow(settings: Settings, command: str = "run", run_id: str | None = None) -> RunSummary:
    summary = RunSummary(run_id or new_run_id(), command, settings.source, datetime.now(UTC))
    summary.warehouse = str(settings.warehouse_path)
    run = _Run(settings, summary)
    validations = run.validations

    def body() -> None:
        extracted = None
        if settings.extract:
            with _timed(summary, "extract"):
                extracted = extract(settings, summary.run_id)
            summary.pages_fetched = extracted.pages_fetched
            summary.entries_new = extracted.entries_new
            summary.stopped_reason = extracted.stopped_reason
            summary.warnings += list(extracted.stepped_over)
        con = run.open()
        if settings.retry_set_aside:
            retry_set_aside(con, settings.source)
        fingerprint = Reference(settings.reference_dir).fingerprint
        reprocess = (
            settings.reprocess or settings.retry_set_aside or needs_reprocess(con, fingerprint)
        )
        with _timed(summary, "normalize"):
            pending = normalize(con, settings, summary.run_id, reprocess)
        batch = pending.batch
        summary.warnings += pending.set_aside
        summary.warnings += [f"page file missing, skipped: {m}" for m in batch.missing_pages]
        if pending.recovered:
            summary.warnings.append(
                f"{pending.recovered} page files on disk were missing from the manifest and "
                "were listed again"
            )
        try:
            with _timed(summary, "validate"):
                outcome = validate(settings, batch)
        except ValidationFailed as failed:
            with transaction(con):
                record_failures(
                    con,
                    settings.source,
                    set(failed.blamed.values()),
                    summary.run_id,
                    failed.first_line,
                )
            raise
        validations.staged.extend(outcome.results)
        validations.quarantined.update(outcome.quarantined)
        with transaction(con):
            with _timed(summary, "load"):
                loaded = load(con, batch, fingerprint)
                mirror_checkpoint(con, RawZone(settings.raw_dir, settings.source))
            models = models_fingerprint(reference_dir=settings.reference_dir)
            changed = bool(loaded.item_versions or loaded.quarantined or reprocess)
            changed = changed or bool(pending.set_aside) or not marts_are_current(con, models)
            changed = changed or observations_change_versions(con, batch)
            if changed:
                # committed with the load: until dbt has passed, the marts are not current
                clear_models_fingerprint(con)
        if changed:
            with _timed(summary, "build"):
                built = run.build_models()
            con = run.con
            with transaction(con):
                record_models_fingerprint(con, models)
                snapshot.mark_generation(con, summary.run_id)
        else:
            built = BuildResult(0, 0, 0)
            summary.message = "nothing new: the marts are current and were not rebuilt"
        shutil.rmtree(batch.directory, ignore_errors=True)
        summary.calls = con.execute("SELECT count(*) FROM marts.calls").fetchone()[0]
        summary.calls_to_review = calls_to_review(con)
        landed, loaded_entries, quarantined = reconcile(con, settings.source)
        summary.item_versions_loaded = loaded.item_versions
        summary.item_versions_rewritten = loaded.rewritten
        summary.new_items = loaded.new_items
        summary.new_versions = loaded.new_versions
        summary.quarantined = loaded.quarantined
        summary.models_built = built.models_built
        summary.tests_passed = built.tests_passed
        summary.entries_landed = landed
        summary.entries_loaded = loaded_entries
        summary.entries_quarantined = quarantined
        # the run's entries against its source's own history (marts.source_health)
        drifts = run_drifts(con, settings.source, summary.run_id, settings.reference_dir)
        summary.warnings += [drift.line() for drift in drifts]
        status, message = with_drift(*_status(summary, extracted), drifts)
        _finish(summary, status, message)
        run.publish()

    return run.execute(body)


@flow(name="readouts-build", log_prints=False)
def build_flow(settings: Settings, run_id: str | None = None) -> RunSummary:
    summary = RunSummary(run_id or new_run_id(), "build", None, datetime.now(UTC))
    summary.warehouse = str(settings.warehouse_path)
    run = _Run(settings, summary)

    def body() -> None:
        con = run.open()
        models = models_fingerprint(reference_dir=settings.reference_dir)
        with transaction(con):
            clear_models_fingerprint(con)
        with _timed(summary, "build"):
            built = run.build_models()
        con = run.con
        with transaction(con):
            record_models_fingerprint(con, models)
            snapshot.mark_generation(con, summary.run_id)
        summary.calls = con.execute("SELECT count(*) FROM marts.calls").fetchone()[0]
        summary.calls_to_review = calls_to_review(con)
        summary.models_built = built.models_built
        summary.tests_passed = built.tests_passed
        _finish(summary, "success")
        run.publish()

    return run.execute(body)


# Exit codes of failed sources, most serious first: a run over several sources exits with
# the most serious of its sources' codes (0 when every source succeeded); a drift (8) is a
# warning, below every failure.
_SEVERITY = (1, 6, 7, 5, 4, 3, EXIT_DRIFT)


@dataclass
class SourcesSummary:
    """The runs of a flow over several sources, one per source, each isolated: a source
    that fails (unreachable, systemic validation failure, even a bug) does not stop the
    others from loading and publishing."""

    summaries: list[RunSummary]

    @property
    def exit_code(self) -> int:
        codes = {s.exit_code or 0 for s in self.summaries}
        return next((code for code in _SEVERITY if code in codes), 0)

    @property
    def status(self) -> str:
        """'busy' when the only sources that did not run were kept out by another writer:
        like a one-source run, a skip that the next scheduled run catches up on."""
        failed = [s for s in self.summaries if s.exit_code]
        if not failed:
            return "success"
        if all(s.status == "busy" for s in failed):
            return "busy"
        if all(s.status == "warned" for s in failed):
            return "warned"
        return f"{', '.join(str(s.source) for s in failed)} did not succeed"

    @property
    def message(self) -> str:
        return "; ".join(
            f"{s.source}: {s.status}: {s.message}" for s in self.summaries if s.exit_code
        )

    def lines(self) -> list[str]:
        out = []
        for summary in self.summaries:
            out.append(f"== {summary.source}")
            out += summary.lines()
        return out

    def one_line(self) -> str:
        return " | ".join(s.one_line() for s in self.summaries)


@flow(name="readouts-run-sources", log_prints=False)
def run_sources_flow(
    settings: Settings,
    sources: tuple[str, ...] | None = None,
    command: str = "run",
    base_urls: dict[str, str] | None = None,
) -> SourcesSummary:
    """Every source in turn into the one build warehouse (the writer's lock serialises them),
    each with its own raw zone, checkpoint, base URL and feed path (`base_urls`, else
    READOUTS_<SOURCE>_BASE_URL and READOUTS_<SOURCE>_FEED_PATH, else the source's own)."""
    from flows.sources import SOURCE_NAMES

    summaries = []
    for name in sources or SOURCE_NAMES:
        one = settings.for_source(name)
        if base_urls and name in base_urls:
            one = one.with_(base_url=base_urls[name])
        try:
            summaries.append(run_flow.fn(one, command=command))
        except Exception as error:  # a bug in one source: recorded, the others still run
            summary = RunSummary(new_run_id(), command, name, datetime.now(UTC))
            _finish(summary, "failed", f"{type(error).__name__}: {error}")
            summary.exit_code = EXIT_BUG
            run_log.append(settings.run_log_path, summary)
            summaries.append(summary)
    return SourcesSummary(summaries)


@flow(name="readouts-scheduled", log_prints=False)
def scheduled_flow(source: str = ALL_SOURCES):
    """What a deployment runs (`readouts serve`, or a worker of a work pool): settings come
    from the READOUTS_* environment of the process that runs it (job variables, for a pool).
    Prints one line per finished run (the terminal of `readouts serve`, a worker's log).

    A run that did not do its job ends Failed in Prefect with that line as its message. A
    run that finds another writer holding the warehouse changed nothing and is not a
    failure: it ends Completed, named "Skipped", with the holder in its message, and the
    next scheduled run catches up. A run that loaded but drifted from its source's own
    history (exit 8) ends Completed, named "Warned", with one line per drifted measure.
    `run_flow.fn` runs the work inside this flow run, so no child run is left behind either."""
    settings = from_environment(source=source)
    if settings.source == ALL_SOURCES:
        summary = run_sources_flow.fn(settings, command="scheduled")
    else:
        summary = run_flow.fn(settings, command="scheduled")
    print(summary.one_line(), flush=True)
    if summary.status == "busy":
        return Completed(
            name="Skipped", message=f"Skipped because the writer was busy: {summary.message}"
        )
    if summary.exit_code == EXIT_DRIFT:  # loaded and published: a warning, not a failure
        drifted = getattr(summary, "summaries", [summary])
        lines = [w for one in drifted for w in one.warnings if w.startswith("drift: ")]
        return Completed(name="Warned", message="\n".join([summary.one_line(), *lines]))
    if summary.exit_code:
        return Failed(message=summary.one_line())
    return "\n".join(summary.lines())
