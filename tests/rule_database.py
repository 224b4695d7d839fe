"""A DuckDB with the rule macros of the dbt project (sql/macros/rules/) created as DuckDB
macros, reference.frame_hits(s) and the others, from the seeds: for tests of the rules on
single sentences, without building a warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.load.warehouse import connect
from flows.transform.project import DbtPaths, invoke, parsed

RULE_SEEDS = ("tone_lexicon", "tone_frames", "tone_signals", "topics")


def rule_database(directory: Path) -> duckdb.DuckDBPyConnection:
    path, paths = directory / "rules.duckdb", DbtPaths(directory / "dbt")
    manifest = parsed(path, paths)
    for command in (["seed", "--select", *RULE_SEEDS], ["run-operation", "create_rule_macros"]):
        outcome = invoke(command, path, paths, manifest=manifest)
        assert outcome.success, (command, outcome.exception, outcome.result)
    return connect(path)
