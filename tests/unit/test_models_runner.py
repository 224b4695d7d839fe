from __future__ import annotations

import duckdb
import pytest

from flows.models.runner import (
    DataTestFailure,
    ModelBuildError,
    build_order,
    discover_models,
    referenced_tables,
    run_data_tests,
)


def _project(tmp_path, models: dict[str, str], tests: dict[str, str] | None = None):
    for relative, sql in models.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    (tmp_path / "tests").mkdir(exist_ok=True)
    for name, sql in (tests or {}).items():
        (tmp_path / "tests" / name).write_text(sql)
    return tmp_path


def test_references_are_found_without_the_tables_existing():
    con = duckdb.connect()
    sql = (
        "with x as (select * from raw.fetches) select * from staging.a join staging.b "
        "using (id) join x on true where exists (select 1 from marts.c)"
    )
    assert referenced_tables(con, sql) == {"raw.fetches", "staging.a", "staging.b", "marts.c"}


def test_models_are_ordered_by_their_references(tmp_path):
    sql_dir = _project(
        tmp_path,
        {
            "marts/m.sql": "select * from intermediate.i",
            "intermediate/i.sql": "select * from staging.s",
            "staging/s.sql": "select 1 as x",
        },
    )
    order = build_order(duckdb.connect(), discover_models(sql_dir))
    assert [m.table for m in order] == ["staging.s", "intermediate.i", "marts.m"]


def test_the_shipped_models_order(tmp_path):
    order = [m.name for m in build_order(duckdb.connect(), discover_models())]
    assert order.index("stg_item_versions") < order.index("int_latest_item_versions")
    assert order.index("int_call_items") < order.index("calls")


def test_a_cycle_is_reported(tmp_path):
    sql_dir = _project(
        tmp_path,
        {
            "staging/a.sql": "select * from staging.b",
            "staging/b.sql": "select * from staging.a",
        },
    )
    with pytest.raises(ModelBuildError, match="cycle"):
        build_order(duckdb.connect(), discover_models(sql_dir))


def test_unparseable_model_names_its_file(tmp_path):
    sql_dir = _project(tmp_path, {"staging/bad.sql": "selec oops"})
    with pytest.raises(ModelBuildError, match=r"bad\.sql"):
        build_order(duckdb.connect(), discover_models(sql_dir))


def test_data_tests_report_offending_rows(tmp_path):
    sql_dir = _project(
        tmp_path,
        {},
        {
            "passes.sql": "select 1 where false",
            "fails.sql": "select 42 as item_id, 'dup' as problem",
        },
    )
    with pytest.raises(DataTestFailure, match=r"fails\.sql.*'item_id': 42"):
        run_data_tests(duckdb.connect(), sql_dir)
    (sql_dir / "tests" / "fails.sql").unlink()
    assert run_data_tests(duckdb.connect(), sql_dir) == 1
