"""A DuckDB with the rule macros of the dbt project (sql/macros/rules/) created as DuckDB
macros, reference.frame_hits(s) and the others, from the seeds: for tests of the rules on
single sentences, without building a warehouse."""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib.metadata import version
from pathlib import Path

import duckdb

from flows.load.warehouse import connect
from flows.settings import SQL_DIR
from flows.transform.fingerprint import models_fingerprint
from flows.transform.project import DbtPaths, invoke, parsed

RULE_SEEDS = ("tone_lexicon", "tone_frames", "tone_signals", "topics")


def rule_database(
    directory: Path, project_dir: Path = SQL_DIR, seeds: tuple[str, ...] = RULE_SEEDS
) -> duckdb.DuckDBPyConnection:
    """`seeds`: the shared rule seeds; () for every seed (the sources' own rules too).

    Made once for the same project files (seeds and macros included), seeds and versions of
    dbt and DuckDB, and kept in the project's target/rule-databases/ for the next sessions:
    making it (importing dbt, seeding, creating the macros) was the fast tier's slowest
    fixture. Any change to a rule, a seed or a macro changes the key."""
    path = directory / "rules.duckdb"
    key = hashlib.sha256(
        "\0".join(
            (
                version("dbt-core"),
                version("dbt-duckdb"),
                duckdb.__version__,
                str(project_dir.resolve()),
                models_fingerprint(project_dir),
                ",".join(seeds),
            )
        ).encode()
    ).hexdigest()[:20]
    cached = project_dir / "target" / "rule-databases" / f"{key}.duckdb"
    if cached.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, path)
        return connect(path)
    paths = DbtPaths(directory / "dbt")
    manifest = parsed(path, paths, project_dir)
    seed = ["seed", "--select", *seeds] if seeds else ["seed"]
    for command in (seed, ["run-operation", "create_rule_macros"]):
        outcome = invoke(command, path, paths, project_dir, manifest=manifest)
        assert outcome.success, (command, outcome.exception, outcome.result)
    con = connect(path)
    con.execute("CHECKPOINT")  # everything in the file, nothing in a WAL beside it
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_name(f".{key}.{os.getpid()}.tmp")
        shutil.copyfile(path, temporary)
        temporary.replace(cached)
    except OSError:
        pass  # a read-only clone: made again next time
    return con
