"""A run over several sources loads each under its own run, then builds the models once and
publishes once, under the last loaded source's run, for every source that loaded, whatever
became of the sources after it (flows/pipeline.py). Here the run books are real and the
warehouse a real DuckDB file, but the loads and dbt are stand-ins: what is checked is which
run builds, publishes and records what. The real flow: tests/flows/test_demo_flow.py,
tests/flows/test_whitehouse_flow.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pytest

import flows.pipeline as pipeline
import flows.run_book as run_book
from flows.load.loader import LoadResult
from flows.load.warehouse import connect, ensure_schema, open_build, transaction
from flows.ops import run_log
from flows.ops.outcomes import EXIT_BUG, EXIT_DATA, EXIT_INTERRUPTED
from flows.publish import snapshot
from flows.run_book import RunBook, state_of
from flows.settings import SQL_DIR, Settings
from flows.tasks import Loaded, Staged, load
from flows.transform.fingerprint import (
    marts_are_current,
    models_fingerprint,
    needs_full_refresh,
    record_models_fingerprint,
)
from flows.transform.project import BuildResult, DataTestFailure
from flows.validate.staged import ValidationFailed
from tests.warehouse_builder import call, staged_batch

SOURCES = ("kremlin", "whitehouse", "kremlin_ru")
FINGERPRINT = "models"


@dataclass
class Stand:
    """What each source's load does, and what the stand-ins saw."""

    plan: dict[str, str]
    build_fails: bool = False
    builds: list[bool] = field(default_factory=list)
    publications: list[str] = field(default_factory=list)

    def load_source(self, book: RunBook) -> pipeline.LoadedSource:
        con = book.open()
        what = self.plan[book.settings.source]
        if what == "stop":
            raise KeyboardInterrupt
        if what == "hard stop":
            raise ValidationFailed([])
        if what == "bug":
            raise RuntimeError("a bug in this source")
        changed = what == "loads" or not marts_are_current(con, FINGERPRINT)
        if changed:  # as the real load: in its transaction, until a build passes
            con.execute("DELETE FROM raw.load_state WHERE key = 'models_fingerprint'")
        result = LoadResult(1, int(what == "loads"), 0, int(what == "loads"), 0, 0, 0, 0)
        return pipeline.LoadedSource(book, None, Loaded(result, FINGERPRINT, changed))

    def build(self, settings: Settings, full_refresh: bool = False) -> BuildResult:
        self.builds.append(full_refresh)
        if self.build_fails:
            raise DataTestFailure("data test not_null_calls_item_id failed")
        with duckdb.connect(str(settings.build_path)) as con:
            con.execute("insert into marts.calls values (1)")
        return BuildResult(41, 160, 16)

    def publish(self, build, target, generation) -> None:
        self.publications.append(generation)
        PUBLISH(build, target, generation)


PUBLISH = snapshot.publish  # the real copy, counted


@pytest.fixture
def settings(tmp_path) -> Settings:
    """A build warehouse whose marts were built once: current, with no calls yet."""
    settings = Settings(data_dir=tmp_path)
    con = open_build(settings.build_path, settings.warehouse_path)
    con.execute("create table marts.calls (n integer)")
    con.execute("create table staging.stg_entry_fates (source varchar, fate varchar)")
    record_models_fingerprint(con, FINGERPRINT)
    con.close()
    return settings


def _stand(monkeypatch, plan: dict[str, str], build_fails: bool = False) -> Stand:
    stand = Stand(plan, build_fails)
    monkeypatch.setattr(pipeline, "load_source", stand.load_source)
    monkeypatch.setattr(run_book, "build_models", stand.build)
    monkeypatch.setattr(run_book, "publish_exports", lambda *args: True)
    monkeypatch.setattr(snapshot, "publish", stand.publish)
    monkeypatch.setattr(run_book, "_artifact", lambda summary: None)  # Prefect's UI only
    return stand


def _ends(settings: Settings) -> dict[str, list[str]]:
    return run_log.lines_per_run(settings.run_log_path)


def _audited(path) -> dict[str, tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("select run_id, status, exit_code, models_built from audit.runs")
        return {run_id: tuple(rest) for run_id, *rest in rows.fetchall()}


def test_every_source_loads_then_one_build_and_one_publication(settings, monkeypatch):
    stand = _stand(
        monkeypatch, {"kremlin": "loads", "whitehouse": "nothing", "kremlin_ru": "loads"}
    )
    runs = pipeline.run_sources(settings, SOURCES)
    assert runs.exit_code == 0, runs.message
    assert len(stand.builds) == 1 and len(stand.publications) == 1
    last = runs.summaries[-1]
    assert stand.publications == [last.run_id]  # the generation the last run built
    assert [("build" in s.stage_seconds, "publish" in s.stage_seconds) for s in runs.summaries] == [
        (False, False),
        (False, False),
        (True, True),
    ]
    for summary in runs.summaries:
        assert (summary.status, summary.models_built, summary.tests_passed) == ("success", 41, 160)
        assert summary.published and summary.calls == 1  # the warehouse in all, after the build
    for summary in runs.summaries[:-1]:
        assert f"built once for every source of this run, in run {last.run_id}" in summary.message
    assert _ends(settings) == {s.run_id: ["running", "success"] for s in runs.summaries}
    # the published file carries every run's final audit row
    assert _audited(settings.warehouse_path) == {
        s.run_id: ("success", 0, 41) for s in runs.summaries
    }


def test_nothing_new_anywhere_builds_nothing(settings, monkeypatch):
    stand = _stand(monkeypatch, dict.fromkeys(SOURCES, "nothing"))
    runs = pipeline.run_sources(settings, SOURCES)
    assert runs.exit_code == 0 and stand.builds == []
    assert all("nothing new" in s.message and s.models_built == 0 for s in runs.summaries)


@pytest.mark.parametrize(("last", "exit_code"), [("hard stop", EXIT_DATA), ("bug", EXIT_BUG)])
def test_the_loaded_sources_are_built_and_published_whatever_the_last_one_did(
    settings, monkeypatch, last, exit_code
):
    stand = _stand(monkeypatch, {"kremlin": "loads", "whitehouse": "nothing", "kremlin_ru": last})
    runs = pipeline.run_sources(settings, SOURCES)
    assert runs.exit_code == exit_code and len(runs.summaries) == 3
    assert len(stand.builds) == 1 and len(stand.publications) == 1
    kremlin, whitehouse, _ = runs.summaries
    assert stand.publications == [whitehouse.run_id]  # the last source that loaded
    assert (kremlin.status, kremlin.models_built, kremlin.published) == ("success", 41, True)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from marts.calls").fetchone() == (1,)
    if last == "hard stop":  # it loaded nothing: its own record, not built, not published
        failed = runs.summaries[2]
        assert (failed.status, failed.models_built, failed.published) == ("failed", 0, False)
        assert "validation failed, nothing was loaded" in failed.message


def test_a_failed_build_fails_every_loaded_run_and_publishes_nothing(settings, monkeypatch):
    stand = _stand(
        monkeypatch,
        {"kremlin": "loads", "whitehouse": "hard stop", "kremlin_ru": "nothing"},
        build_fails=True,
    )
    runs = pipeline.run_sources(settings, SOURCES)
    assert runs.exit_code == EXIT_DATA and len(stand.builds) == 1
    assert stand.publications == [] and not settings.warehouse_path.exists()
    kremlin, whitehouse, kremlin_ru = runs.summaries
    for summary in (kremlin, kremlin_ru):
        assert (summary.status, summary.exit_code) == ("failed", EXIT_DATA)
        assert "not_null_calls_item_id" in summary.message
    assert "validation failed" in whitehouse.message
    assert _ends(settings) == {s.run_id: ["running", "failed"] for s in runs.summaries}
    audited = _audited(settings.build_path)
    assert {run_id: audited[run_id][:2] for run_id in audited} == {
        s.run_id: ("failed", EXIT_DATA) for s in runs.summaries
    }
    state = state_of(runs)
    assert state.is_failed() and state.message.startswith(f"exit {EXIT_DATA}: ")
    with connect(settings.build_path) as con:
        assert not marts_are_current(con, FINGERPRINT)  # the next run builds


def test_a_run_stopped_after_a_source_loaded_converges_on_the_next(settings, monkeypatch):
    """Killed or stopped between a source's load and the one build: the loaded runs end as
    interrupted (a kill leaves that to the next run), the marts stay not current, and the
    next run builds, though it finds nothing new."""
    stand = _stand(monkeypatch, {"kremlin": "loads", "whitehouse": "stop", "kremlin_ru": "loads"})
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_sources(settings, SOURCES)
    assert stand.builds == [] and stand.publications == []
    ends = _ends(settings)
    assert list(ends.values()) == [["running", "interrupted"]] * 2
    audited = _audited(settings.build_path)
    assert {rest[:2] for rest in audited.values()} == {("interrupted", EXIT_INTERRUPTED)}
    stand.plan = dict.fromkeys(SOURCES, "nothing")
    runs = pipeline.run_sources(settings, SOURCES)
    assert runs.exit_code == 0 and len(stand.builds) == 1 and len(stand.publications) == 1


def test_a_rebuild_stops_at_a_failed_source_and_publishes_nothing(settings, monkeypatch):
    """Every source or none: readers keep the warehouse as it was."""
    plan = {"kremlin": "loads", "whitehouse": "hard stop", "kremlin_ru": "loads"}
    stand = _stand(monkeypatch, plan)
    runs = pipeline.run_sources(settings, SOURCES, command="rebuild")
    assert [s.source for s in runs.summaries] == ["kremlin", "whitehouse"]
    assert runs.exit_code == EXIT_DATA and stand.builds == [True]  # one build, every row
    assert stand.publications == [] and not settings.warehouse_path.exists()
    kremlin = runs.summaries[0]
    assert (kremlin.status, kremlin.models_built, kremlin.published) == ("success", 41, False)
    assert _ends(settings)[kremlin.run_id] == ["running", "success"]


def test_a_load_marks_the_marts_not_current_until_a_build_passes(tmp_path):
    """The real load, two sources in turn, then a crash before the build: every later load,
    even of nothing new, says the marts must be built."""
    kremlin = Settings(data_dir=tmp_path, source="kremlin")
    whitehouse = kremlin.with_(source="whitehouse")
    models = models_fingerprint(SQL_DIR)

    def loaded(settings: Settings, items, folder: str) -> bool:
        staged = Staged(staged_batch(items, tmp_path / folder), [], 0, False, "t")
        return load.__wrapped__(con, settings, staged).changed

    with connect(tmp_path / "w.duckdb") as con:
        ensure_schema(con)
        with transaction(con):
            con.execute("create table marts.calls (n integer)")
            record_models_fingerprint(con, models)
        assert not loaded(kremlin, [], "a")  # current, nothing new: no build
        assert loaded(kremlin, [call("1", "A call.")], "b")
        assert loaded(whitehouse, [], "c")  # nothing new, but the marts are not current
        assert loaded(kremlin, [], "d")  # the run after a crash builds
        record_models_fingerprint(con, models)  # what a build that passed records
        assert not loaded(whitehouse, [], "e")


def test_a_full_build_that_failed_leaves_the_next_build_full(settings, monkeypatch):
    """A full build killed or failed halfway leaves tables (seeds included) of the rules it
    was building: the next build is a full one even if those rules were reverted meanwhile
    (the fingerprint equals the old incremental basis again)."""
    with connect(settings.build_path) as con:
        con.execute("insert or replace into raw.load_state values ('incremental_basis', 'old')")
    stand = _stand(monkeypatch, {"kremlin": "loads"}, build_fails=True)
    runs = pipeline.run_sources(settings, ("kremlin",))
    assert runs.exit_code == EXIT_DATA and stand.builds == [True]  # the rules changed: full
    with connect(settings.build_path) as con:
        assert needs_full_refresh(con, "old")  # the rules reverted: still a full build
