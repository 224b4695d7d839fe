"""A run's drift check, after the models are built: its row of `marts.source_health`
against the source's earlier rows, judged by flows/validate/drift.py with the tuning of
reference/drift_checks.csv."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.validate.drift import DRIFT_FILE, Drift, RunMeasures, judge, read_tuning

_COLUMNS = (
    "run_id, fetched_at, entries, entries_quarantined, items, calls, calls_resolved, "
    "calls_toned, sentences_per_item, languages, hosts"
)


def source_runs(con: duckdb.DuckDBPyConnection, source: str) -> list[RunMeasures]:
    """The source's rows of marts.source_health, oldest first (none before the first build)."""
    built = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'marts' and table_name = 'source_health'"
    ).fetchone()[0]
    if not built:
        return []
    rows = con.execute(
        f"select {_COLUMNS} from marts.source_health where source = ? order by fetched_at, run_id",
        [source],
    ).fetchall()
    return [
        RunMeasures(
            *row[:9],
            languages=frozenset(row[9] or ()),
            hosts=frozenset(row[10] or ()),
        )
        for row in rows
    ]


def run_drifts(
    con: duckdb.DuckDBPyConnection, source: str, run_id: str, reference_dir: Path
) -> list[Drift]:
    """The measures of this run that left their source's bounds; none when the run brought
    no entry the warehouse had not seen."""
    runs = source_runs(con, source)
    current = next((run for run in runs if run.run_id == run_id), None)
    if current is None:
        return []
    return judge(current, runs, read_tuning(reference_dir / DRIFT_FILE, source))
