"""An entry loaded once and quarantined later (its landed page normalised again under rules
it now fails) is no longer loaded: the load says so, the build passes, the call leaves the
marts and the entry waits in raw.quarantine with its reason. Before, its item version stayed
without its counterparts and sentences, and every build after it failed (found by review).
Its counterparts are gone from raw.*, so the flow's next build is a full one
(flows/tasks.py `load`: it forgets the incremental basis)."""

from __future__ import annotations

import duckdb

from flows.load.loader import load_staged
from flows.load.warehouse import connect, transaction
from flows.transform.project import DbtPaths, build
from flows.validate.gx_runner import Failure
from flows.validate.staged import _move_to_quarantine
from tests.warehouse_builder import build_warehouse, call, staged_batch


def test_an_entry_quarantined_after_it_was_loaded_leaves_the_marts_and_the_build_passes(
    tmp_path,
):
    first = [call("1", "The conversation was constructive."), call("2", "It was frank.")]
    build_warehouse(first, tmp_path / "one").close()
    path, paths = tmp_path / "one" / "warehouse.duckdb", DbtPaths(tmp_path / "one" / "dbt")
    with connect(path) as con:
        con.execute("delete from raw.pending_items")  # as after a build that passed

    # the same entry of item 1, normalised again; the validator condemns it this time
    batch = staged_batch([first[0]], tmp_path / "two")
    items = batch.frame("items")
    sha = items.filter(items["item_id"] == "1")["entry_sha"][0]
    why = Failure("items", "a row check", None, "row", "fails the new rules", 1, 1, [])
    _move_to_quarantine(batch, {("kremlin", "1", sha): [why]})
    with connect(path) as con, transaction(con):
        assert load_staged(con, batch, reference_fingerprint="test").unloaded == 1
    build(path, paths, full_refresh=True)  # it raised DataTestFailure before the fix
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select item_id from marts.calls").fetchall() == [("2",)]
        assert con.execute(
            "select count(*) from raw.quarantine where entry_sha = ?", [sha]
        ).fetchone() == (1,)
