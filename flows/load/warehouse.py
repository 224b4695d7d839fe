"""The DuckDB warehouse: one schema per layer, and the tables the loader writes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

from flows.ops.disk import unwritable
from flows.ops.outcomes import WarehouseBusy, WarehouseUnusable

# DuckDB's share of a run's memory. 768MB kept a run's peak at 50,000 items under 1.5 GB
# (1.41 GB against 1.61 GB) but ran out of memory loading 100,000 items in one transaction
# (a rebuild of a large raw zone): a limit a load cannot live within stops the pipeline,
# a higher peak does not.
DEFAULT_MEMORY_LIMIT = "1GB"

LAYERS = ("raw", "reference", "staging", "intermediate", "marts", "audit")

RAW_TABLES = """
CREATE TABLE IF NOT EXISTS raw.fetches (
    fetch_id VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    page_no INTEGER NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    status INTEGER,
    sha256 VARCHAR,
    size BIGINT NOT NULL,
    raw_path VARCHAR,
    error VARCHAR,
    entries INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.fetch_entries (
    fetch_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    entry_id VARCHAR NOT NULL,
    entry_sha VARCHAR NOT NULL,
    PRIMARY KEY (fetch_id, entry_sha)
);
CREATE TABLE IF NOT EXISTS raw.item_versions (
    source VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    entry_sha VARCHAR NOT NULL,
    fetch_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    published_raw VARCHAR NOT NULL,
    updated_raw VARCHAR NOT NULL,
    lead VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    language VARCHAR,
    initiated_by VARCHAR,
    initiative_evidence VARCHAR,
    published_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    published_date_local DATE,
    PRIMARY KEY (source, item_id, entry_sha)
);
CREATE TABLE IF NOT EXISTS raw.item_counterparts (
    source VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    entry_sha VARCHAR NOT NULL,
    counterpart_no INTEGER NOT NULL,
    counterpart_name VARCHAR NOT NULL,
    office VARCHAR,
    country_code VARCHAR,
    country_name VARCHAR,
    organisation VARCHAR,
    PRIMARY KEY (source, item_id, entry_sha, counterpart_no)
);
CREATE TABLE IF NOT EXISTS raw.sentences (
    source VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    entry_sha VARCHAR NOT NULL,
    sentence_no INTEGER NOT NULL,
    paragraph_no INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    sentence_text VARCHAR NOT NULL,
    -- a source that normalises its words for the rules (Russian lemmas): the tokens the rules
    -- match, joined by single spaces, and where each token stands in sentence_text
    match_text VARCHAR,
    match_token_starts INTEGER[],
    match_token_ends INTEGER[],
    PRIMARY KEY (source, item_id, entry_sha, sentence_no)
);
CREATE TABLE IF NOT EXISTS raw.quarantine (
    source VARCHAR NOT NULL,
    entry_sha VARCHAR NOT NULL,
    fetch_id VARCHAR NOT NULL,
    raw_path VARCHAR,
    item_id VARCHAR,
    entry_position INTEGER,
    reason VARCHAR NOT NULL,
    PRIMARY KEY (source, entry_sha)
);
CREATE TABLE IF NOT EXISTS raw.review_flags (
    source VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    entry_sha VARCHAR NOT NULL,
    review_reason VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    PRIMARY KEY (source, item_id, entry_sha, review_reason)
);
CREATE TABLE IF NOT EXISTS raw.page_failures (
    source VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    failures INTEGER NOT NULL,
    first_failed_at TIMESTAMPTZ NOT NULL,
    last_run_id VARCHAR NOT NULL,
    last_reason VARCHAR NOT NULL,
    set_aside_at TIMESTAMPTZ,
    PRIMARY KEY (source, sha256)
);
CREATE TABLE IF NOT EXISTS raw.sources (
    source VARCHAR NOT NULL,
    leader VARCHAR NOT NULL,
    leader_surname VARCHAR NOT NULL,
    term_start DATE NOT NULL,
    term_end DATE,
    country_code VARCHAR NOT NULL,
    office VARCHAR NOT NULL,
    time_zone VARCHAR NOT NULL,
    licence VARCHAR NOT NULL,
    attribution VARCHAR NOT NULL,
    PRIMARY KEY (source, leader, term_start)
);
-- the items loaded since the last build that passed: what an incremental build recomputes
-- (sql/macros/incremental.sql); emptied when a build passes
CREATE TABLE IF NOT EXISTS raw.pending_items (
    source VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    PRIMARY KEY (source, item_id)
);
CREATE TABLE IF NOT EXISTS raw.load_state (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS audit.validations (
    run_id VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    validated_at TIMESTAMPTZ NOT NULL,
    success BOOLEAN NOT NULL,
    rows_validated BIGINT NOT NULL,
    evaluated INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    hard_failures INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    details JSON,
    PRIMARY KEY (run_id, suite)
);
CREATE TABLE IF NOT EXISTS audit.generations (
    run_id VARCHAR PRIMARY KEY,
    built_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS audit.runs (
    run_id VARCHAR PRIMARY KEY,
    command VARCHAR NOT NULL,
    source VARCHAR,
    started_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,
    pages_fetched INTEGER,
    entries_new INTEGER,
    new_items INTEGER,
    new_versions INTEGER,
    stopped_reason VARCHAR,
    item_versions_loaded INTEGER,
    quarantined INTEGER,
    calls INTEGER,
    models_built INTEGER,
    tests_passed INTEGER,
    expectations_evaluated INTEGER,
    expectations_failed INTEGER,
    entries_landed INTEGER,
    entries_loaded INTEGER,
    entries_quarantined INTEGER,
    stage_seconds JSON,
    message VARCHAR,
    warnings VARCHAR[],
    exit_code INTEGER,
    item_versions_rewritten INTEGER,
    calls_to_review INTEGER
);
"""


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """DuckDB's own default takes 80% of the machine's memory; READOUTS_DUCKDB_MEMORY_LIMIT
    (default 1GB) keeps a large backfill's load and build within bounds: beyond it DuckDB
    writes to disk instead."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    limit = os.environ.get("READOUTS_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": limit})


def open_build(
    build: Path, published: Path, *, adopt_published: bool = True
) -> duckdb.DuckDBPyConnection:
    """The writer's warehouse, with its schema. A warehouse made before builds and
    publications were separate (only the published file exists) becomes the build warehouse
    by copy. A file DuckDB cannot open is reported with what to do, not with DuckDB's raw
    error."""
    if adopt_published and not build.exists() and published.exists():
        build.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(published, build.with_suffix(".migrating"))
        os.replace(build.with_suffix(".migrating"), build)
    try:
        con = connect(build)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseBusy(
                f"the build warehouse {build} is open in another process ({error}); only "
                f"`readouts` runs may open it: analysts read {published}. Close that "
                "process and run again."
            ) from None
        raise unwritable(error, str(build)) or WarehouseUnusable(_unusable(build, error)) from None
    except duckdb.Error as error:
        raise WarehouseUnusable(_unusable(build, error)) from None
    try:
        ensure_schema(con)
    except duckdb.Error as error:
        con.close()
        raise WarehouseUnusable(_unusable(build, error)) from None
    return con


def _unusable(build: Path, error: Exception) -> str:
    return (
        f"the build warehouse {build} cannot be opened ({type(error).__name__}: "
        f"{str(error).splitlines()[0]}). Run `readouts rebuild` to set it aside and rebuild it "
        "from the raw zone; the run history is kept."
    )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for layer in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {layer}")
    con.execute(RAW_TABLES)
    _add_new_columns(con)
    from flows.load.sources import record_sources  # the sources import the normalisers

    record_sources(con)


@cache
def _declared_columns() -> tuple[tuple[str, str, str, str], ...]:
    """Every column RAW_TABLES declares (schema, table, column, type), worked out once per
    process: a run opens its warehouse several times."""
    with duckdb.connect() as expected:
        for layer in ("raw", "audit"):
            expected.execute(f"CREATE SCHEMA {layer}")
        expected.execute(RAW_TABLES)
        return tuple(
            expected.execute(
                "select schema_name, table_name, column_name, data_type from duckdb_columns() "
                "where schema_name in ('raw', 'audit')"
            ).fetchall()
        )


def _add_new_columns(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse made by an older version gains the columns added since (as NULLs), so an
    upgrade needs no manual migration."""
    wanted = _declared_columns()
    present = {
        (schema, table, column)
        for schema, table, column in con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where schema_name in ('raw', 'audit')"
        ).fetchall()
    }
    for schema, table, column, data_type in wanted:
        if (schema, table, column) not in present:
            con.execute(f'ALTER TABLE {schema}.{table} ADD COLUMN "{column}" {data_type}')


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure anywhere inside leaves the warehouse as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
