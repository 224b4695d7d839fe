"""The writer's schema: a warehouse made by an older version gains the columns added since,
as NULLs, the next time a run opens it (no manual migration)."""

from __future__ import annotations

import duckdb

from flows.load.warehouse import ensure_schema


def test_a_warehouse_missing_a_column_gains_it_as_nulls():
    con = duckdb.connect()
    ensure_schema(con)
    # data made before the upgrade stays
    con.execute("insert into raw.load_state values ('older', 'kept')")
    con.execute("alter table raw.item_versions drop column language")
    ensure_schema(con)
    columns = [row[0] for row in con.execute("describe raw.item_versions").fetchall()]
    assert "language" in columns
    assert con.execute("select value from raw.load_state where key = 'older'").fetchone() == (
        "kept",
    )
    ensure_schema(con)  # and again: nothing to add, nothing fails
