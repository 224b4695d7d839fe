"""Loads a staged batch into the raw schema. Keys make it idempotent: loading the same
pages twice, or again after a crash, leaves the same rows. What a batch says about an
entry replaces what was loaded about that entry before (its item version, counterparts,
sentences, quarantine row, review flags); entries the batch does not mention are never
touched, so a short manifest or a missing page file cannot delete anything."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from flows.landing.raw_zone import ManifestRow, RawZone
from flows.load.warehouse import ensure_schema
from flows.normalize.stage import StagedBatch
from flows.ops.failpoints import failpoint

# staged table → raw table
TARGETS = {
    "fetches": "fetches",
    "fetch_entries": "fetch_entries",
    "items": "item_versions",
    "counterparts": "item_counterparts",
    "sentences": "sentences",
    "quarantine": "quarantine",
    "review": "review_flags",
}
# tables whose rows describe one entry (by source and entry_sha), replaced as a whole; an
# item version is updated in place instead, so that it keeps the fetch that first saw it
PER_ENTRY = ("item_counterparts", "sentences", "quarantine", "review_flags")
REFERENCE_KEY = "reference_fingerprint"


@dataclass(frozen=True)
class LoadResult:
    fetches: int
    item_versions: int  # new rows: versions never loaded before
    rewritten: int  # versions loaded before and written again (a re-normalised page)
    new_items: int
    new_versions: int
    counterparts: int
    sentences: int
    quarantined: int
    # versions loaded before whose entries this batch quarantined (_unload_quarantined)
    unloaded: int = 0


def mirror_checkpoint(con: duckdb.DuckDBPyConnection, zone: RawZone) -> None:
    """Copies the raw zone's backfill checkpoint into raw.load_state, where operators can
    read it with SQL. The raw zone's copy is the one the walker trusts: it is written after
    every page, so even a killed run resumes where it stopped."""
    con.execute(
        "INSERT OR REPLACE INTO raw.load_state VALUES (?, ?)",
        [f"backfill_checkpoint:{zone.source}", json.dumps(zone.read_checkpoint())],
    )


def pending_fetches(
    con: duckdb.DuckDBPyConnection, zone: RawZone, *, reprocess: bool
) -> list[ManifestRow]:
    """Manifest rows not loaded yet (all of them when reprocessing), oldest first."""
    ensure_schema(con)
    loaded = {
        fetch_id
        for (fetch_id,) in con.execute(
            "SELECT fetch_id FROM raw.fetches WHERE source = ?", [zone.source]
        ).fetchall()
    }
    rows = [row for row in zone.manifest() if reprocess or row.fetch_id not in loaded]
    unique = {row.fetch_id: row for row in rows}  # a fetch listed twice is one fetch
    return sorted(unique.values(), key=lambda row: (row.fetched_at, row.fetch_id))


def normalised_page_hashes(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    return {
        sha
        for (sha,) in con.execute(
            "SELECT DISTINCT sha256 FROM raw.fetches WHERE source = ? AND status = 200 "
            "AND sha256 IS NOT NULL",
            [source],
        ).fetchall()
    }


def needs_reprocess(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """Reference data changed since the last load: every landed page is normalised again."""
    ensure_schema(con)
    stored = con.execute(
        "SELECT value FROM raw.load_state WHERE key = ?", [REFERENCE_KEY]
    ).fetchone()
    if stored is None:
        return con.execute("SELECT count(*) FROM raw.fetches").fetchone()[0] > 0
    return stored[0] != fingerprint


def _novelty(con: duckdb.DuckDBPyConnection, files: list[str]) -> tuple[int, int]:
    """Staged item versions not loaded yet: of items never seen, and of items already known
    (a readout edited after publication)."""
    if not files:
        return 0, 0
    return con.execute(
        """
        with staged as (
            select distinct source, item_id, entry_sha from read_parquet($files)
        ),
        fresh as (
            select s.* from staged s
            anti join raw.item_versions v
                on v.source = s.source and v.item_id = s.item_id and v.entry_sha = s.entry_sha
        )
        select
            count(distinct item_id) filter (where not exists (
                select 1 from raw.item_versions v where v.source = fresh.source
                and v.item_id = fresh.item_id)),
            count(*) filter (where exists (
                select 1 from raw.item_versions v where v.source = fresh.source
                and v.item_id = fresh.item_id))
        from fresh
        """,
        {"files": files},
    ).fetchone()


def _insert(con: duckdb.DuckDBPyConnection, table: str) -> str:
    if table != "item_versions":
        return f"INSERT OR IGNORE INTO raw.{table} BY NAME SELECT * FROM read_parquet(?)"
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'raw' "
            "and table_name = 'item_versions' order by column_index"
        ).fetchall()
    ]
    kept = ("source", "item_id", "entry_sha", "fetch_id")
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in kept)
    return (
        "INSERT INTO raw.item_versions BY NAME SELECT * FROM read_parquet(?) "
        f"ON CONFLICT (source, item_id, entry_sha) DO UPDATE SET {updates}"
    )


def observations_change_versions(con: duckdb.DuckDBPyConnection, batch: StagedBatch) -> bool:
    """Whether this batch saw an entry that is not its item's newest version: content that
    came back after an edit (no new item version to load, yet a new newest version)."""
    files = [str(path) for path in batch.files("fetch_entries")]
    built = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'intermediate' and table_name = 'int_latest_item_versions'"
    ).fetchone()[0]
    if not files or not built:
        return False
    return con.execute(
        """
        select count(*) > 0
        from read_parquet(?) as e
        inner join raw.item_versions as i on i.source = e.source and i.entry_sha = e.entry_sha
        left join intermediate.int_latest_item_versions as l
            on l.source = i.source and l.item_id = i.item_id
        where l.entry_sha is distinct from i.entry_sha
        """,
        [files],
    ).fetchone()[0]


def _mark_pending(con: duckdb.DuckDBPyConnection, batch: StagedBatch) -> None:
    """Lists for the next incremental build every item of every entry the batch mentions:
    its new or re-normalised versions, its quarantined entries, and the entries its pages
    showed (an old version seen again can become the newest: content back after an edit)."""
    files = [
        str(path)
        for table in ("items", "quarantine", "fetch_entries")
        for path in batch.files(table)
    ]
    if not files:
        return
    con.execute(
        """
        INSERT OR IGNORE INTO raw.pending_items
        SELECT DISTINCT i.source, i.item_id
        FROM (SELECT DISTINCT source, entry_sha FROM read_parquet(?, union_by_name = true)) e
        INNER JOIN raw.item_versions i ON i.source = e.source AND i.entry_sha = e.entry_sha
        """,
        [files],
    )


def _unload_quarantined(con: duckdb.DuckDBPyConnection, batch: StagedBatch) -> int:
    """An entry loaded before and quarantined now (its page normalised again under rules it
    fails) is no longer loaded: a version left without its counterparts and sentences would
    fail every build after this one. Returns how many versions went: their counterparts
    are gone from raw.*, so only a full build knows which marts' rows they were in."""
    files = [str(path) for path in batch.files("quarantine")]
    if not files:
        return 0
    return con.execute(
        "DELETE FROM raw.item_versions t USING (SELECT DISTINCT source, entry_sha "
        "FROM read_parquet(?, union_by_name = true)) s "
        "WHERE t.source = s.source AND t.entry_sha = s.entry_sha",
        [files],
    ).fetchone()[0]


def _new_quarantined(con: duckdb.DuckDBPyConnection, files: list[str]) -> int:
    """Staged quarantine entries neither quarantined nor loaded before."""
    if not files:
        return 0
    return con.execute(
        """
        select count(*) from (select distinct source, entry_sha from read_parquet(?)) s
        where not exists (
            select 1 from raw.quarantine q where q.source = s.source and q.entry_sha = s.entry_sha)
        and not exists (
            select 1 from raw.item_versions i
            where i.source = s.source and i.entry_sha = s.entry_sha)
        """,
        [files],
    ).fetchone()[0]


def load_staged(
    con: duckdb.DuckDBPyConnection,
    batch: StagedBatch,
    *,
    reference_fingerprint: str,
) -> LoadResult:
    """Run inside the caller's transaction."""
    ensure_schema(con)
    new_items, new_versions = _novelty(con, [str(path) for path in batch.files("items")])
    new_quarantined = _new_quarantined(con, [str(path) for path in batch.files("quarantine")])
    entries = [str(path) for table in ("items", "quarantine") for path in batch.files(table)]
    if entries:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE staged_entries AS "
            "SELECT DISTINCT source, entry_sha FROM read_parquet(?, union_by_name = true)",
            [entries],
        )
        for table in PER_ENTRY:
            con.execute(
                f"DELETE FROM raw.{table} t USING staged_entries s "
                "WHERE t.source = s.source AND t.entry_sha = s.entry_sha"
            )
    inserted = {}
    for staged, table in TARGETS.items():
        files = [str(path) for path in batch.files(staged)]
        inserted[staged] = 0
        if files:
            inserted[staged] = con.execute(_insert(con, table), [files]).fetchone()[0]
            if staged == "items":
                failpoint("load")
    _mark_pending(con, batch)
    unloaded = _unload_quarantined(con, batch)
    fetch_files = [str(path) for path in batch.files("fetches")]
    if fetch_files:
        # a page that loads has stopped failing
        con.execute(
            "DELETE FROM raw.page_failures f USING read_parquet(?) s "
            "WHERE f.source = s.source AND f.sha256 = s.sha256 AND f.set_aside_at IS NULL",
            [fetch_files],
        )
    con.execute(
        "INSERT OR REPLACE INTO raw.load_state VALUES (?, ?)",
        [REFERENCE_KEY, reference_fingerprint],
    )
    return LoadResult(
        fetches=inserted["fetches"],
        item_versions=new_items + new_versions,
        rewritten=inserted["items"] - new_items - new_versions,
        new_items=new_items,
        new_versions=new_versions,
        counterparts=inserted["counterparts"],
        sentences=inserted["sentences"],
        quarantined=new_quarantined,
        unloaded=unloaded,
    )
