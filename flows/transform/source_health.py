"""A run's drift check, after the models are built: its row of `marts.source_health`
against the source's earlier rows, judged by flows/validate/drift.py with the tuning of
sql/seeds/drift_checks.csv."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from flows.ops.outcomes import EXIT_SOURCE
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


# runs that reached their drift check: their entries have been judged (a source failure,
# exit 4, reaches it whether its status is 'partial' or 'failed', with nothing read)
_JUDGED = ("success", "warned", "partial")


def unjudged_runs(
    con: duckdb.DuckDBPyConnection, source: str, measured: list[RunMeasures], run_id: str
) -> list[RunMeasures]:
    """This run's row, and the rows of earlier runs whose entries no run has judged yet: runs
    that fetched and then stopped before their check (a systemic validation failure, a
    failed build, a crash), whose entries this run loads or builds. They are the rows
    fetched after the last run of the source that reached its check ended."""
    (last,) = con.execute(
        "select max(ended_at) from audit.runs where source = ? and run_id != ? "
        f"and (status in {_JUDGED} or exit_code = ?)",
        [source, run_id, EXIT_SOURCE],
    ).fetchone()
    return [
        run for run in measured if run.run_id == run_id or last is None or run.fetched_at > last
    ]


def run_drifts(
    con: duckdb.DuckDBPyConnection, source: str, run_id: str, reference_dir: Path
) -> list[Drift]:
    """The measures that left their source's bounds, for this run's entries and for those of
    earlier runs that no run has judged yet (their lines say which run fetched them); none
    when nothing new was fetched."""
    runs = source_runs(con, source)
    if not runs:
        return []
    pending = unjudged_runs(con, source, runs, run_id)
    if not pending:
        return []
    tunings = read_tuning(reference_dir / DRIFT_FILE, source)
    drifts = []
    for run in pending:
        found = judge(run, runs, tunings)
        if run.run_id != run_id:
            found = [
                replace(d, seen=f"{d.seen} [entries fetched by run {run.run_id}]") for d in found
            ]
        drifts += found
    return drifts
