"""Nothing silently dropped: entries landed = entries loaded + entries quarantined."""

from __future__ import annotations

import duckdb

RECONCILE = """
with landed as (select distinct source, entry_sha from raw.fetch_entries where source = $source)
select
    (select count(*) from landed),
    (select count(*) from landed l where exists (
        select 1 from raw.item_versions i where i.source = l.source and i.entry_sha = l.entry_sha)),
    (select count(*) from landed l where exists (
        select 1 from raw.quarantine q where q.source = l.source and q.entry_sha = l.entry_sha)
        and not exists (
        select 1 from raw.item_versions i where i.source = l.source and i.entry_sha = l.entry_sha))
"""


def reconcile(con: duckdb.DuckDBPyConnection, source: str) -> tuple[int, int, int]:
    landed, loaded, quarantined = con.execute(RECONCILE, {"source": source}).fetchone()
    return landed, loaded, quarantined
