"""The audit table: one row per run, whatever its outcome."""

from __future__ import annotations

import json

import duckdb

from flows.load.warehouse import ensure_schema
from flows.summary import RunSummary


def record_run(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    ensure_schema(con)
    row = summary.as_row()
    row["stage_seconds"] = json.dumps(row["stage_seconds"])
    columns = ", ".join(row)
    placeholders = ", ".join("?" for _ in row)
    con.execute(
        f"INSERT OR REPLACE INTO audit.runs ({columns}) VALUES ({placeholders})", list(row.values())
    )
