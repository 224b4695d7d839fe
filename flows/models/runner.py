"""Builds the SQL models in sql/ (one SELECT per file, file name = table name, folder =
schema), in the order their references require, then runs the SQL data tests."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import yaml

from flows.models.rule_macros import create_rule_macros
from flows.ops.failpoints import failpoint
from flows.ops.outcomes import DataFailure
from flows.settings import REFERENCE_DIR, SQL_DIR

MODEL_LAYERS = ("staging", "intermediate", "marts")


class ModelBuildError(DataFailure):
    """A model file failed; the message names the file and DuckDB's error."""


class DataTestFailure(DataFailure):
    """One or more SQL data tests returned offending rows."""


@dataclass(frozen=True)
class Model:
    layer: str
    name: str
    path: Path
    sql: str

    @property
    def table(self) -> str:
        return f"{self.layer}.{self.name}"


@dataclass(frozen=True)
class BuildResult:
    models_built: int
    tests_passed: int
    reference_tables: int


BUILD_KEY = "models_fingerprint"


def models_fingerprint(sql_dir: Path = SQL_DIR, reference_dir: Path = REFERENCE_DIR) -> str:
    """Changes whenever a model, a data test, the data dictionary or a rule changes."""
    digest = hashlib.sha256()
    files = sorted(sql_dir.rglob("*.sql")) + sorted(sql_dir.rglob("*.yml"))
    files += sorted(reference_dir.glob("*.csv"))
    for path in files:
        digest.update(str(path.relative_to(path.parents[1])).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def marts_are_current(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """The marts were built from the same models and rules (only new data needs a build)."""
    built = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'calls'"
    ).fetchone()[0]
    stored = con.execute("select value from raw.load_state where key = ?", [BUILD_KEY]).fetchone()
    return bool(built) and stored is not None and stored[0] == fingerprint


def record_models_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    con.execute("INSERT OR REPLACE INTO raw.load_state VALUES (?, ?)", [BUILD_KEY, fingerprint])


def discover_models(sql_dir: Path = SQL_DIR) -> list[Model]:
    models = []
    for layer in MODEL_LAYERS:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            sql = path.read_text(encoding="utf-8").strip().rstrip(";")
            models.append(Model(layer, path.stem, path, sql))
    names = [model.name for model in models]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ModelBuildError(f"model names must be unique across layers: {sorted(duplicates)}")
    return models


def referenced_tables(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    """Schema-qualified tables a query reads. duckdb.get_table_names binds the query, and
    binding fails on a USING join over tables not built yet; the parser's own tree does
    not need the tables to exist."""
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise ValueError(tree.get("error_message", "unparseable SQL"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("schema_name"):
                found.add(f"{node['schema_name']}.{node['table_name']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


def build_order(con: duckdb.DuckDBPyConnection, models: list[Model]) -> list[Model]:
    by_table = {model.table: model for model in models}
    graph: dict[str, set[str]] = {}
    for model in models:
        try:
            references = referenced_tables(con, model.sql)
        except (ValueError, duckdb.Error) as error:
            raise ModelBuildError(f"{model.path}: cannot parse: {error}") from error
        graph[model.table] = {table for table in references if table in by_table}
    try:
        return [by_table[table] for table in TopologicalSorter(graph).static_order()]
    except CycleError as error:
        raise ModelBuildError(f"models reference each other in a cycle: {error.args[1]}") from error


def load_reference_tables(con: duckdb.DuckDBPyConnection, directory: Path = REFERENCE_DIR) -> int:
    paths = sorted(directory.glob("*.csv"))
    for path in paths:
        con.execute(
            f"CREATE OR REPLACE TABLE reference.{path.stem} AS "
            "SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        )
    return len(paths)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_documentation(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Every mart and column must be described in sql/marts/schema.yml; the descriptions
    become DuckDB comments, which SQL clients and BI tools show."""
    documented = yaml.safe_load((sql_dir / "marts" / "schema.yml").read_text(encoding="utf-8"))
    docs = {model["name"]: model for model in documented["models"]}
    for (table,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
    ).fetchall():
        if table not in docs:
            raise ModelBuildError(f"marts.{table} is not documented in sql/marts/schema.yml")
        columns = {c["name"]: c["description"] for c in docs[table].get("columns", [])}
        con.execute(f"COMMENT ON TABLE marts.{table} IS {_sql_string(docs[table]['description'])}")
        actual = [
            name
            for (name,) in con.execute(
                "SELECT column_name FROM duckdb_columns() "
                "WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()
        ]
        missing = [name for name in actual if name not in columns]
        stale = [name for name in columns if name not in actual]
        if missing or stale:
            raise ModelBuildError(
                f"sql/marts/schema.yml does not match marts.{table}: "
                f"undocumented columns {missing}, documented but absent {stale}"
            )
        for name in actual:
            con.execute(f'COMMENT ON COLUMN marts.{table}."{name}" IS {_sql_string(columns[name])}')


def run_data_tests(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> int:
    failures = []
    paths = sorted((sql_dir / "tests").glob("*.sql"))
    for path in paths:
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        try:
            cursor = con.execute(f"SELECT * FROM ({sql}) LIMIT 6")
        except duckdb.Error as error:
            raise ModelBuildError(f"data test {path}: {error}") from error
        rows = cursor.fetchall()
        if rows:
            columns = [column[0] for column in cursor.description]
            examples = "; ".join(str(dict(zip(columns, row, strict=True))) for row in rows[:5])
            failures.append(f"{path.name}: offending rows, e.g. {examples}")
    if failures:
        raise DataTestFailure("SQL data tests failed:\n  " + "\n  ".join(failures))
    return len(paths)


def build_models(
    con: duckdb.DuckDBPyConnection,
    sql_dir: Path = SQL_DIR,
    reference_dir: Path = REFERENCE_DIR,
) -> BuildResult:
    """Run inside the caller's transaction: a failed model or test changes nothing."""
    reference_tables = load_reference_tables(con, reference_dir)
    create_rule_macros(con)
    models = build_order(con, discover_models(sql_dir))
    for number, model in enumerate(models):
        if number == len(models) // 2:
            failpoint("build")
        try:
            con.execute(f"CREATE OR REPLACE TABLE {model.table} AS {model.sql}")
        except duckdb.Error as error:
            raise ModelBuildError(f"{model.path}: {error}") from error
    apply_documentation(con, sql_dir)
    tests_passed = run_data_tests(con, sql_dir)
    return BuildResult(len(models), tests_passed, reference_tables)
