"""The run log: two JSON lines per run, one when it starts and one when it ends, in the data
directory. It is written before any warehouse opens, so a run refused as busy, a run whose
warehouse is unusable or whose orchestrator never started is recorded too; `audit.runs` is
brought up to date from it whenever the writer opens the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from flows.ops.jsonl import append_line, read_lines
from flows.summary import RunSummary

INTERRUPTED = "interrupted"


def append(path: Path, summary: RunSummary) -> None:
    append_line(path, summary.as_row())


def append_unstarted(path: Path, summary: RunSummary) -> None:
    """A run refused before it started (busy, or its orchestrator never came up): like any
    run, a start line and an end line."""
    started = RunSummary(summary.run_id, summary.command, summary.source, summary.started_at)
    append_line(path, started.as_row())
    append_line(path, summary.as_row())


def lines_per_run(path: Path) -> dict[str, list[str]]:
    """The statuses each run wrote, in order: ['running', <its end>] for every run."""
    lines: dict[str, list[str]] = {}
    for record in read_lines(path):
        if record.get("run_id"):
            lines.setdefault(record["run_id"], []).append(record.get("status"))
    return lines


def latest_records(path: Path) -> dict[str, dict]:
    """The last record of each run (a run writes a line when it starts and when it ends)."""
    records: dict[str, dict] = {}
    for record in read_lines(path):
        if record.get("run_id"):
            records[record["run_id"]] = record
    return records


def sync_to_audit(con: duckdb.DuckDBPyConnection, path: Path, current_run: str | None) -> int:
    """Copies into audit.runs every run of the log that it lacks or holds in an older state.
    A run still 'running' in the log that is not the current one was killed: it is stored as
    'interrupted'. Returns the number of rows written."""
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() "
            "where schema_name = 'audit' and table_name = 'runs' order by column_index"
        ).fetchall()
    ]
    stored = dict(con.execute("select run_id, status from audit.runs").fetchall())
    written = 0
    for run_id, record in latest_records(path).items():
        if run_id == current_run:
            continue
        if record.get("status") == "running":
            record = {**record, "status": INTERRUPTED}
        if stored.get(run_id) == record.get("status"):
            continue
        row = {column: record.get(column) for column in columns}
        if isinstance(row.get("stage_seconds"), dict):
            row["stage_seconds"] = json.dumps(row["stage_seconds"])
        placeholders = ", ".join("?" for _ in columns)
        con.execute(
            f"INSERT OR REPLACE INTO audit.runs ({', '.join(columns)}) VALUES ({placeholders})",
            list(row.values()),
        )
        written += 1
    return written
