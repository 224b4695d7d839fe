"""A warehouse built from feed items in-process (no Prefect, no HTTP): normalise, stage,
load, then `dbt build`, as the flow does. For fast tests of the SQL models."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.core.fetch import FetchResult
from flows.demo.atom_pages import FeedItem, paginate
from flows.landing.raw_zone import RawZone
from flows.load.loader import load_staged
from flows.load.warehouse import connect, ensure_schema, transaction
from flows.normalize.stage import StagedBatch, stage_pages
from flows.settings import SEEDS, SQL_DIR
from flows.sources import get_source
from flows.transform.project import DbtPaths, build


def project_copy(directory: Path) -> Path:
    """A copy of the dbt project (sql/) in `directory`, without dbt's own files: a build
    with other rules edits the copy's seeds, as an analyst tries a change."""
    copy = directory / "sql"
    shutil.copytree(SQL_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    return copy


def staged_batch(
    items: Sequence[FeedItem],
    directory: Path,
    project_dir: Path = SQL_DIR,
    source_name: str = "kremlin",
    language: str = "en",
) -> StagedBatch:
    """`items` landed as feed pages of `source_name` in a raw zone under `directory` and
    normalised."""
    zone = RawZone(directory / "raw", source_name)
    source = get_source(source_name, project_dir / SEEDS)
    for number, body in paginate(items, language=language).items():
        fetch = FetchResult(source.page_url("http://x", number), datetime.now(UTC), 200, body)
        page = source.parse_page(body)
        keys = [(e.entry_id or "", e.entry_sha) for e in page.entries]
        zone.store(fetch, run_id="test", page_no=number, entry_keys=keys)
    return stage_pages(list(zone.manifest()), zone, source, directory / "stage")


def build_warehouse(
    items: Sequence[FeedItem],
    directory: Path,
    project_dir: Path = SQL_DIR,
    source_name: str = "kremlin",
    language: str = "en",
) -> duckdb.DuckDBPyConnection:
    batch = staged_batch(items, directory, project_dir, source_name, language)
    path = directory / "warehouse.duckdb"
    con = connect(path)
    ensure_schema(con)
    with transaction(con):
        load_staged(con, batch, reference_fingerprint="test")
    con.close()
    build(path, DbtPaths(directory / "dbt"), project_dir)
    return connect(path)


def build_sources_warehouse(
    items_by_source: dict[str, tuple[Sequence[FeedItem], str]],
    directory: Path,
    project_dir: Path = SQL_DIR,
) -> duckdb.DuckDBPyConnection:
    """Several sources' items (with their feed's language) in one warehouse, each source
    normalised as its own batch."""
    path = directory / "warehouse.duckdb"
    con = connect(path)
    ensure_schema(con)
    for name, (items, language) in items_by_source.items():
        batch = staged_batch(items, directory / name, project_dir, name, language)
        with transaction(con):
            load_staged(con, batch, reference_fingerprint="test")
    con.close()
    build(path, DbtPaths(directory / "dbt"), project_dir)
    return connect(path)


def call(item_id: str, *sentences: str) -> FeedItem:
    """A call readout with Finland whose body is `sentences`."""
    stamp = "2021-06-30T16:10:00+04:00"
    return FeedItem(
        item_id,
        "Telephone conversation with President of Finland Sauli Niinisto",
        stamp,
        stamp,
        "Vladimir Putin had a telephone conversation with President of Finland Sauli Niinisto.",
        list(sentences),
    )


MODEL_SCHEMAS = ("intermediate", "marts")


def _model_tables_of(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    return {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where database_name = '{catalog}' and schema_name in {MODEL_SCHEMAS}"
        ).fetchall()
    }


def model_differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """Per model table, the rows of one warehouse missing from the other, both ways (bags:
    EXCEPT ALL), where there are any."""
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    found = {}
    for table in sorted(_model_tables_of(con, "a") | _model_tables_of(con, "b")):
        counts = tuple(
            con.execute(
                f"select count(*) from (from {x}.{table} except all from {y}.{table})"
            ).fetchone()[0]
            for x, y in (("a", "b"), ("b", "a"))
        )
        if any(counts):
            found[table] = counts
    con.close()
    return found


def differences_from_a_full_rebuild(path: Path, directory: Path) -> dict[str, tuple[int, int]]:
    """The incremental warehouse at `path` against a copy of it (in `directory`) rebuilt
    with --full-refresh."""
    directory.mkdir(parents=True, exist_ok=True)
    rebuilt = directory / "rebuilt.duckdb"
    shutil.copyfile(path, rebuilt)
    build(rebuilt, DbtPaths(directory / "rebuilt-dbt"), full_refresh=True)
    return model_differences(path, rebuilt)
