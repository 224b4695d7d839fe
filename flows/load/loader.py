"""Loads a staged batch into the raw schema. Keys make it idempotent: loading the same
pages twice, or again after a crash, leaves the same rows."""

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
}
REFERENCE_KEY = "reference_fingerprint"


@dataclass(frozen=True)
class LoadResult:
    fetches: int
    item_versions: int
    new_items: int
    new_versions: int
    counterparts: int
    sentences: int
    quarantined: int


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
    return sorted(rows, key=lambda row: (row.fetched_at, row.fetch_id))


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


def load_staged(
    con: duckdb.DuckDBPyConnection,
    batch: StagedBatch,
    *,
    source: str,
    reprocess: bool,
    reference_fingerprint: str,
) -> LoadResult:
    """Run inside the caller's transaction."""
    ensure_schema(con)
    if reprocess:
        for table in TARGETS.values():
            con.execute(f"DELETE FROM raw.{table} WHERE source = ?", [source])
    new_items, new_versions = _novelty(con, [str(path) for path in batch.files("items")])
    inserted = {}
    for staged, table in TARGETS.items():
        files = [str(path) for path in batch.files(staged)]
        inserted[staged] = 0
        if files:
            inserted[staged] = con.execute(
                f"INSERT OR IGNORE INTO raw.{table} BY NAME SELECT * FROM read_parquet(?)",
                [files],
            ).fetchone()[0]
            if staged == "items":
                failpoint("load")
    con.execute(
        "INSERT OR REPLACE INTO raw.load_state VALUES (?, ?)",
        [REFERENCE_KEY, reference_fingerprint],
    )
    return LoadResult(
        fetches=inserted["fetches"],
        item_versions=inserted["items"],
        new_items=new_items,
        new_versions=new_versions,
        counterparts=inserted["counterparts"],
        sentences=inserted["sentences"],
        quarantined=inserted["quarantine"],
    )
