"""Fixed costs paid once (issue 26, item 2): dbt's parse is saved and reused by the next
processes while the project is unchanged, and redone when it changes; Great Expectations'
context and suites are built once per process; `readouts query` imports neither Prefect,
Great Expectations, dbt nor Polars. (How long each takes is the benchmark's business:
benchmarks/RESULTS.md.)"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import weakref
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from flows.settings import PROJECT_ROOT, SQL_DIR
from flows.transform import project
from flows.transform.project import (
    DbtPaths,
    dbt_arguments,
    manifest_key,
    parsed,
    saved_manifest,
)

HEAVY = ("prefect", "great_expectations", "dbt", "polars", "pandas")


def _project(tmp_path: Path) -> Path:
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql, ignore=shutil.ignore_patterns("target", "logs"))
    return sql


def _key_in_a_new_process(warehouse: Path, sql: Path) -> str:
    code = (
        "import sys; from pathlib import Path; from flows.transform.project import manifest_key;"
        "print(manifest_key(Path(sys.argv[1]), Path(sys.argv[2])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(warehouse), str(sql)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_the_parse_is_named_alike_in_a_new_process_until_the_project_changes(tmp_path):
    sql, warehouse = _project(tmp_path), tmp_path / "build" / "readouts.duckdb"
    key = manifest_key(warehouse, sql)
    assert _key_in_a_new_process(warehouse, sql) == key
    (sql / "target" / "manifests").mkdir(parents=True)
    (sql / "target" / "run_results.json").write_text("{}")  # dbt's own files: no change
    (sql / "logs").mkdir()
    (sql / "logs" / "dbt.log").write_text("x")
    assert manifest_key(warehouse, sql) == key
    model = next((sql / "models").rglob("*.sql"))
    model.write_text(model.read_text() + "\n-- edited\n")
    edited = manifest_key(warehouse, sql)
    assert edited != key
    assert manifest_key(tmp_path / "other" / "readouts.duckdb", sql) == edited  # same name
    assert manifest_key(tmp_path / "rules.duckdb", sql) != edited  # another database name


def test_an_upgrade_of_the_dbt_adapter_alone_is_a_new_parse(tmp_path, monkeypatch):
    """The manifest holds dbt-duckdb's macros: a new adapter with the same dbt-core must not
    reuse a manifest parsed with the old one."""
    import importlib.metadata

    warehouse = tmp_path / "readouts.duckdb"
    key = manifest_key(warehouse)
    real = importlib.metadata.version

    def upgraded(package: str) -> str:
        return "99.0.0" if package == "dbt-duckdb" else real(package)

    monkeypatch.setattr(importlib.metadata, "version", upgraded)
    assert manifest_key(warehouse) != key


class _Manifest:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def to_msgpack(self) -> bytes:
        return self.body


@pytest.fixture
def fake_dbt(monkeypatch):
    """dbt's parse and its manifest's (de)serialisation, counted: what `parsed` decides is
    the point here, not dbt (tests/models/test_parse_cache.py runs the real one)."""
    parses: list[list[str]] = []

    def invoke(command, *args, **kwargs):
        parses.append(command)
        body = f"manifest {len(parses)}".encode()
        return SimpleNamespace(exception=None, success=True, result=_Manifest(body))

    def read(path: Path):
        return _Manifest(path.read_bytes()) if path.exists() else None

    monkeypatch.setattr(project, "invoke", invoke)
    monkeypatch.setattr(project, "_read_manifest", read)
    monkeypatch.setattr(project, "_PARSED", {})
    return parses


def _new_process(monkeypatch) -> None:
    monkeypatch.setattr(project, "_PARSED", {})  # what a new process starts with


def test_a_saved_parse_is_reused_by_the_next_process_and_redone_on_a_change(
    tmp_path, monkeypatch, fake_dbt
):
    sql, warehouse = _project(tmp_path), tmp_path / "build" / "readouts.duckdb"
    paths = DbtPaths(tmp_path / "dbt")
    first = parsed(warehouse, paths, sql)
    assert fake_dbt == [["parse"]]
    assert saved_manifest(warehouse, sql).read_bytes() == first.body
    assert parsed(warehouse, paths, sql) is first  # the same process: kept in memory
    _new_process(monkeypatch)
    assert parsed(warehouse, paths, sql).body == first.body
    assert len(fake_dbt) == 1, "a new process parsed an unchanged project again"
    seed = next((sql / "seeds").rglob("*.csv"))
    seed.write_text(seed.read_text() + "\n")
    _new_process(monkeypatch)
    assert parsed(warehouse, paths, sql).body == b"manifest 2"
    assert len(fake_dbt) == 2, "a changed project was not parsed again"


def test_an_unreadable_saved_parse_is_parsed_again(tmp_path, monkeypatch, fake_dbt):
    sql, warehouse = _project(tmp_path), tmp_path / "readouts.duckdb"
    saved = saved_manifest(warehouse, sql)
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"cut short")
    monkeypatch.setattr(project, "_read_manifest", lambda path: None)  # dbt could not read it
    assert parsed(warehouse, DbtPaths(tmp_path / "dbt"), sql).body == b"manifest 1"
    assert fake_dbt == [["parse"]]


def test_the_ge_context_and_each_suite_are_built_once_per_process(monkeypatch):
    import great_expectations as gx

    from flows.validate import gx_runner
    from flows.validate.suites import staged_suites
    from tests.unit.test_validation_suites import _items

    built = {"contexts": 0, "suites": 0}
    get_context, suite_class = gx.get_context, gx.ExpectationSuite

    def counted_context(*args, **kwargs):
        built["contexts"] += 1
        return get_context(*args, **kwargs)

    def counted_suite(*args, **kwargs):
        built["suites"] += 1
        return suite_class(*args, **kwargs)

    monkeypatch.setattr(gx, "get_context", counted_context)
    monkeypatch.setattr(gx, "ExpectationSuite", counted_suite)
    monkeypatch.setattr(gx_runner, "_BUILT_SUITES", {})
    gx_runner._batch_definition.cache_clear()
    try:
        results = [
            gx_runner.run_suite(next(s for s in staged_suites() if s.name == "items"), frame)
            for frame in (_items(), _items(kind=["telephone call", "no such kind"]), _items())
        ]
    finally:
        gx_runner._batch_definition.cache_clear()  # the next tests get an unpatched one
    assert built == {"contexts": 1, "suites": 1}
    assert [r.success for r in results] == [True, False, True]
    assert results[0] == results[2]


def _modules_after(argv: list[str], cwd: Path) -> dict:
    code = (
        "import json, sys\n"
        "from flows.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\n"
        "except SystemExit as exit:\n    code = exit.code\n"
        f"heavy = [m for m in sys.modules if m.split('.')[0] in {HEAVY!r}]\n"
        "print(json.dumps({'code': code, 'heavy': sorted(heavy)}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=cwd, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1]) | {"stdout": out.stdout}


def test_readouts_query_imports_no_prefect_ge_dbt_or_polars(tmp_path):
    """`readouts query` (and its --help) starts without the heavy libraries the flows use:
    duckdb is all it needs."""
    published = tmp_path / "warehouse" / "readouts.duckdb"
    published.parent.mkdir()
    with duckdb.connect(str(published)) as con:
        con.execute("create table answer as select 42 as n")
    ran = _modules_after(["query", "select n from answer", "--data-dir", str(tmp_path)], tmp_path)
    assert ran["code"] == 0 and "42" in ran["stdout"]
    assert ran["heavy"] == []
    helped = _modules_after(["query", "--help"], tmp_path)
    assert helped["code"] == 0 and helped["heavy"] == []


def _file_log_level(arguments: list[str]) -> str:
    return arguments[arguments.index("--log-level-file") + 1]


def test_dbt_logs_each_node_not_each_statement_unless_told(tmp_path, monkeypatch):
    """At debug, dbt formats and writes every SQL statement to dbt.log (~0.6 s of a small
    build's 9 s of CPU). A run writes info; READOUTS_DBT_LOG_LEVEL brings the statements
    back."""
    paths = DbtPaths(tmp_path / "dbt")
    monkeypatch.delenv("READOUTS_DBT_LOG_LEVEL", raising=False)
    arguments = dbt_arguments(["build"], paths)
    assert arguments[0] == "build"
    assert _file_log_level(arguments) == "info"
    assert arguments[arguments.index("--log-path") + 1] == str(paths.logs)
    monkeypatch.setenv("READOUTS_DBT_LOG_LEVEL", "debug")
    assert _file_log_level(dbt_arguments(["build"], paths)) == "debug"
    monkeypatch.setenv("READOUTS_DBT_LOG_LEVEL", "verbose")
    with pytest.raises(project.ModelBuildError, match="READOUTS_DBT_LOG_LEVEL is 'verbose'"):
        dbt_arguments(["build"], paths)


class _CyclicManifest(_Manifest):
    """A manifest that refers to itself: only the garbage collector frees it, never its
    reference count alone, so a manifest frozen for good would never be freed."""

    def __init__(self, body: bytes) -> None:
        super().__init__(body)
        self.itself = self


def test_a_manifest_in_memory_is_frozen_out_of_collections_until_replaced(
    tmp_path, monkeypatch, fake_dbt
):
    """What lives as long as the process is frozen once the manifest is in memory, so that a
    build's full collections do not walk it; another project's manifest unfreezes it, and
    the one it replaces is collected."""
    monkeypatch.setattr(project, "_read_manifest", lambda path: _CyclicManifest(b"saved"))
    paths = DbtPaths(tmp_path / "dbt")
    first = parsed(tmp_path / "one.duckdb", paths, SQL_DIR)
    assert gc.get_freeze_count() > 0
    assert not any(thing is first for thing in gc.get_objects()), "the manifest is not frozen"
    gone = weakref.ref(first)
    del first
    second = parsed(tmp_path / "two.duckdb", paths, SQL_DIR)  # another database: another key
    assert gone() is None, "the replaced manifest was frozen for good"
    assert not any(thing is second for thing in gc.get_objects())
    gc.unfreeze()


def test_a_run_imports_the_reports_charts_only_to_rewrite_the_report():
    """Every `readouts run` imports the flows; altair (the report's charts, ~0.3 s) waits
    until a run rewrites the report, so that a run that finds nothing does not pay it."""
    code = "import sys, flows.pipeline; print('altair' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("pages", "collected"), [(0, False), (3, True)])
def test_memory_is_handed_back_after_validating_pages_and_not_after_nothing(
    tmp_path, monkeypatch, pages, collected
):
    """A full collection cost 0.44 s (under py-spy) of a run that finds nothing (its heap is
    not frozen: no manifest was read), and validating nothing freed nothing."""
    from flows import tasks
    from flows.normalize.stage import StagedBatch
    from flows.settings import Settings
    from flows.validate.staged import ValidationOutcome

    calls = []
    monkeypatch.setattr(tasks, "release_freed_memory", lambda: calls.append(True))
    monkeypatch.setattr(tasks, "validate_staged", lambda batch, source: ValidationOutcome([], {}))
    monkeypatch.setattr(tasks, "get_source", lambda name, reference_dir: None)
    settings = Settings(source="kremlin", data_dir=tmp_path)
    batch = StagedBatch(tmp_path / "staged", pages_normalised=pages)
    tasks.validate.__wrapped__(None, settings, batch, "run")
    assert bool(calls) is collected
