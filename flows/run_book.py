"""The bookkeeping of a run, kept out of the flows: the writer's lock, the run log and
audit.runs (a run is recorded when it starts and when it ends, whatever happens between),
the build warehouse's connection, publishing, the run's counts and status, and the
Prefect state that says what the exit code says."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
from prefect.artifacts import create_markdown_artifact
from prefect.context import FlowRunContext
from prefect.exceptions import TerminationSignal
from prefect.states import Completed, Failed, State

from flows import shift_alerts
from flows.extract.walker import ExtractResult
from flows.load.audit import record_run
from flows.load.loader import LoadResult
from flows.load.reconcile import reconcile
from flows.load.warehouse import open_build, transaction
from flows.ops import run_log
from flows.ops.disk import unwritable
from flows.ops.failpoints import failpoint
from flows.ops.lock import hold_warehouse
from flows.ops.logs import project_logger
from flows.ops.outcomes import (
    EXIT_BUG,
    EXIT_DATA,
    EXIT_DRIFT,
    EXIT_INTERRUPTED,
    EXIT_SOURCE,
    SEVERITY,
    STATUS_EXIT,
    ExpectedFailure,
    WarehouseBusy,
    WarehouseUnwritable,
)
from flows.ops.run_log import INTERRUPTED
from flows.publish import snapshot
from flows.settings import Settings
from flows.summary import RunSummary, new_run_id
from flows.tasks import Staged, build_models, publish_exports
from flows.transform.fingerprint import (
    forget_incremental_basis,
    needs_full_refresh,
    record_models_fingerprint,
)
from flows.transform.project import BuildResult
from flows.transform.source_health import run_drifts
from flows.validate.drift import Drift, with_drift
from flows.validate.gx_runner import SuiteResult
from flows.validate.report import calls_to_review, record_validations, write_report
from flows.validate.staged import ValidationFailed, ValidationOutcome

REBUILD = "rebuild"
# commands whose build rebuilds every row of the incremental models
FULL_REFRESH_COMMANDS = (REBUILD, "build")


@dataclass
class Validations:
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


class EndLine:
    """A run's end line in the run log, written once: a run recorded again as it was (a
    failure after its end line, with nothing new to say) writes no second line."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.run_log_path
        self.written: dict | None = None

    def write(self, summary: RunSummary) -> None:
        row = summary.as_row()
        if self.written == row:
            return
        run_log.append(self.path, summary)
        self.written = row


def record(
    con: duckdb.DuckDBPyConnection | None,
    settings: Settings,
    summary: RunSummary,
    validations: Validations | None,
    end_line: EndLine | None,
) -> None:
    """The run's state: its end line in the run log first (it needs no warehouse; None
    leaves it for later), then audit.runs, and (once per run) the validation results and
    report."""
    if validations is not None:
        validations.count(summary)
    if end_line is not None:
        end_line.write(summary)
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


def stopped(error: BaseException) -> bool:
    """A run stopped from outside (Ctrl-C, SIGTERM from a worker or an operator, Prefect
    cancelling it): not a bug."""
    return isinstance(error, KeyboardInterrupt | SystemExit | TerminationSignal)


def interrupted_line(error: BaseException) -> str:
    return (
        f"interrupted ({type(error).__name__}) before it ended: what was committed stays, "
        "nothing half-done is published; the next run continues from the raw zone"
    )


def finish(summary: RunSummary, status: str, message: str | None = None) -> None:
    summary.status = status
    summary.message = message or summary.message
    summary.ended_at = datetime.now(UTC)
    summary.exit_code = STATUS_EXIT.get(status, 1)


def _artifact(summary: RunSummary) -> None:
    # A courtesy for the Prefect UI; the run log and the audit row are the record.
    with suppress(Exception):
        create_markdown_artifact(
            key="readouts-run-summary", markdown=summary.markdown(), description="readouts run"
        )


def source_failed_line(extracted: ExtractResult) -> str:
    """What the source did, once, what the run kept of it, and what happens next: a run
    that fetched nothing new does not claim to have loaded something."""
    reason = extracted.stopped_reason
    if extracted.entries_new:
        line = f"the source did not serve everything: {reason}. What was fetched is loaded"
    else:
        line = f"the source served nothing new: {reason}. Nothing changed"
    return line if "next run" in reason else f"{line}; the next run continues from the raw zone"


def status_of(summary: RunSummary, extracted: ExtractResult | None) -> tuple[str, str | None]:
    """The run's status word and message. A source that failed is exit 4 either way
    (`settle`): 'partial' when the run read some of its feed first, 'failed'
    when it read no page of it (the first page it asked for was refused, unreachable or
    unreadable)."""
    if extracted is not None and extracted.source_failed:
        status = "partial" if extracted.entries_seen else "failed"
        return status, source_failed_line(extracted)
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


def settle(summary: RunSummary, extracted: ExtractResult | None, drifts: list[Drift]) -> None:
    """Ends a run that reached its checks with its status, message and exit code."""
    finish(summary, *with_drift(*status_of(summary, extracted), drifts))
    if extracted is not None and extracted.source_failed:
        summary.exit_code = EXIT_SOURCE  # 'partial' or 'failed': the source's fault either way


class RunBook:
    """One run as the warehouse's only writer."""

    def __init__(self, settings: Settings, command: str, run_id: str | None = None) -> None:
        self.settings = settings
        self.summary = RunSummary(
            run_id or new_run_id(),
            command,
            None if command == "build" else settings.source,
            datetime.now(UTC),
        )
        self.summary.warehouse = str(settings.warehouse_path)
        self.validations = Validations()
        self.end_line = EndLine(settings)
        self.con: duckdb.DuckDBPyConnection | None = None

    @property
    def run_id(self) -> str:
        return self.summary.run_id

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.summary.stage_seconds[stage] = round(time.perf_counter() - started, 3)

    def execute(
        self,
        body: Callable[[], None],
        *,
        started: bool = False,
        alongside: Sequence[RunBook] = (),
    ) -> RunSummary:
        """Runs `body` under the writer's lock; an expected failure (busy, source, data,
        warehouse) ends the run with its status, message and exit code in the summary; a bug
        is recorded and raised. `started`: the run's start line is written already (its
        load ran in an earlier call); `alongside`: the runs whose build and publishing `body`
        does too, which end as this one when it fails."""
        settings, summary = self.settings, self.summary
        try:
            with hold_warehouse(
                settings.build_path, run_id=summary.run_id, command=summary.command
            ):
                try:
                    if not started:
                        run_log.append(settings.run_log_path, summary)
                    body()
                except BaseException as error:
                    if self.fail(error, alongside):
                        raise
                finally:
                    self.close()
        except (WarehouseBusy, WarehouseUnwritable) as refused:
            # refused before it started (busy, or the lock cannot be written): nothing but
            # the run log can record it, where it can be written
            for book in [*alongside, self]:
                book.refused(refused, started)
        for book in [*alongside, self]:
            if book.summary.ended_at is not None:
                _artifact(book.summary)
        return summary

    def refused(self, refused: WarehouseBusy | WarehouseUnwritable, started: bool) -> None:
        summary = self.summary
        finish(summary, refused.status, str(refused))
        summary.exit_code = refused.exit_code
        with suppress(OSError):
            if started:
                run_log.append(self.settings.run_log_path, summary)
            else:
                run_log.append_unstarted(self.settings.run_log_path, summary)

    def fail(self, error: BaseException, alongside: Sequence[RunBook] = ()) -> bool:
        """Ends this run, and the runs `alongside`, with `error`; whether it must be raised
        again (a stop from outside, or a bug)."""
        expected = error if isinstance(error, ExpectedFailure) else unwritable(error)
        if stopped(error):
            ending = (error, INTERRUPTED, EXIT_INTERRUPTED, interrupted_line(error))
        elif expected is None:
            ending = (error, "failed", EXIT_BUG, f"{type(error).__name__}: {error}")
        else:
            ending = (expected, expected.status, expected.exit_code, str(expected))
        self._fail(*ending)
        for book in alongside:
            with self.sharing(book):
                book._fail(*ending)
        return stopped(error) or expected is None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    @contextmanager
    def sharing(self, book: RunBook) -> Iterator[None]:
        """`book`, a run of the same flow over several sources, works on this run's
        connection for a while; one it opened for itself (to record a failure) is closed."""
        if book is self:
            yield
            return
        book.con = self.con
        try:
            yield
        finally:
            if book.con is not None and book.con is not self.con:
                book.con.close()
            book.con = None

    def _fail(self, error: BaseException, status: str, exit_code: int, message: str) -> None:
        self.validations.absorb(error)
        if isinstance(error, ValidationFailed):
            message = f"validation failed, nothing was loaded: {error.first_line}"
        finish(self.summary, status, message)
        self.summary.exit_code = exit_code
        disk = isinstance(error, WarehouseUnwritable)
        if self.con is None and (disk or not isinstance(error, ExpectedFailure)):
            # closed for publishing when it failed: the audit row still belongs there
            with suppress(Exception):
                self.con = open_build(self.settings.build_path, self.settings.warehouse_path)
        try:
            record(self.con, self.settings, self.summary, self.validations, self.end_line)
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

    def build_models(self, models_fingerprint: str) -> BuildResult:
        """dbt opens the build warehouse itself, so the writer's connection is closed while
        it runs (everything before is committed) and reopened after, whatever happened: a
        failed build is recorded in audit.runs like any other failure. A build that passed
        makes the marts current and names this run's generation. `readouts rebuild` and
        `readouts build` rebuild every row; a run, only the items it loaded, unless the
        models or rules changed since the last build that passed."""
        assert self.con is not None
        full_refresh = self.summary.command in FULL_REFRESH_COMMANDS or needs_full_refresh(
            self.con, models_fingerprint
        )
        if full_refresh:
            # a full build killed or failed halfway leaves tables (seeds included) of the
            # rules it was building; the next build must be a full one too, even if those
            # rules are reverted meanwhile (found by review)
            forget_incremental_basis(self.con)
        self.con.close()
        self.con = None
        try:
            with self.timed("build"):
                built = build_models(self.settings, full_refresh)
        finally:
            self.con = open_build(self.settings.build_path, self.settings.warehouse_path)
        with transaction(self.con):
            record_models_fingerprint(self.con, models_fingerprint)
            snapshot.mark_generation(self.con, self.run_id)
        self.announce_shifts()
        self.note_build(built)
        return built

    def note_build(self, built: BuildResult | None, builder: RunBook | None = None) -> None:
        """The build this run's data went into (its own, or the one build of a run over
        several sources, which `builder` ran), or none: nothing changed."""
        if built is None:
            self.summary.message = "nothing new: the marts are current and were not rebuilt"
            return
        self.summary.models_built = built.models_built
        self.summary.tests_passed = built.tests_passed
        if builder is not None and builder is not self:
            self.summary.message = (
                f"the models were built once for every source of this run, in run {builder.run_id}"
            )

    def announce_shifts(self) -> None:
        """Each tone shift not announced before, once (flows/shift_alerts.py)."""
        assert self.con is not None
        new = shift_alerts.announce(
            self.con, self.settings.run_log_path, self.run_id, self.summary.command
        )
        if new:
            announced = self.summary.command in shift_alerts.ANNOUNCING_COMMANDS
            project_logger("shifts").info(
                "%d new tone shift(s) %s", len(new), "announced" if announced else "recorded"
            )

    def note_extract(self, extracted: ExtractResult) -> None:
        summary = self.summary
        summary.pages_fetched = extracted.pages_fetched
        summary.entries_new = extracted.entries_new
        summary.stopped_reason = extracted.stopped_reason
        summary.warnings += list(extracted.stepped_over)

    def note_staged(self, staged: Staged) -> None:
        warnings = self.summary.warnings
        warnings += staged.set_aside
        warnings += [f"page file missing, skipped: {m}" for m in staged.batch.missing_pages]
        if staged.recovered:
            warnings.append(
                f"{staged.recovered} page files on disk were missing from the manifest and "
                "were listed again"
            )

    def note_validation(self, outcome: ValidationOutcome) -> None:
        self.validations.staged.extend(outcome.results)
        self.validations.quarantined.update(outcome.quarantined)

    def count(self, loaded: LoadResult | None = None) -> None:
        """The run's own counts, and the warehouse's totals."""
        con, summary = self.con, self.summary
        assert con is not None
        summary.calls = con.execute("SELECT count(*) FROM marts.calls").fetchone()[0]
        summary.calls_to_review = calls_to_review(con)
        if loaded is None:
            return
        summary.item_versions_loaded = loaded.item_versions
        summary.item_versions_rewritten = loaded.rewritten
        summary.new_items = loaded.new_items
        summary.new_versions = loaded.new_versions
        summary.quarantined = loaded.quarantined
        landed, loaded_entries, quarantined = reconcile(con, self.settings.source)
        summary.entries_landed = landed
        summary.entries_loaded = loaded_entries
        summary.entries_quarantined = quarantined

    def conclude(self, extracted: ExtractResult | None) -> None:
        """The run's status: its source and its entries, then its entries against its
        source's own history (marts.source_health)."""
        assert self.con is not None
        settings = self.settings
        drifts = run_drifts(self.con, settings.source, self.run_id, settings.reference_dir)
        self.summary.warnings += [drift.line() for drift in drifts]
        settle(self.summary, extracted, drifts)

    @property
    def held(self) -> bool:
        """A run whose data failed (exit 5) publishes nothing; one whose source failed (exit
        4, even 'failed' with nothing read) publishes what it loaded from the raw zone."""
        return self.summary.exit_code == EXIT_DATA or not self.settings.publish

    def publish(self, alongside: Sequence[RunBook] = ()) -> None:
        """Records the run (and the runs `alongside`, built with it) as it stands in
        audit.runs, then publishes the build warehouse when the published file is missing or
        older (the published file carries their audit rows), then the exports and the report
        when they are missing or older, then records the runs' final state, in the run log
        and audit.runs. Until then the run log says a run is running: one killed while
        publishing is recorded as interrupted by the next run, which finishes the job and
        removes the half-copied file. A run whose data failed publishes nothing; the others
        publish once, together."""
        settings = self.settings
        con = self.con
        assert con is not None
        books = [*alongside, self]
        publishing = [book for book in books if not book.held]
        if self.summary.command == REBUILD and len(publishing) < len(books):
            publishing = []  # a rebuild publishes every source or nothing
        for book in books:
            end_line = None if book in publishing else book.end_line
            record(con, book.settings, book.summary, book.validations, end_line)
        if not publishing:
            return
        snapshot.remove_leftovers(settings.warehouse_path)
        current = snapshot.generation(con)
        published = False
        with self.timed("publish"):
            if current is not None and (
                snapshot.published_generation(settings.build_path, settings.warehouse_path)
                != current
            ):
                snapshot.checkpoint_and_close(con)
                self.con = None
                failpoint("publish")
                snapshot.publish(settings.build_path, settings.warehouse_path, current)
                published = True
                self.con = con = open_build(settings.build_path, settings.warehouse_path)
            if settings.warehouse_path.exists():
                run_id = publishing[-1].run_id
                published |= publish_exports(con, settings, run_id, current)
        for book in publishing:
            book.summary.published = published
            record(con, book.settings, book.summary, None, book.end_line)


@dataclass
class SourcesSummary:
    """The runs of a flow over several sources, one per source, each isolated: a source
    that fails (unreachable, systemic validation failure, even a bug) does not stop the
    others from loading and publishing."""

    summaries: list[RunSummary]

    @property
    def exit_code(self) -> int:
        codes = {s.exit_code or 0 for s in self.summaries}
        return next((code for code in SEVERITY if code in codes), 0)

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

    @property
    def warnings(self) -> list[str]:
        return [warning for s in self.summaries for warning in s.warnings]

    def lines(self) -> list[str]:
        out = []
        for summary in self.summaries:
            out.append(f"== {summary.source}")
            out += summary.lines()
        return out

    def one_line(self) -> str:
        return " | ".join(s.one_line() for s in self.summaries)


def failed_unexpectedly(settings: Settings, command: str, source: str, error: Exception):
    """A bug in one source of a run over several: recorded, so that the others still run."""
    summary = RunSummary(new_run_id(), command, source, datetime.now(UTC))
    finish(summary, "failed", f"{type(error).__name__}: {error}")
    summary.exit_code = EXIT_BUG
    run_log.append_unstarted(settings.run_log_path, summary)
    return summary


# The summary each flow run of this process ended with, by flow run id. When the server
# answers a final state write with an error (SQLite's "database is locked" under load) after
# committing it, the client's retry is rejected (a terminal state stays) and the engine hands
# back the server's copy of the state, which carries no data. Only the last few are kept:
# a scheduled run served in a long-lived process is never asked for its summary.
_ENDED_WITH: OrderedDict[object, RunSummary | SourcesSummary] = OrderedDict()
_KEEP_ENDED = 16


def state_of(summary: RunSummary | SourcesSummary) -> State:
    """The Prefect state that says what the exit code says: Completed for 0; Completed
        named Skipped for busy (nothing changed; the next run catches up) and Warned for a
        drift (loaded and published); Failed for every failure. A message that is not plain
    success starts with the exit code ("exit 4: ..."), for the alerts. The summary is its data."""
    context = FlowRunContext.get()
    if context is not None and context.flow_run is not None:
        _ENDED_WITH[context.flow_run.id] = summary
        while len(_ENDED_WITH) > _KEEP_ENDED:
            _ENDED_WITH.popitem(last=False)
    line = summary.one_line()
    if summary.status == "busy":
        return Completed(
            name="Skipped",
            message=f"Skipped because the writer was busy: {line}",
            data=summary,
        )
    if summary.exit_code == EXIT_DRIFT:
        drifts = [w for w in summary.warnings if w.startswith("drift: ")]
        message = "\n".join([f"exit {EXIT_DRIFT}: {line}", *drifts])
        return Completed(name="Warned", message=message, data=summary)
    if summary.exit_code:
        return Failed(message=f"exit {summary.exit_code}: {line}", data=summary)
    return Completed(message=line, data=summary)


def summary_of(state: State) -> RunSummary | SourcesSummary:
    """The summary a flow run's final state carries (or, when the engine handed back the
    server's copy of it, the one the flow run ended with); a bug's exception is raised again."""
    kept = _ENDED_WITH.pop(state.state_details.flow_run_id, None)
    if state.data is None and kept is not None:
        return kept
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    return result
