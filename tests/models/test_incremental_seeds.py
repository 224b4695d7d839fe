"""An incremental build does not load the reference seeds again: it runs on the rules of the
last build that passed, whose tables hold them (issue 26: fixed cost paid once). A seed
table that is missing (a full build killed while loading them) is loaded again."""

from __future__ import annotations

from flows.load.warehouse import connect
from flows.transform.project import DbtPaths, build, parsed
from tests.warehouse_builder import build_warehouse, call


def test_an_incremental_build_reuses_the_seeds_and_reloads_a_missing_one(tmp_path):
    con = build_warehouse(
        [call("1", "The conversation was businesslike and constructive.")], tmp_path
    )
    calls_before = con.execute("select * from marts.calls order by all").fetchall()
    con.close()
    path, paths = tmp_path / "warehouse.duckdb", DbtPaths(tmp_path / "dbt")
    seeds = [n for n in parsed(path, paths).nodes.values() if n.resource_type == "seed"]

    again = build(path, paths)
    assert again.reference_tables == 0
    assert again.models_built > 0 and again.tests_passed > 0
    with connect(path) as con:
        assert con.execute("select * from marts.calls order by all").fetchall() == calls_before
        con.execute(f'drop table "{seeds[0].schema}"."{seeds[0].alias or seeds[0].name}"')

    reloaded = build(path, paths)
    assert reloaded.reference_tables == len(seeds) > 0
    with connect(path) as con:
        assert con.execute("select * from marts.calls order by all").fetchall() == calls_before
