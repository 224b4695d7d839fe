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


def export_marts(con: duckdb.DuckDBPyConnection, directory: Path, run_id: str) -> Path:
    """Writes every mart into a fresh folder, then swaps it in: readers see the old exports
    or the new ones, never half of each."""
    staging = directory.with_name(directory.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    tables = []
    for table in mart_tables(con):
        parquet, csv = staging / f"{table}.parquet", staging / f"{table}.csv"
        con.execute(
            f"COPY (SELECT * FROM marts.{table}) TO '{parquet}' (FORMAT parquet, COMPRESSION zstd)"
        )
        con.execute(f"COPY (SELECT * FROM marts.{table}) TO '{csv}' (FORMAT csv, HEADER true)")
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
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_attribution": "President of Russia, kremlin.ru (CC BY 4.0)",
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
