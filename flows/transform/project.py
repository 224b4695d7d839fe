"""Runs the dbt project in sql/ in process (dbt's dbtRunner) against a build warehouse:
its seeds (the reference data, sql/seeds/), the models of staging, intermediate and marts,
and their tests.

The warehouse file must not be open in this process with another configuration while dbt
runs: the caller closes its connection first (flows/pipeline.py) and reopens it after."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from flows.load.warehouse import DEFAULT_MEMORY_LIMIT
from flows.ops.failpoints import failpoint
from flows.ops.outcomes import DataFailure
from flows.settings import SQL_DIR


class ModelBuildError(DataFailure):
    """A model or seed failed; the message names it and gives DuckDB's error."""


class DataTestFailure(DataFailure):
    """One or more dbt tests found offending rows."""


@dataclass(frozen=True)
class BuildResult:
    models_built: int
    tests_passed: int
    reference_tables: int


@dataclass(frozen=True)
class DbtPaths:
    """Where dbt keeps its own files (compiled SQL, run results, partial parse state, logs):
    beside the build warehouse, out of the project and out of git."""

    root: Path

    @property
    def target(self) -> Path:
        return self.root / "target"

    @property
    def logs(self) -> Path:
        return self.root / "logs"


Log = Callable[[str], None]


@contextmanager
def _environment(warehouse: Path) -> Iterator[None]:
    """profiles.yml reads these: the build warehouse of the current settings and its memory
    limit."""
    wanted = {
        "READOUTS_DBT_PATH": str(warehouse.resolve()),
        "READOUTS_DUCKDB_MEMORY_LIMIT": os.environ.get(
            "READOUTS_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT
        ),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    saved = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke(
    command: list[str],
    warehouse: Path,
    paths: DbtPaths,
    project_dir: Path = SQL_DIR,
    callbacks: list[Callable] | None = None,
    manifest=None,
):
    """One dbt command of the project in `project_dir` (sql/, or a copy with other rules)
    against `warehouse`; returns dbt's own result object. With a `manifest` (from `parsed`),
    dbt does not parse the project again."""
    from dbt.cli.main import dbtRunner  # dbt's import costs ~2 s: only runs that build pay it

    args = dbt_arguments(command, paths, project_dir)
    with _environment(warehouse):
        try:
            return dbtRunner(manifest=manifest, callbacks=callbacks or []).invoke(args)
        finally:
            _close_database()


# dbt.log's level unless READOUTS_DBT_LOG_LEVEL says otherwise. At `debug` dbt formats and
# writes every SQL statement and connection event: 87% of the file's lines, ~0.6 s of a
# small build's 9 s of CPU (median of 5 builds, idle); the compiled SQL stays in target/.
DEFAULT_DBT_LOG_LEVEL = "info"
DBT_LOG_LEVELS = ("debug", "info", "warn", "error", "none")


def _file_log_level() -> str:
    level = os.environ.get("READOUTS_DBT_LOG_LEVEL") or DEFAULT_DBT_LOG_LEVEL
    if level not in DBT_LOG_LEVELS:
        raise ModelBuildError(
            f"READOUTS_DBT_LOG_LEVEL is {level!r}: set it to one of {', '.join(DBT_LOG_LEVELS)} "
            "or unset it"
        )
    return level


def dbt_arguments(command: list[str], paths: DbtPaths, project_dir: Path = SQL_DIR) -> list[str]:
    """dbt's command line for `command`: the project, its profile, dbt's own files under
    `paths`, nothing on the console (the flow logs each node), its log file at
    READOUTS_DBT_LOG_LEVEL."""
    return [
        *command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(paths.target),
        "--log-path",
        str(paths.logs),
        "--log-level",
        "none",
        "--log-level-file",
        _file_log_level(),
        "--no-use-colors",
        "--no-version-check",
    ]


_PARSED: dict[str, object] = {}
# what the manifest is made of besides the project's files: dbt's own macros and the
# adapter's (an upgrade of dbt-duckdb alone changes them)
DBT_PACKAGES = ("dbt-core", "dbt-adapters", "dbt-duckdb")


def manifest_key(warehouse: Path, project_dir: Path = SQL_DIR) -> str:
    """Names a parse: the same for the same project files (seeds included), database name
    and dbt packages, in any process; different as soon as any of them changes."""
    from importlib.metadata import PackageNotFoundError, version

    from flows.transform.fingerprint import models_fingerprint

    versions = []
    for package in DBT_PACKAGES:
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} absent")
    parts = (*versions, str(project_dir.resolve()), warehouse.stem, models_fingerprint(project_dir))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


def saved_manifest(warehouse: Path, project_dir: Path = SQL_DIR) -> Path:
    """Where `parsed` keeps the manifest of that parse for the next processes."""
    return project_dir / "target" / "manifests" / f"{manifest_key(warehouse, project_dir)}.msgpack"


def _read_manifest(path: Path):
    from dbt.contracts.graph.manifest import Manifest

    if not path.exists():
        return None
    try:
        return Manifest.from_msgpack(path.read_bytes())
    except Exception:  # a cache written by another dbt version, or cut short: parse again
        return None


def parsed(warehouse: Path, paths: DbtPaths, project_dir: Path = SQL_DIR):
    """The project's manifest, parsed once for the same project (`manifest_key`) and kept in
    this process and in the project's target/manifests/ for the next ones, which pass it to
    dbtRunner and never parse. dbt's own partial parsing does not survive a change of
    warehouse path (it hashes the profile), and a full parse is most of a small build's time
    (~5 s idle, ~16 s with both cores busy). A manifest newly in memory freezes what
    lives on (`_freeze_what_lives_on`)."""
    cached = saved_manifest(warehouse, project_dir)
    key = cached.stem
    if key in _PARSED:
        return _PARSED[key]
    manifest = _read_manifest(cached)
    if manifest is None:
        outcome = invoke(["parse"], warehouse, paths, project_dir)
        if outcome.exception is not None or not outcome.success:
            raise ModelBuildError(
                f"dbt parse failed: {_one_line(outcome.exception or outcome.result)}"
            )
        manifest = outcome.result
        with suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_name(f".{key}.{os.getpid()}.tmp")
            temporary.write_bytes(manifest.to_msgpack())
            temporary.replace(cached)
    _PARSED.clear()
    _PARSED[key] = manifest
    _freeze_what_lives_on()
    return manifest


def _freeze_what_lives_on() -> None:
    """The manifest and the modules imported so far (400,000-560,000 objects, measured) live
    as long as the process. Frozen, the garbage collector stops walking them at every full
    collection of what follows (the build, the publication): `readouts demo` into a fresh
    folder used 25-26 s of user CPU without, 19-22 s with (3 runs each, idle). What an
    earlier call froze is unfrozen first, so that a manifest replaced by another project's
    can be collected; then the garbage is collected, so that none is frozen for good."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _close_database() -> None:
    """dbt-duckdb keeps its database open after a command (a failed one too); the writer
    reopens the file next (with the same configuration) and must be the only one holding it
    when it checkpoints and copies it for publishing. Through the adapter's public class
    methods: its environment, closed, then forgotten."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    try:
        environment = DuckDBConnectionManager.env()
    except Exception:  # no environment: nothing is open
        return
    DuckDBConnectionManager.close_all_connections()
    environment.close()


def build(
    warehouse: Path,
    paths: DbtPaths,
    project_dir: Path = SQL_DIR,
    log: Log | None = None,
    selector: list[str] | None = None,
    full_refresh: bool = False,
) -> BuildResult:
    """`dbt build`: seeds, models and tests in dependency order. A failing seed, model or
    test raises with its name and DuckDB's message; the models after it are skipped. The
    incremental models (sql/macros/incremental.sql) recompute only the pending items unless
    `full_refresh`, or unless their table does not exist yet."""
    halfway = _Halfway(log)
    manifest = parsed(warehouse, paths, project_dir)
    refresh = ["--full-refresh"] if full_refresh else []
    if not full_refresh and not selector and _unchanged_relations_kept(warehouse, manifest):
        refresh = keep_unchanged(manifest)
    outcome = invoke(
        ["build", *refresh, *(selector or [])],
        warehouse,
        paths,
        project_dir,
        [halfway.on_event],
        manifest=manifest,
    )
    if outcome.exception is not None:
        raise ModelBuildError(f"dbt build could not run: {_one_line(outcome.exception)}")
    return summarise(outcome.result.results)


# An incremental build runs on the models and rules of the last build that passed (the
# models fingerprint covers every file of the project): the seeds' tables hold exactly these
# CSVs and the views (staging) are exactly these queries, read afresh by every query, so
# neither is made again (~1 s of a small build's 9 s of CPU). The data tests on the views
# over the raw tables still run (with `--indirect-selection empty` excluding a view does not
# exclude its tests); those that read only the rules do not (`rules_only_tests`).
def keep_unchanged(manifest) -> list[str]:
    """dbt's arguments for an incremental build: no seed, no view, no test of the rules."""
    return [
        "--exclude",
        "resource_type:seed",
        "config.materialized:view",
        *rules_only_tests(manifest),
        "--indirect-selection",
        "empty",
    ]


def rules_only_tests(manifest) -> list[str]:
    """The data tests that read nothing but seeds and views over seeds alone: the rules,
    the same as in the last build that passed, which ran these tests on them."""
    nodes = manifest.nodes

    def rules_only(unique_id: str) -> bool:
        node = nodes.get(unique_id)  # None for a source (raw.*): data
        if node is None or node.resource_type not in ("seed", "model"):
            return False
        if node.resource_type == "seed":
            return True
        return node.config.materialized == "view" and all(
            rules_only(parent) for parent in node.depends_on.nodes
        )

    return sorted(
        node.name
        for node in nodes.values()
        if node.resource_type == "test"
        and node.depends_on.nodes
        and all(rules_only(parent) for parent in node.depends_on.nodes)
    )


def _unchanged_relations_kept(warehouse: Path, manifest) -> bool:
    """Every seed's table and every view of the project is in the warehouse (a full build
    killed halfway leaves some missing: then every seed and view is made again)."""
    import duckdb

    if manifest is None:  # no parse to read them from: make them
        return False
    wanted = {
        (node.schema, node.alias or node.name)
        for node in manifest.nodes.values()
        if node.resource_type == "seed"
        or (node.resource_type == "model" and node.config.materialized == "view")
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        present = set(
            con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "union all select schema_name, view_name from duckdb_views()"
            ).fetchall()
        )
    return wanted <= present


class _Halfway:
    """Per finished node: a line in the run's log, and the crash tests' failpoint halfway
    through the models."""

    def __init__(self, log: Log | None) -> None:
        self.log = log
        self.models = 0

    def on_event(self, event) -> None:
        if event.info.name != "NodeFinished":
            return
        node = event.data.node_info
        if self.log is not None:
            self.log(
                f"dbt {node.resource_type} {node.node_name}: {node.node_status} "
                f"({_seconds(node)} s)"
            )
        if node.resource_type == "model":
            self.models += 1
            if self.models == 12:
                failpoint("build")


def _seconds(node) -> str:
    try:
        from datetime import datetime

        started = datetime.fromisoformat(node.node_started_at)
        finished = datetime.fromisoformat(node.node_finished_at)
        return f"{(finished - started).total_seconds():.2f}"
    except (TypeError, ValueError):
        return "?"


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


def _relation(node) -> str:
    if node.resource_type == "test":
        return node.name
    return f"{node.schema}.{node.alias or node.name}"


def summarise(results) -> BuildResult:
    failed_models, failed_tests = [], []
    counts = {"model": 0, "test": 0, "seed": 0}
    for result in results:
        node = result.node
        status = str(result.status)
        if status in ("success", "pass"):
            counts[node.resource_type] = counts.get(node.resource_type, 0) + 1
        elif status in ("error", "fail") and node.resource_type == "test":
            rows = f"{result.failures} offending rows" if result.failures else ""
            failed_tests.append(
                f"dbt test {node.name} ({node.original_file_path}) failed: "
                f"{rows or _one_line(result.message)}"
            )
        elif status == "error":
            failed_models.append(
                f"{node.resource_type} {_relation(node)} ({node.original_file_path}) failed: "
                f"{_one_line(result.message)}"
            )
    if failed_models:
        raise ModelBuildError("; ".join(failed_models))
    if failed_tests:
        raise DataTestFailure("; ".join(failed_tests))
    return BuildResult(counts["model"], counts["test"], counts["seed"])
