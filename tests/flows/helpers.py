from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from flows.settings import Settings

# Tables a re-run may legitimately grow: the audit logs and the fetch log (every fetch is
# recorded, even one that finds nothing new).
GROWING_TABLES = {
    "audit.runs",
    "audit.validations",
    "audit.generations",
    "raw.page_failures",
    "raw.fetches",
    "raw.fetch_entries",
    "staging.stg_fetches",
}


def flow_settings(base_url: str, data_dir: Path, **changes) -> Settings:
    options = dict(
        source="kremlin",
        base_url=base_url,
        data_dir=data_dir,
        pause_seconds=0,
        backoff_seconds=0.01,
        refusal_pause_seconds=0,
        max_retries=1,
    )
    options.update(changes)
    return Settings(**options)


def table_fingerprints(warehouse: Path) -> dict[str, str]:
    """Contents of every table, order-independent, as a hash per table."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() order by 1"
        ).fetchall()
        fingerprints = {}
        for (table,) in tables:
            if table in GROWING_TABLES:
                continue
            rows = sorted(repr(row) for row in con.execute(f"select * from {table}").fetchall())
            fingerprints[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return fingerprints


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()
