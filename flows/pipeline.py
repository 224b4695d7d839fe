"""The Prefect flows: extract → raw landing zone → normalize → validate → load → SQL models
→ marts → published warehouse. Each flow is a short sequence of tasks (flows/tasks.py);
the run's bookkeeping (lock, run log, audit, publishing, status) is the run book's
(flows/run_book.py).

Extraction writes only the raw zone. The writer works in a build warehouse that only it
opens: the load is one transaction; then dbt builds the models and runs their tests there.
A failed build publishes nothing and leaves the marts marked as not current, so the next
run builds them again. When a run's models and checks have passed, the build warehouse is
published as a fresh read-only file that analysts and BI tools read, and the exports and
the report are written from that snapshot. A run over several sources loads each under a
run of its own, then builds and publishes once for all of them.

Every flow run ends in the Prefect state its exit code means (`state_of`): Completed,
Completed named Skipped (busy) or Warned (drift), or Failed with the run's one line. The
functions `run_flow`, `build_flow` and `run_sources_flow` start a flow run and return its
summary."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass

from prefect import flow
from prefect.states import State

from flows.extract.walker import ExtractResult
from flows.ops.lock import hold_warehouse
from flows.ops.logs import project_logger
from flows.ops.outcomes import WarehouseBusy, WarehouseUnwritable
from flows.run_book import (
    REBUILD,
    RunBook,
    SourcesSummary,
    failed_unexpectedly,
    finish,
    state_of,
    summary_of,
)
from flows.settings import ALL_SOURCES, Settings, from_environment
from flows.sources import SOURCE_NAMES
from flows.summary import RunSummary, new_run_id
from flows.tasks import Loaded, extract, load, normalize, validate
from flows.transform.fingerprint import models_fingerprint


@dataclass
class LoadedSource:
    """A source's run that has loaded, its build and publishing still to do."""

    book: RunBook
    extracted: ExtractResult | None
    loaded: Loaded


def load_source(book: RunBook) -> LoadedSource:
    """Extract (unless rebuilding from the raw zone), normalize, validate and load."""
    settings = book.settings
    extracted = None
    if settings.extract:
        with book.timed("extract"):
            extracted = extract(settings, book.run_id)
        book.note_extract(extracted)
    con = book.open()
    with book.timed("normalize"):
        staged = normalize(con, settings, book.run_id)
    book.note_staged(staged)
    with book.timed("validate"):
        book.note_validation(validate(con, settings, staged.batch, book.run_id))
    with book.timed("load"):
        loaded = load(con, settings, staged)
    shutil.rmtree(staged.batch.directory, ignore_errors=True)
    return LoadedSource(book, extracted, loaded)


def build_and_publish(sources: list[LoadedSource]) -> None:
    """One `dbt build` when any of the sources' loads changed something (a load that did
    marks the marts not current), then each run's counts and drift checks on the built
    marts, then one publish. The last source's run book builds and publishes, on its
    connection; the others' runs record the same build."""
    owner = sources[-1].book
    changed = [source.loaded for source in sources if source.loaded.changed]
    built = owner.build_models(changed[-1].models_fingerprint) if changed else None
    for source in sources:
        with owner.sharing(source.book):
            source.book.note_build(built, owner)
            source.book.count(source.loaded.result)
            source.book.conclude(source.extracted)
    owner.publish([source.book for source in sources[:-1]])


def run_source(settings: Settings, command: str = "run", run_id: str | None = None) -> RunSummary:
    """One source's run, inside whatever flow run calls it."""
    book = RunBook(settings, command, run_id)
    return book.execute(lambda: build_and_publish([load_source(book)]))


def run_sources(
    settings: Settings,
    sources: tuple[str, ...] | None = None,
    command: str = "run",
    base_urls: dict[str, str] | None = None,
    run_id: str | None = None,
) -> SourcesSummary:
    """Every source in turn into the one build warehouse, each with its own run, raw zone,
    checkpoint, base URL and feed path (`base_urls`, else READOUTS_<SOURCE>_BASE_URL and
    READOUTS_<SOURCE>_FEED_PATH, else the source's own); then the models are built once and
    published once, under the last loaded source's run, for every source that loaded, even
    when a later one failed. The writer's lock is held from the first source to the
    publication; when another writer holds it, each source is refused as alone. A rebuild
    publishes every source or nothing: it stops at the first source that failed, and
    readers keep the warehouse as it was."""
    first = run_id or new_run_id()  # the lock names the first source's run
    loaded: list[LoadedSource] = []
    summaries: list[RunSummary] = []
    with _writer(settings, first, command):
        with _ending_loaded_runs(loaded):
            for name in sources or SOURCE_NAMES:
                one = _source_settings(settings, name, base_urls)
                summaries.append(_load_one(one, command, loaded, None if summaries else first))
                if command == REBUILD and summaries[-1].status == "failed":
                    for source in loaded:
                        source.book.settings = source.book.settings.with_(publish=False)
                    break
        if loaded:
            _build_and_publish_together(loaded)
    return SourcesSummary(summaries)


def _build_and_publish_together(loaded: list[LoadedSource]) -> None:
    """The one build and publication, under the last loaded source's run: a failure ends
    every loaded source's run with it."""
    owner = loaded[-1].book

    def together() -> None:
        owner.open()
        build_and_publish(loaded)

    try:
        owner.execute(together, started=True, alongside=[s.book for s in loaded[:-1]])
    except Exception:  # a bug: recorded in every loaded run (exit 1), which the summary carries
        project_logger("run").exception("the build and publishing of the sources failed")


@contextmanager
def _writer(settings: Settings, run_id: str, command: str) -> Iterator[None]:
    """The writer's lock, from the first source's run to the publication. When another
    writer holds it, each source's run is refused (and recorded) as when run alone."""
    with ExitStack() as stack:
        with suppress(WarehouseBusy, WarehouseUnwritable):
            stack.enter_context(hold_warehouse(settings.build_path, run_id=run_id, command=command))
        yield


@contextmanager
def _ending_loaded_runs(loaded: list[LoadedSource]) -> Iterator[None]:
    """A run over several sources stopped from outside (Ctrl-C, SIGTERM) while a source
    runs: the runs of the sources loaded before it end as interrupted too."""
    try:
        yield
    except BaseException as stop:
        if loaded:
            owner = loaded[-1].book
            try:
                owner.fail(stop, [source.book for source in loaded[:-1]])
            finally:
                owner.close()
        raise


def _source_settings(settings: Settings, name: str, base_urls: dict[str, str] | None) -> Settings:
    one = settings.for_source(name)
    if base_urls and name in base_urls:
        one = one.with_(base_url=base_urls[name])
    return one


def _load_one(
    settings: Settings, command: str, loaded: list[LoadedSource], run_id: str | None
) -> RunSummary:
    """One source's run up to its load (appended to `loaded`), or to its failure."""
    book = RunBook(settings, command, run_id)
    try:
        return book.execute(lambda: loaded.append(load_source(book)))
    except Exception as error:  # a bug in one source: recorded, the others still run
        return failed_unexpectedly(settings, command, settings.source, error)


def build_models_only(settings: Settings, run_id: str | None = None) -> RunSummary:
    book = RunBook(settings, "build", run_id)

    def body() -> None:
        book.open()
        book.build_models(models_fingerprint(settings.dbt_project))
        book.count()
        finish(book.summary, "success")
        book.publish()

    return book.execute(body)


@flow(name="readouts-run", log_prints=False)
def readouts_run(settings: Settings, command: str = "run", run_id: str | None = None) -> State:
    return state_of(run_source(settings, command, run_id))


@flow(name="readouts-build", log_prints=False)
def readouts_build(settings: Settings, run_id: str | None = None) -> State:
    return state_of(build_models_only(settings, run_id))


@flow(name="readouts-run-sources", log_prints=False)
def readouts_run_sources(
    settings: Settings,
    sources: tuple[str, ...] | None = None,
    command: str = "run",
    base_urls: dict[str, str] | None = None,
    run_id: str | None = None,
) -> State:
    return state_of(run_sources(settings, sources, command, base_urls, run_id))


@flow(name="readouts-scheduled", log_prints=False)
def scheduled_flow(source: str = ALL_SOURCES) -> State:
    """What a deployment runs (`readouts serve`, or a worker of a work pool): settings come
    from the READOUTS_* environment of the process that runs it (job variables, for a pool).
    Prints one line per finished run (the terminal of `readouts serve`, a worker's log) and
    ends in the state its exit code means: Failed for a run that did not do its job,
    Completed named Skipped for a writer busy elsewhere (nothing changed; the next run
    catches up), Completed named Warned for a drift, with one line per drifted measure.
    The work runs inside this flow run, so no child run is left behind."""
    settings = from_environment(source=source)
    if settings.source == ALL_SOURCES:
        summary = run_sources(settings, command="scheduled")
    else:
        summary = run_source(settings, command="scheduled")
    say(summary.one_line())
    return state_of(summary)


def say(line: str) -> None:
    """The run's one line on its standard output (serve's terminal, a worker's log). A
    worker stopped alone leaves its run to finish with that output closed: the run's state
    must not turn on a line nobody can read."""
    with suppress(OSError):
        print(line, flush=True)


def run_flow(settings: Settings, command: str = "run", run_id: str | None = None) -> RunSummary:
    """One source's run as a flow run of its own; returns its summary."""
    return summary_of(readouts_run(settings, command, run_id, return_state=True))


def build_flow(settings: Settings, run_id: str | None = None) -> RunSummary:
    """`dbt build` on what is loaded, then publish, as a flow run of its own."""
    return summary_of(readouts_build(settings, run_id, return_state=True))


def run_sources_flow(
    settings: Settings,
    sources: tuple[str, ...] | None = None,
    command: str = "run",
    base_urls: dict[str, str] | None = None,
    run_id: str | None = None,
) -> SourcesSummary:
    """Every source in turn, as one flow run; returns their summaries."""
    return summary_of(
        readouts_run_sources(settings, sources, command, base_urls, run_id, return_state=True)
    )
