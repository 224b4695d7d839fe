"""The dbt project's plumbing, without running dbt: its seeds are the reference data, inside
the project, and what makes the marts stale."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from flows.settings import REFERENCE_DIR, SEEDS, SQL_DIR
from flows.transform.fingerprint import models_fingerprint
from flows.transform.project import DbtPaths

RULES = ("tone_lexicon", "tone_frames", "tone_signals", "topics")


def _config() -> dict:
    return yaml.safe_load((SQL_DIR / "dbt_project.yml").read_text())


def test_the_reference_data_is_the_seeds_of_the_dbt_project():
    assert _config()["seed-paths"] == [SEEDS]
    assert REFERENCE_DIR == SQL_DIR / SEEDS
    assert (REFERENCE_DIR / "tone_lexicon.csv").is_file()
    assert (REFERENCE_DIR / "README.md").is_file(), "the grammar lives beside the files"
    assert not (SQL_DIR.parent / "reference").exists()


@pytest.mark.parametrize("depth", [1, 4, 9])
def test_dbt_writes_the_seeds_sql_inside_its_target_at_any_depth(tmp_path, depth):
    """dbt writes a seed's SQL to target/run/<project>/<seed path>: an absolute seed path
    overwrote the CSV itself, and a path climbing out of the project landed outside dbt's
    folder when the clone sat deeper (CI's /check/work/main). The seed path is a plain
    folder of the project, so nothing is copied at run time, at any depth."""
    sql = tmp_path.joinpath(*[f"d{i}" for i in range(depth)], "sql")
    paths = DbtPaths(tmp_path / "w" / "dbt")
    for seed_path in _config()["seed-paths"]:
        assert not Path(seed_path).is_absolute() and "{" not in seed_path, seed_path
        assert ".." not in Path(seed_path).parts, seed_path
        assert (sql / seed_path).resolve().is_relative_to(sql.resolve())
        written = Path(os.path.normpath(paths.target / "run" / "readouts" / seed_path))
        assert written.is_relative_to(paths.root)


def _project(tmp_path) -> Path:
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql, ignore=shutil.ignore_patterns("target", "logs"))
    return sql


def test_the_marts_are_stale_when_a_model_a_description_or_a_rule_changes(tmp_path):
    sql = _project(tmp_path)
    first = models_fingerprint(sql)
    for path, edit in (
        (sql / "models" / "marts" / "calls.yml", "\n# a comment\n"),
        (sql / "macros" / "rules" / "grammar.sql", "\n"),
        (sql / SEEDS / "tone_lexicon.csv", "warm,allied,3,1,warm\n"),
    ):
        path.write_text(path.read_text() + edit)
        assert models_fingerprint(sql) != first, path
        first = models_fingerprint(sql)


def test_dbt_s_own_files_do_not_make_the_marts_stale(tmp_path):
    sql = _project(tmp_path)
    first = models_fingerprint(sql)
    for folder in ("target", "logs"):
        (sql / folder / "compiled").mkdir(parents=True)
        (sql / folder / "compiled" / "calls.sql").write_text("select 1")
    assert models_fingerprint(sql) == first


def _source_rules(seeds: Path) -> dict[str, list[str]]:
    """{source: [rules]} by the naming convention the rule macros use in dbt's graph."""
    found: dict[str, list[str]] = {}
    for path in sorted(seeds.glob("*/*__*.csv")):
        source, rules = path.stem.split("__")
        found.setdefault(source, []).append(rules)
    return found


def test_the_rule_files_of_a_source_are_found_by_their_names_not_listed():
    """A source's own rule files are seeds named <source>__<rules> in seeds/<source>/; the
    rule macros find them in dbt's graph (tests/models/test_source_rules.py), so no list of
    them is kept: not in dbt_project.yml, not passed by the flow."""
    assert "source_rules" not in (_config().get("vars") or {})
    assert "source_rules" not in (SQL_DIR.parent / "flows" / "transform" / "project.py").read_text()
    found = _source_rules(REFERENCE_DIR)
    assert found == {
        "kremlin_ru": ["tone_frames", "tone_lexicon", "tone_signals", "topics"],
        "whitehouse": ["tone_signals"],
    }
    described = {
        seed["name"]
        for seed in yaml.safe_load((REFERENCE_DIR / "reference.yml").read_text())["seeds"]
    }
    for source, rules in found.items():
        assert set(rules) <= set(RULES), source
        for name in rules:
            assert (REFERENCE_DIR / source / f"{source}__{name}.csv").is_file()
            assert f"{source}__{name}" in described, "describe it in seeds/reference.yml"


def test_a_source_rule_file_makes_the_marts_stale(tmp_path):
    sql = _project(tmp_path)
    first = models_fingerprint(sql)
    with open(sql / SEEDS / "whitehouse" / "whitehouse__tone_signals.csv", "a") as handle:
        handle.write("divergence,more,(?i)\\bwarned\\b\n")
    assert models_fingerprint(sql) != first


def test_no_model_s_tests_list_the_sources():
    """A third source is a module and its rule files: tests check `source` columns against
    staging.stg_sources, and no accepted_values list or check constraint names a source."""
    import yaml

    from flows.sources import SOURCE_NAMES

    def literals(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "accepted_values":
                    yield from map(str, value["arguments"]["values"])
                elif key == "expression":
                    yield from re.findall(r"'((?:[^']|'')*)'", str(value))
                else:
                    yield from literals(value)
        elif isinstance(node, list):
            for value in node:
                yield from literals(value)

    checked = set()
    for path in SQL_DIR.glob("models/*/*.yml"):
        values = set(literals(yaml.safe_load(path.read_text())))
        checked |= values
        assert not values & {*SOURCE_NAMES, *(f"{n} only" for n in SOURCE_NAMES)}, path
    assert {"telephone call", "own_side"} <= checked


def test_every_sources_signal_file_uses_the_shared_names():
    """One meaning per signal (sql/seeds/README.md): a source's own signal file names only the
    shared signals (or their 'not' rows), each at most once, with at most one {party} slot."""
    import csv

    def signals(path: Path) -> list[tuple[str, str]]:
        with open(path, newline="", encoding="utf-8") as handle:
            return [(row["signal"], row["pattern"]) for row in csv.DictReader(handle)]

    shared = signals(REFERENCE_DIR / "tone_signals.csv")
    names = {name for name, _ in shared if not name.startswith("not ")}
    assert len(names) == 8
    for path in [REFERENCE_DIR / "tone_signals.csv", *REFERENCE_DIR.glob("*/*__tone_signals.csv")]:
        rows = signals(path)
        assert len({name for name, _ in rows}) == len(rows), path
        for name, pattern in rows:
            assert name.removeprefix("not ") in names, (path, name)
            assert pattern.count("{party}") <= 1, (path, name)


def test_a_run_may_build_with_a_copy_of_the_project(monkeypatch, tmp_path):
    """READOUTS_DBT_PROJECT points a run at a copy of sql/ (to try other rules): dbt builds
    the copy, and the normaliser reads the copy's seeds."""
    from flows.settings import from_environment

    assert from_environment().reference_dir == REFERENCE_DIR
    monkeypatch.setenv("READOUTS_DBT_PROJECT", str(tmp_path / "sql"))
    settings = from_environment()
    assert settings.dbt_project == tmp_path / "sql"
    assert settings.reference_dir == tmp_path / "sql" / SEEDS


def test_no_private_attribute_of_dbt_is_touched():
    """flows/ uses dbt and dbt-duckdb through their public names only: nothing imported from
    them is private, and no attribute of what they export starting with '_' is read."""
    import ast

    def private(name: str) -> bool:
        return name.startswith("_") and not name.endswith("__")

    flows = SQL_DIR.parent / "flows"
    touched = []
    for path in flows.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        from_dbt: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "dbt":
                for alias in node.names:
                    if private(alias.name):
                        touched.append(f"{path.name}: {node.module}.{alias.name}")
                    from_dbt.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                from_dbt |= {a.asname or a.name for a in node.names if a.name.startswith("dbt")}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and private(node.attr):
                base = node.value
                while isinstance(base, ast.Attribute | ast.Call):
                    base = base.value if isinstance(base, ast.Attribute) else base.func
                if isinstance(base, ast.Name) and base.id in from_dbt:
                    touched.append(f"{path.name}: {base.id}...{node.attr}")
    assert touched == []
    assert "DuckDBConnectionManager" in (flows / "transform" / "project.py").read_text()


def _materialized(sql: str) -> str:
    configured = re.search(r"materialized\s*=\s*'(\w+)'", sql)
    return configured.group(1) if configured else "table"  # dbt_project.yml: +materialized


def test_every_table_declares_its_columns_types_in_an_enforced_contract():
    """The intermediate models and the marts are tables written once per build: each has an
    enforced contract (every column's name and type, checked by dbt before the table is
    written) and says which columns are never empty as not_null constraints, which DuckDB
    enforces on every row written, instead of a data test per column that a build would run
    over the whole table again."""
    for layer in ("intermediate", "marts"):
        for path in sorted((SQL_DIR / "models" / layer).glob("*.yml")):
            (model,) = yaml.safe_load(path.read_text())["models"]
            assert _materialized(path.with_suffix(".sql").read_text()) in {"table", "incremental"}
            assert model.get("config", {}).get("contract") == {"enforced": True}, path
            for column in model["columns"]:
                assert column.get("data_type"), f"{path.name}: {column['name']} has no data_type"
                tests = [
                    t if isinstance(t, str) else next(iter(t)) for t in column.get("data_tests", [])
                ]
                assert "not_null" not in tests, f"{path.name}: {column['name']}: a constraint"


def test_the_tests_an_incremental_build_skips_read_only_the_rules():
    """Seeds and views over seeds alone are the rules, unchanged since the last build that
    passed; a test that reads a source (raw.*), a table, or a view over either still runs."""
    from types import SimpleNamespace

    from flows.transform.project import keep_unchanged, rules_only_tests

    def node(kind: str, *parents: str, materialized: str = "table"):
        return SimpleNamespace(
            resource_type=kind,
            name=kind,
            config=SimpleNamespace(materialized=materialized),
            depends_on=SimpleNamespace(nodes=list(parents)),
        )

    nodes = {
        "seed.lexicon": node("seed"),
        "model.stg_lexicon": node("model", "seed.lexicon", materialized="view"),
        "model.stg_items": node("model", "source.raw.items", materialized="view"),
        "model.stg_both": node(
            "model", "model.stg_lexicon", "model.stg_items", materialized="view"
        ),
        "model.calls": node("model", "model.stg_lexicon"),
        "test.on_seed": node("test", "seed.lexicon"),
        "test.on_rules_view": node("test", "model.stg_lexicon"),
        "test.on_raw_view": node("test", "model.stg_items"),
        "test.on_mixed_view": node("test", "model.stg_both"),
        "test.on_table": node("test", "model.calls"),
        "test.rules_and_table": node("test", "model.stg_lexicon", "model.calls"),
        "test.on_nothing": node("test"),
    }
    for unique_id, each in nodes.items():
        each.name = unique_id.split(".")[1]
    manifest = SimpleNamespace(nodes=nodes)
    assert rules_only_tests(manifest) == ["on_rules_view", "on_seed"]
    arguments = keep_unchanged(manifest)
    assert arguments[arguments.index("--exclude") + 1 :][:4] == [
        "resource_type:seed",
        "config.materialized:view",
        "on_rules_view",
        "on_seed",
    ]
