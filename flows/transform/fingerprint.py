"""Whether the marts must be rebuilt when no new data came: they were built, successfully,
from the same dbt project and the same reference data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from flows.settings import SQL_DIR

BUILD_KEY = "models_fingerprint"
# the models fingerprint of the last build that passed, kept while new data is loaded: the
# basis an incremental build continues from
INCREMENTAL_KEY = "incremental_basis"
# what dbt reads; its own files (target/, logs/) are not part of the project
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests", "seeds")


def models_fingerprint(project_dir: Path = SQL_DIR) -> str:
    """Changes whenever a model, a test, a macro, a description or a rule (a seed) changes."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for part in PROJECT_PARTS:
        path = project_dir / part
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for path in files:
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def marts_are_current(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """The marts were built, without failure, from the same models and rules (only new data
    needs a build). The fingerprint is cleared before a build and recorded after it passed,
    so a failed or interrupted build is never mistaken for a current one."""
    built = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'calls'"
    ).fetchone()[0]
    stored = con.execute("select value from raw.load_state where key = ?", [BUILD_KEY]).fetchone()
    return bool(built) and stored is not None and stored[0] == fingerprint


def clear_models_fingerprint(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM raw.load_state WHERE key = ?", [BUILD_KEY])


def needs_full_refresh(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """Whether the next build must rebuild every row (`dbt build --full-refresh`): no build
    has passed yet, the models or rules changed since the last one, or a load normalised
    every page again (forget_incremental_basis). Otherwise the incremental models recompute
    only the pending items."""
    stored = con.execute(
        "select value from raw.load_state where key = ?", [INCREMENTAL_KEY]
    ).fetchone()
    return stored is None or stored[0] != fingerprint


def forget_incremental_basis(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM raw.load_state WHERE key = ?", [INCREMENTAL_KEY])


def record_models_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """After a build that passed: the marts are current, the next build may be incremental
    from them, and no item waits for a build."""
    con.execute("INSERT OR REPLACE INTO raw.load_state VALUES (?, ?)", [BUILD_KEY, fingerprint])
    con.execute(
        "INSERT OR REPLACE INTO raw.load_state VALUES (?, ?)", [INCREMENTAL_KEY, fingerprint]
    )
    con.execute("DELETE FROM raw.pending_items")
