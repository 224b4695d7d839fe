"""Crash safety: a run killed with SIGKILL during extraction, the load, the model build or
publishing; the next run must converge to the warehouse of an uninterrupted run, record
the killed run as interrupted and remove what a killed publication left."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import duckdb

from flows.demo.atom_pages import paginate
from flows.demo.server import FeedServer, feed_paths
from flows.ops.failpoints import POINTS
from flows.settings import PROJECT_ROOT, Settings
from tests.cli_commands import readouts_run
from tests.reliability.cases import FEED, Outcome, standard_items

# Columns that differ between two runs by nature (ids and times of fetches and runs).
VOLATILE = {"fetch_id", "run_id", "fetched_at", "first_fetched_at", "validated_at"}


def content_fingerprints(warehouse: Path) -> dict[str, str]:
    """Every table of the staging, intermediate and mart layers, without volatile columns."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('staging', 'intermediate', 'marts') "
            # the fetch log and the per-run measures record the runs themselves: a killed
            # run is one more run
            "and table_name not in ('stg_fetches', 'source_health') order by 1, 2"
        ).fetchall()
        prints = {}
        for schema, table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? order by column_index",
                    [schema, table],
                ).fetchall()
                if name not in VOLATILE
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(
                repr(r) for r in con.execute(f"select {select} from {schema}.{table}").fetchall()
            )
            prints[f"{schema}.{table}"] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return prints


def _pages() -> dict[str, bytes]:
    return feed_paths(paginate(standard_items()), FEED)


def killed_run(
    point: str, base_url: str, data_dir: Path, api_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`readouts run` in a new process, killed (SIGKILL: exit -9) at the failpoint `point`."""
    assert point in POINTS
    env = {**os.environ, "READOUTS_FAILPOINT": point, "READOUTS_PAUSE_SECONDS": "0"}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return subprocess.run(
        readouts_run(base_url, data_dir),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def reference_run(data_dir: Path) -> dict[str, str]:
    from flows.pipeline import run_flow

    with FeedServer(_pages()) as server:
        settings = Settings(
            source="kremlin", base_url=server.base_url, data_dir=data_dir, pause_seconds=0
        )
        run_flow(settings)
    return content_fingerprints(settings.warehouse_path)


def run_crash_case(
    point: str, data_dir: Path, reference: dict[str, str], api_url: str | None = None
) -> Outcome:
    from flows.pipeline import run_flow

    problems = []
    with FeedServer(_pages()) as server:
        killed = killed_run(point, server.base_url, data_dir, api_url)
        if killed.returncode != -9:
            problems.append(
                f"the run was not killed at {point} (exit {killed.returncode}): "
                f"{killed.stderr[-500:]}"
            )
        settings = Settings(
            source="kremlin", base_url=server.base_url, data_dir=data_dir, pause_seconds=0
        )
        summary = run_flow(settings)
    if summary.status != "success":
        problems.append(f"the next run ended {summary.status}: {summary.message}")
    after = content_fingerprints(settings.warehouse_path)
    differing = sorted(t for t in set(after) | set(reference) if after.get(t) != reference.get(t))
    if differing:
        problems.append(f"tables differ from an uninterrupted run: {differing[:6]}")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        in_warehouse = con.execute(
            "select count(*) from intermediate.int_latest_item_versions"
        ).fetchone()[0]
        killed = con.execute(
            "select status from audit.runs where run_id != ?", [summary.run_id]
        ).fetchall()
    if killed != [("interrupted",)]:
        problems.append(f"the killed run is recorded as {killed}, not interrupted")
    leftovers = list(settings.warehouse_path.parent.glob(".*.publishing"))
    if leftovers:
        problems.append(f"half-copied files left beside the warehouse: {leftovers}")
    return Outcome(
        f"sigkill_during_{point}",
        not problems,
        "; ".join(problems) or "ok",
        len(standard_items()),
        in_warehouse,
        0,
    )
