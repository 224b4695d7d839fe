"""An incremental build does not make the seeds and views again: it runs on the rules and
models of the last build that passed, whose seed tables hold these CSVs and whose views are
these queries (issue 26: fixed cost paid once); the data tests on the views over raw data
still run, those that read only the rules (seeds, views over seeds) do not. Nor does
it write the descriptions of the incremental tables again (sql/macros/persist_docs.sql): a
comment changed since the full build stays as it is. A seed table or a view that is missing
(a full build killed halfway) is made again, with the others."""

from __future__ import annotations

from flows.load.warehouse import connect
from flows.transform.project import DbtPaths, build, parsed, rules_only_tests
from tests.warehouse_builder import build_warehouse, call


def _relation(node) -> str:
    return f'"{node.schema}"."{node.alias or node.name}"'


def test_an_incremental_build_reuses_seeds_and_views_and_remakes_a_missing_one(tmp_path):
    con = build_warehouse(
        [call("1", "The conversation was businesslike and constructive.")], tmp_path
    )
    calls_before = con.execute("select * from marts.calls order by all").fetchall()
    comment = "select comment from duckdb_columns() where table_name = 'calls' and column_name = ?"
    assert "id of the readout" in con.execute(comment, ["item_id"]).fetchone()[0]
    con.execute("comment on column marts.calls.item_id is 'changed since the full build'")
    con.close()
    path, paths = tmp_path / "warehouse.duckdb", DbtPaths(tmp_path / "dbt")
    nodes = list(parsed(path, paths).nodes.values())
    seeds = [n for n in nodes if n.resource_type == "seed"]
    models = [n for n in nodes if n.resource_type == "model"]
    views = [n for n in models if n.config.materialized == "view"]
    tests = [n for n in nodes if n.resource_type == "test"]
    assert seeds and views and len(views) < len(models)

    rules_only = rules_only_tests(parsed(path, paths))
    assert "unique_stg_tone_lexicon_descriptor" in rules_only
    assert not any("item_versions" in name for name in rules_only)
    again = build(path, paths)
    assert again.reference_tables == 0
    assert again.models_built == len(models) - len(views)
    assert again.tests_passed == len(tests) - len(rules_only)  # the raw views' tests included
    with connect(path) as con:
        assert con.execute("select * from marts.calls order by all").fetchall() == calls_before
        assert con.execute(comment, ["item_id"]).fetchone()[0] == "changed since the full build"
        assert "readout's title" in con.execute(comment, ["title"]).fetchone()[0]
        con.execute(f"drop table {_relation(seeds[0])}")

    reloaded = build(path, paths)
    assert reloaded.reference_tables == len(seeds)
    assert reloaded.models_built == len(models)
    assert reloaded.tests_passed == len(tests)  # the rules' tests too: a seed was made again
    with connect(path) as con:
        assert con.execute("select * from marts.calls order by all").fetchall() == calls_before
        con.execute(f"drop view {_relation(views[0])}")

    remade = build(path, paths)
    assert (remade.reference_tables, remade.models_built) == (len(seeds), len(models))
    with connect(path) as con:
        assert con.execute("select * from marts.calls order by all").fetchall() == calls_before
