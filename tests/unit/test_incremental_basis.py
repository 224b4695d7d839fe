"""What an incremental build recomputes and when a build rebuilds every row: the loader
lists the items of every entry a load touched (raw.pending_items), a build that passed
empties the list and becomes the basis of the next, and a change of models or rules, a
reprocessing load, `readouts rebuild` and `readouts build` rebuild every row
(docs/models.md). The builds themselves: tests/flows/test_incremental_build.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

import flows.run_book as run_book
from flows.load.loader import load_staged
from flows.load.warehouse import connect, ensure_schema, transaction
from flows.settings import Settings
from flows.tasks import Staged, load
from flows.transform.fingerprint import (
    forget_incremental_basis,
    needs_full_refresh,
    record_models_fingerprint,
)
from flows.transform.project import BuildResult
from tests.warehouse_builder import call, staged_batch


def _pending(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {i for (i,) in con.execute("select item_id from raw.pending_items").fetchall()}


def _load(con: duckdb.DuckDBPyConnection, items, directory: Path) -> set[str]:
    with transaction(con):
        load_staged(con, staged_batch(items, directory), reference_fingerprint="test")
    return _pending(con)


def test_the_loader_lists_the_items_of_every_entry_a_load_touched(tmp_path):
    first = [call("1", "A first call."), call("2", "A second call."), call("3", "A third.")]
    with connect(tmp_path / "w.duckdb") as con:
        ensure_schema(con)
        assert _load(con, first, tmp_path / "a") == {"1", "2", "3"}
        record_models_fingerprint(con, "models")
        assert _pending(con) == set()
        # an edited item and a new one; the items not in the batch wait for nothing
        edited = replace(call("2", "The call, edited."), updated="2021-07-01T10:00:00+04:00")
        assert _load(con, [edited, call("4", "A fourth call.")], tmp_path / "b") == {"2", "4"}
        record_models_fingerprint(con, "models")
        # an old version seen again on a page is listed too: it may be the newest again
        assert _load(con, [first[0]], tmp_path / "c") == {"1"}


def test_a_build_that_passed_is_the_basis_of_the_next_until_models_or_rules_change(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        ensure_schema(con)
        assert needs_full_refresh(con, "models")  # no build has passed yet
        record_models_fingerprint(con, "models")
        assert not needs_full_refresh(con, "models")
        assert needs_full_refresh(con, "other models")  # a model, macro, test or seed changed
        forget_incremental_basis(con)
        assert needs_full_refresh(con, "models")


@pytest.mark.parametrize("reprocess", [False, True])
def test_a_load_that_normalises_every_page_again_rebuilds_every_row(tmp_path, reprocess):
    settings = Settings(data_dir=tmp_path).with_(source="kremlin")
    staged = Staged(staged_batch([call("1", "A call.")], tmp_path / "a"), [], 0, reprocess, "t")
    with connect(tmp_path / "w.duckdb") as con:
        ensure_schema(con)
        record_models_fingerprint(con, "models")
        load.__wrapped__(con, settings, staged)  # the task body, without Prefect
        assert needs_full_refresh(con, "models") == reprocess


@pytest.mark.parametrize(
    ("command", "full_refresh"), [("run", False), ("build", True), ("rebuild", True)]
)
def test_rebuild_and_build_rebuild_every_row_and_a_run_only_its_items(
    tmp_path, monkeypatch, command, full_refresh
):
    asked = []

    def build_models(settings, full_refresh=False):
        asked.append(full_refresh)
        return BuildResult(0, 0, 0)

    monkeypatch.setattr(run_book, "build_models", build_models)
    monkeypatch.setattr(run_book.RunBook, "announce_shifts", lambda self: None)
    settings = Settings(data_dir=tmp_path).with_(source="kremlin")
    book = run_book.RunBook(settings, command, "run-1")
    book.open()
    book.build_models("models")  # the first build: nothing to continue from
    book.build_models("models")
    book.con.close()
    assert asked == [True, full_refresh]


def test_a_load_with_nothing_new_leaves_nothing_waiting(tmp_path):
    """Pages read again (a run re-reads the newest) list their items, but when the marts
    are current and nothing changed no build runs, and nothing is left waiting for one."""
    from flows.transform.fingerprint import models_fingerprint

    settings = Settings(data_dir=tmp_path).with_(source="kremlin")
    staged = Staged(staged_batch([call("1", "A call.")], tmp_path / "a"), [], 0, False, "t")
    with connect(tmp_path / "w.duckdb") as con:
        ensure_schema(con)
        assert load.__wrapped__(con, settings, staged).changed
        con.execute("create table marts.calls (item_id varchar)")  # as a build leaves it
        record_models_fingerprint(con, models_fingerprint(settings.dbt_project))
        again = Staged(staged_batch([call("1", "A call.")], tmp_path / "b"), [], 0, False, "t")
        assert not load.__wrapped__(con, settings, again).changed
        assert _pending(con) == set()
