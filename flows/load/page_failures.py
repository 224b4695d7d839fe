"""Pages that fail validation run after run. A hard failure names the pages its rows came
from; each such page (by its bytes' sha256) counts a failed run. After `limit` failed runs
the page is set aside: its fetches are recorded, each of its entries is quarantined with
the reason, and it no longer blocks the pages behind it. A page that loads stops counting.
`readouts run --retry-set-aside` tries set-aside pages again."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import polars as pl

from flows.landing.raw_zone import ManifestRow, RawZone
from flows.normalize.batch import QUARANTINE_SCHEMA
from flows.normalize.stage import fetch_entries_frame, fetches_frame


def record_failures(
    con: duckdb.DuckDBPyConnection, source: str, shas: set[str], run_id: str, reason: str
) -> None:
    now = datetime.now(UTC)
    for sha in sorted(s for s in shas if s):
        con.execute(
            """
            INSERT INTO raw.page_failures VALUES (?, ?, 1, ?, ?, ?, NULL)
            ON CONFLICT (source, sha256) DO UPDATE SET
                failures = raw.page_failures.failures + 1,
                last_run_id = excluded.last_run_id,
                last_reason = excluded.last_reason
            """,
            [source, sha, now, run_id, reason[:2000]],
        )


def set_aside_shas(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    return {
        sha
        for (sha,) in con.execute(
            "SELECT sha256 FROM raw.page_failures WHERE source = ? AND set_aside_at IS NOT NULL",
            [source],
        ).fetchall()
    }


def set_aside_due(
    con: duckdb.DuckDBPyConnection, zone: RawZone, pending: list[ManifestRow], limit: int
) -> list[str]:
    """Sets aside the pending pages that have failed `limit` runs; returns what it did, one
    line per page. Runs inside the caller's transaction."""
    due = dict(
        con.execute(
            "SELECT sha256, last_reason FROM raw.page_failures "
            "WHERE source = ? AND set_aside_at IS NULL AND failures >= ?",
            [zone.source, limit],
        ).fetchall()
    )
    rows = [row for row in pending if row.sha256 in due]
    if not rows:
        return []
    quarantine = pl.DataFrame(
        [
            {
                "source": zone.source,
                "entry_sha": entry_sha,
                "fetch_id": row.fetch_id,
                "raw_path": row.path,
                "item_id": None,
                "entry_position": position,
                "reason": f"its page was set aside after {limit} failed runs: {due[row.sha256]}",
            }
            for row in rows
            for position, (_, entry_sha) in enumerate(row.entry_keys)
        ],
        schema=QUARANTINE_SCHEMA,
    )
    for table, frame in (
        ("fetches", fetches_frame(rows)),
        ("fetch_entries", fetch_entries_frame(rows)),
        ("quarantine", quarantine),
    ):
        con.register("set_aside_rows", frame)
        con.execute(f"INSERT OR IGNORE INTO raw.{table} BY NAME SELECT * FROM set_aside_rows")
        con.unregister("set_aside_rows")
    con.execute(
        "UPDATE raw.page_failures SET set_aside_at = ? WHERE source = ? AND sha256 IN ?",
        [datetime.now(UTC), zone.source, sorted(due)],
    )
    return [
        f"page {row.path} ({row.url}) set aside after {limit} failed runs: "
        f"{due[row.sha256][:300]}; its {len(row.entry_keys)} entries are quarantined "
        "(`readouts run --retry-set-aside` tries it again)"
        for row in {row.sha256: row for row in rows}.values()
    ]


def retry_set_aside(con: duckdb.DuckDBPyConnection, source: str) -> int:
    return con.execute(
        "DELETE FROM raw.page_failures WHERE source = ? AND set_aside_at IS NOT NULL", [source]
    ).fetchone()[0]
