"""A DuckDB with the rule macros of the dbt project (sql/macros/rules/) created as DuckDB
macros, reference.frame_hits(s) and the others, from the seeds: for tests of the rules on
single sentences, without building a warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.load.warehouse import connect
from flows.settings import SQL_DIR
from flows.transform.project import DbtPaths, invoke, parsed

RULE_SEEDS = ("tone_lexicon", "tone_frames", "tone_signals", "topics")


def rule_database(
    directory: Path, project_dir: Path = SQL_DIR, seeds: tuple[str, ...] = RULE_SEEDS
) -> duckdb.DuckDBPyConnection:
    """`seeds`: the shared rule seeds; () for every seed (the sources' own rules too)."""
    path, paths = directory / "rules.duckdb", DbtPaths(directory / "dbt")
    manifest = parsed(path, paths, project_dir)
    seed = ["seed", "--select", *seeds] if seeds else ["seed"]
    for command in (seed, ["run-operation", "create_rule_macros"]):
        outcome = invoke(command, path, paths, project_dir, manifest=manifest)
        assert outcome.success, (command, outcome.exception, outcome.result)
    return connect(path)
