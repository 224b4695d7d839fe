"""Incremental by construction: a run's build recomputes only the items its load listed in
raw.pending_items (sql/macros/incremental.sql), and gives the same warehouse as a full
rebuild (`dbt build --full-refresh`), every intermediate and mart table, every row: on the
real corpus loaded in three batches with edits (an item with fewer sentences, an item that
stops being a call and becomes one again), and on both sources' corpora, the second added by
the one build of a run over both; and a run killed during its incremental build converges on
the next run."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from flows.demo.atom_pages import FeedItem, paginate
from flows.demo.server import FeedServer, feed_paths
from flows.load.loader import load_staged
from flows.load.warehouse import connect, ensure_schema, transaction
from flows.settings import Settings
from flows.sources.kremlin.source import KremlinSource
from flows.transform.fingerprint import (
    models_fingerprint,
    needs_full_refresh,
    record_models_fingerprint,
)
from flows.transform.project import DbtPaths, build
from tests.corpus_feed import corpus_items
from tests.reliability.crashes import content_fingerprints, killed_run
from tests.warehouse_builder import MODEL_SCHEMAS, model_differences, staged_batch

NEWEST = 10


def _model_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in {MODEL_SCHEMAS} order by all"
        ).fetchall()
    ]


def _call(items: tuple[FeedItem, ...], skip: int = 0) -> FeedItem:
    calls = [i for i in items if "telephone conversation" in (i.title or "").lower()]
    return [i for i in calls if " ".join(i.paragraphs).count(". ") >= 3][skip]


def _first_sentence(item: FeedItem) -> list[str]:
    return [item.paragraphs[0].split(". ")[0] + "."]


def _edited(item: FeedItem, when: str, **changes) -> FeedItem:
    return replace(item, updated=when, **changes)


def _batches() -> tuple[list[FeedItem], list[FeedItem], list[FeedItem], dict[str, str]]:
    items = corpus_items()  # newest first
    half = len(items) // 2
    older = list(items[half:])
    shorter, renamed = _call(items[half:]), _call(items[half:], skip=1)
    later = "2022-04-01T12:00:00+04:00"
    second = [
        *items[NEWEST:half],
        _edited(shorter, later, paragraphs=_first_sentence(shorter)),
        _edited(renamed, later, title="Briefing by Presidential Press Secretary"),
    ]
    third = [
        *items[:NEWEST],
        _edited(renamed, "2022-04-02T12:00:00+04:00", paragraphs=_first_sentence(renamed)),
    ]
    return older, second, third, {"shorter": shorter.item_id, "renamed": renamed.item_id}


def _load(path: Path, items: list[FeedItem], directory: Path) -> int:
    batch = staged_batch(items, directory)
    with connect(path) as con:
        ensure_schema(con)
        with transaction(con):
            load_staged(con, batch, reference_fingerprint="test")
        return con.execute("select count(*) from raw.pending_items").fetchone()[0]


def _build(path: Path, directory: Path, *, full_refresh: bool = False) -> None:
    build(path, DbtPaths(directory / "dbt"), full_refresh=full_refresh)
    with connect(path) as con:
        record_models_fingerprint(con, models_fingerprint())


@pytest.fixture(scope="module")
def batches_built(tmp_path_factory) -> dict:
    """The corpus in three loads, each followed by a build (the first builds every table,
    the next two incrementally), and a copy of the result rebuilt with --full-refresh."""
    directory = tmp_path_factory.mktemp("incremental")
    path = directory / "incremental.duckdb"
    older, second, third, edited = _batches()
    pending = []
    for number, items in enumerate((older, second, third)):
        pending.append(_load(path, items, directory / f"batch{number}"))
        with connect(path) as con:
            assert needs_full_refresh(con, models_fingerprint()) == (number == 0)
        _build(path, directory)
        if number == 1:
            with connect(path) as con:
                between = {i for (i,) in con.execute("select item_id from marts.calls").fetchall()}
    with connect(path) as con:
        calls = dict(con.execute("select item_id, version from marts.calls").fetchall())
        sentences = con.execute(
            "select count(*), count(distinct version) from intermediate.int_call_sentences "
            "where item_id = ?",
            [edited["shorter"]],
        ).fetchone()
    full = directory / "full.duckdb"
    shutil.copyfile(path, full)
    _build(full, directory, full_refresh=True)
    return {
        "incremental": path,
        "full": full,
        "pending": pending,
        "edited": edited,
        "calls": calls,
        "calls_after_second": between,
        "sentences": sentences,
    }


def test_incremental_builds_equal_a_full_rebuild_on_the_corpus(batches_built) -> None:
    with duckdb.connect(str(batches_built["incremental"]), read_only=True) as con:
        tables = _model_tables(con)
        assert "marts.calls" in tables and "intermediate.int_call_sentences" in tables
        assert con.execute("select count(*) from raw.pending_items").fetchone()[0] == 0
    assert model_differences(batches_built["incremental"], batches_built["full"]) == {}


def test_a_run_lists_only_the_items_it_loaded(batches_built) -> None:
    """The third load lists its ten new items and the one it edited, not the corpus."""
    older, second, third = batches_built["pending"]
    assert older > 200 and third == NEWEST + 1
    assert second == len(corpus_items()) // 2 - NEWEST + 2


def test_edited_items_leave_no_stale_rows(batches_built) -> None:
    edited, calls = batches_built["edited"], batches_built["calls"]
    # the item cut to one sentence keeps only its newest version's sentences
    count, versions = batches_built["sentences"]
    assert versions == 1 and 0 < count <= 2
    assert calls[edited["shorter"]] == 2
    # the item retitled as a briefing left the calls, and came back as a call at version 3
    assert edited["renamed"] not in batches_built["calls_after_second"]
    assert edited["shorter"] in batches_built["calls_after_second"]
    assert calls[edited["renamed"]] == 3


def test_two_sources_built_one_after_the_other_equal_a_full_rebuild(
    both_sources_run, tmp_path
) -> None:
    """The one build of a run over both sources, which loads the second, is incremental over
    the tables an earlier run of the first built."""
    full = tmp_path / "full.duckdb"
    shutil.copyfile(both_sources_run.warehouse_path, full)
    build(full, DbtPaths(tmp_path / "dbt"), full_refresh=True)
    assert model_differences(both_sources_run.warehouse_path, full) == {}


def _corpus_pages(newest_left_out: int) -> dict[str, bytes]:
    """The 120 newest readouts of the corpus (about 25 calls) as the feed, less the newest."""
    return feed_paths(paginate(list(corpus_items()[newest_left_out:120])), KremlinSource.feed_path)


def _run(data_dir: Path, newest_left_out: int, kill_at: str | None = None) -> Path:
    """A run over the feed less its `newest_left_out` newest items, killed first at
    `kill_at` and run again when set."""
    from prefect.settings import PREFECT_API_URL

    from flows.pipeline import run_flow

    with FeedServer(_corpus_pages(newest_left_out)) as server:
        settings = Settings(
            source="kremlin", base_url=server.base_url, data_dir=data_dir, pause_seconds=0
        )
        if kill_at:
            api_url = PREFECT_API_URL.value() or None
            killed = killed_run(kill_at, server.base_url, data_dir, api_url)
            assert killed.returncode == -9, killed.stderr[-500:]
        summary = run_flow(settings)
        assert summary.status == "success", summary.message
    return settings.warehouse_path


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_killed_during_its_incremental_build_converges(tmp_path) -> None:
    """A run over the feed less its ten newest items, then a run that finds them (its build
    incremental), uninterrupted; and from a copy of the first run's folder (the same first
    run, made once), that second run killed during its build and run again."""
    uninterrupted, killed = tmp_path / "uninterrupted", tmp_path / "killed"
    _run(uninterrupted, NEWEST)
    shutil.copytree(uninterrupted, killed, ignore=shutil.ignore_patterns("*.lock", "dbt"))
    expected = content_fingerprints(_run(uninterrupted, 0))
    converged = content_fingerprints(_run(killed, 0, kill_at="build"))
    assert converged == expected
