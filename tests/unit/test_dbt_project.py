"""The dbt project's plumbing, without running dbt: where seeds are read from, and what
makes the marts stale."""

from __future__ import annotations

import shutil

import pytest

import flows.models.project as project
from flows.models.fingerprint import models_fingerprint
from flows.models.project import DbtPaths, ModelBuildError, seed_path
from flows.settings import REFERENCE_DIR, SQL_DIR


def test_the_reference_folder_is_a_seed_path_relative_to_the_project(tmp_path):
    assert seed_path(REFERENCE_DIR, DbtPaths(tmp_path / "dbt")) == "../reference"


def test_a_seed_path_whose_sql_dbt_would_write_outside_its_folder_is_refused(tmp_path, monkeypatch):
    """dbt writes a seed's SQL to target/run/<project>/<seed path>: an absolute seed path
    overwrote the CSV itself, and a path with more '..' than that folder is deep lands
    outside dbt's folder."""
    deep = tmp_path / "a" / "b" / "c" / "d" / "e" / "sql"
    deep.mkdir(parents=True)
    monkeypatch.setattr(project, "SQL_DIR", deep)
    with pytest.raises(ModelBuildError, match="too far"):
        seed_path(REFERENCE_DIR, DbtPaths(tmp_path / "dbt"))


def _project(tmp_path):
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql, ignore=shutil.ignore_patterns("target", "logs"))
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    return sql, reference


def test_the_marts_are_stale_when_a_model_a_description_or_a_rule_changes(tmp_path):
    sql, reference = _project(tmp_path)
    first = models_fingerprint(sql, reference)
    for path, edit in (
        (sql / "models" / "marts" / "calls.yml", "\n# a comment\n"),
        (sql / "macros" / "rules" / "grammar.sql", "\n"),
        (reference / "tone_lexicon.csv", "warm,allied,3,1,warm\n"),
    ):
        path.write_text(path.read_text() + edit)
        assert models_fingerprint(sql, reference) != first, path
        first = models_fingerprint(sql, reference)


def test_dbt_s_own_files_do_not_make_the_marts_stale(tmp_path):
    sql, reference = _project(tmp_path)
    first = models_fingerprint(sql, reference)
    for folder in ("target", "logs"):
        (sql / folder / "compiled").mkdir(parents=True)
        (sql / folder / "compiled" / "calls.sql").write_text("select 1")
    assert models_fingerprint(sql, reference) == first
