"""Nothing silently dropped: entries landed = entries loaded + entries quarantined, counted
from staging.stg_entry_fates (sql/models/staging/), whose dbt test fails the build when an
entry is neither: one definition of an entry's fate, for the check and for the summary."""

from __future__ import annotations

import duckdb

RECONCILE = """
select
    count(*),
    count(*) filter (where fate = 'loaded'),
    count(*) filter (where fate = 'quarantined')
from staging.stg_entry_fates
where source = $source
"""


def reconcile(con: duckdb.DuckDBPyConnection, source: str) -> tuple[int, int, int]:
    landed, loaded, quarantined = con.execute(RECONCILE, {"source": source}).fetchone()
    return landed, loaded, quarantined
