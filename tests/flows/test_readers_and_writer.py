"""Analysts and BI tools never stop the scheduled writer: a run publishes a new read-only
file while readers hold the old one open, and they keep a consistent snapshot."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import duckdb
import pytest
from sqlalchemy import create_engine, text

from flows.demo.atom_pages import paginate
from flows.demo.server import FeedServer, feed_paths
from flows.settings import PROJECT_ROOT
from tests.cli_commands import readouts_run
from tests.reliability.cases import FEED, standard_items

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _readouts(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _run_process(base_url: str, data_dir, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`readouts run` as a scheduled writer runs it: another process."""
    return subprocess.run(
        readouts_run(base_url, data_dir),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _analyst(path, counts, again) -> None:
    with duckdb.connect(str(path), read_only=True) as con:
        query = "select count(*) from intermediate.int_latest_item_versions"
        counts.put(con.execute(query).fetchone()[0])
        again.wait(300)
        counts.put(con.execute(query).fetchone()[0])


def test_a_run_publishes_while_a_connection_and_a_bi_pool_hold_the_file(tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "READOUTS_PAUSE_SECONDS": "0"}
    published = tmp_path / "warehouse" / "readouts.duckdb"
    with FeedServer(feed_paths(paginate(standard_items(20)), FEED)) as server:
        first = _run_process(server.base_url, tmp_path, env)
    assert first.returncode == 0, first.stderr

    # an analyst's session in another process (DuckDB CLI, a notebook), and a BI tool's
    # pool in this one: both keep the file open across the run
    context = multiprocessing.get_context("fork")
    counts, again = context.Queue(), context.Event()
    analyst = context.Process(target=_analyst, args=(published, counts, again))
    analyst.start()
    assert counts.get(timeout=30) == 20
    engine = create_engine(f"duckdb:///{published}", connect_args={"read_only": True})
    with engine.connect() as pooled:
        assert pooled.execute(text("select count(*) from marts.calls")).scalar() is not None
    bi_before = engine.connect()
    items_before = bi_before.execute(
        text("select count(*) from intermediate.int_latest_item_versions")
    ).scalar()
    try:
        with FeedServer(feed_paths(paginate(standard_items(45)), FEED)) as server:
            second = _run_process(server.base_url, tmp_path, env)
        assert second.returncode == 0, second.stderr
        assert "new items: 25" in second.stdout and "(published now)" in second.stdout
        # the readers keep the snapshot they opened
        old = "select count(*) from intermediate.int_latest_item_versions"
        again.set()
        assert counts.get(timeout=30) == 20 == items_before
        assert bi_before.execute(text(old)).scalar() == 20
        # a new connection (here, a new process) sees the new rows
        fresh = _readouts("query", old, "--format", "csv", "--warehouse", str(published), env=env)
        assert fresh.returncode == 0 and fresh.stdout.splitlines()[-1] == "45"
    finally:
        again.set()
        analyst.join(30)
        bi_before.close()
        engine.dispose()


def test_bi_tools_read_column_metadata_through_sqlalchemy(demo_run):
    """What Superset or Metabase do first: list tables and columns (SQLAlchemy 2.1 failed
    here through duckdb-engine; the lock pins 2.0)."""
    from sqlalchemy import inspect
    from sqlalchemy.pool import NullPool

    settings, _ = demo_run
    engine = create_engine(
        f"duckdb:///{settings.warehouse_path}",
        connect_args={"read_only": True},
        poolclass=NullPool,
    )
    try:
        inspector = inspect(engine)
        assert "calls" in inspector.get_table_names(schema="marts")
        columns = {c["name"] for c in inspector.get_columns("calls", schema="marts")}
        assert {"item_id", "call_date", "initiated_by"} <= columns
    finally:
        engine.dispose()
