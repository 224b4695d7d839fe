"""The marts as Parquet (zstd) and CSV under data/warehouse/exports/, with a manifest, so
that BI tools need not open (and lock) the DuckDB file."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()
    ]


def _csv_safe(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The mart with every text cell that a spreadsheet would run as a formula (one that
    starts with = + - @, a tab or a carriage return: CSV injection) prefixed with an
    apostrophe. The Parquet files keep the exact text."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'marts' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    selected = []
    for name, data_type in columns:
        if data_type != "VARCHAR":
            selected.append(f'"{name}"')
            continue
        leads = r"[=+@\-\t\r]"
        selected.append(
            f"CASE WHEN regexp_matches(\"{name}\", '^{leads}') "
            f'THEN concat(chr(39), "{name}") ELSE "{name}" END AS "{name}"'
        )
    # sorted on the exact text, as the Parquet file is, not on the prefixed cells
    order = ", ".join(f'm."{name}"' for name, _ in columns)
    return f"SELECT {', '.join(selected)} FROM marts.{table} AS m ORDER BY {order}"


def exports_generation(directory: Path) -> str | None:
    """The warehouse generation the exports were written from; None when there are none."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("generation")


def source_attribution(con: duckdb.DuckDBPyConnection) -> str:
    """Each source's attribution and licence as its module declares them
    (staging.stg_sources), for the sources whose readouts are in the warehouse."""
    declared = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'staging' and table_name = 'stg_sources'"
    ).fetchone()[0]
    if not declared:  # not a warehouse the flow built: nothing to attribute
        return ""
    rows = con.execute(
        "select attribution, licence from staging.stg_sources "
        "where source in (select source from marts.calls) "
        "group by all order by min(source)"
    ).fetchall()
    return "; ".join(f"{attribution} ({licence})" for attribution, licence in rows)


def export_marts(
    con: duckdb.DuckDBPyConnection, directory: Path, run_id: str, generation: str | None = None
) -> Path:
    """Writes every mart into a fresh folder, then swaps it in: readers see the old exports
    or the new ones, never half of each. Rows are sorted by every column, left to right: an
    incremental build appends, so a table's own order says nothing, and two exports of the
    same data are the same files."""
    staging = directory.with_name(directory.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    tables = []
    for table in mart_tables(con):
        parquet, csv = staging / f"{table}.parquet", staging / f"{table}.csv"
        con.execute(
            f"COPY (SELECT * FROM marts.{table} ORDER BY ALL) TO '{parquet}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        con.execute(f"COPY ({_csv_safe(con, table)}) TO '{csv}' (FORMAT csv, HEADER true)")
        columns = con.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = 'marts' and table_name = ? order by column_index",
            [table],
        ).fetchall()
        rows = con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
        tables.append(
            {
                "table": f"marts.{table}",
                "rows": rows,
                "columns": [{"name": n, "type": t, "description": c} for n, t, c in columns],
                "files": {"parquet": parquet.name, "csv": csv.name},
            }
        )
    manifest = {
        "run_id": run_id,
        "generation": generation,
        "csv_formula_cells": "text cells that start with = + - @, a tab or a carriage return "
        "are prefixed with ' in the CSV files; the Parquet files keep the exact text",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_attribution": source_attribution(con),
        "tables": tables,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        os.replace(directory, old)
    os.replace(staging, directory)
    shutil.rmtree(old, ignore_errors=True)
    return directory / "manifest.json"
