"""The dbt project's plumbing, without running dbt: where seeds are read from, and what
makes the marts stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import flows.models.project as project
from flows.models.fingerprint import models_fingerprint
from flows.models.project import DbtPaths, seed_path
from flows.settings import REFERENCE_DIR, SQL_DIR


def test_the_reference_folder_is_a_seed_path_relative_to_the_project(tmp_path):
    assert seed_path(REFERENCE_DIR, DbtPaths(tmp_path / "dbt")) == "../reference"


@pytest.mark.parametrize("depth", [1, 4, 9])
def test_a_reference_folder_anywhere_is_a_seed_path_dbt_writes_inside_its_folder(
    tmp_path, monkeypatch, depth
):
    """dbt writes a seed's SQL to target/run/<project>/<seed path>: an absolute seed path
    overwrote the CSV itself, and a relative path with more '..' than that folder is deep
    landed outside dbt's folder when the clone sat deeper (CI's /check/work/main). A folder
    that cannot be reached that way is read from a copy inside the project, at any depth."""
    sql = tmp_path.joinpath(*[f"d{i}" for i in range(depth)], "sql")
    sql.mkdir(parents=True)
    monkeypatch.setattr(project, "SQL_DIR", sql)
    reference = tmp_path / "elsewhere" / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    paths = DbtPaths(tmp_path / "w" / "dbt")
    relative = seed_path(reference, paths)
    written = Path(os.path.normpath(paths.target / "run" / "readouts" / relative))
    assert written.is_relative_to(paths.root)
    seeds = Path(os.path.normpath(sql / relative))
    assert (seeds / "tone_lexicon.csv").read_bytes() == (
        reference / "tone_lexicon.csv"
    ).read_bytes()
    assert seed_path(reference, paths) == relative, "one copy per content"


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


def test_the_rule_files_of_a_source_are_what_dbt_run_by_hand_knows(tmp_path):
    """The flow passes the sources' own rule files found on disk (the var `source_rules`);
    dbt_project.yml keeps the same for dbt run by hand."""
    import yaml

    declared = yaml.safe_load((SQL_DIR / "dbt_project.yml").read_text())["vars"]["source_rules"]
    assert (
        project.source_rules(REFERENCE_DIR)
        == declared
        == {
            "kremlin_ru": ["tone_frames", "tone_lexicon", "tone_signals", "topics"],
            "whitehouse": ["tone_signals"],
        }
    )
    third = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, third)
    (third / "elysee").mkdir()
    (third / "elysee" / "elysee__topics.csv").write_text(
        "topic,label,counts_in_greetings,pattern\n"
    )
    (third / "elysee" / "notes.csv").write_text("not a rule file\n")
    assert project.source_rules(third)["elysee"] == ["topics"]


def test_a_source_rule_file_makes_the_marts_stale(tmp_path):
    sql, reference = _project(tmp_path)
    first = models_fingerprint(sql, reference)
    with open(reference / "whitehouse" / "whitehouse__tone_signals.csv", "a") as handle:
        handle.write("divergence,more,(?i)\\bwarned\\b\n")
    assert models_fingerprint(sql, reference) != first


def test_no_model_s_tests_list_the_sources():
    """A third source is a module and its rule files: tests check `source` columns against
    staging.stg_sources, and no accepted_values list names a source."""
    import yaml

    from flows.sources import SOURCE_NAMES

    def accepted(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "accepted_values":
                    yield from value["arguments"]["values"]
                else:
                    yield from accepted(value)
        elif isinstance(node, list):
            for value in node:
                yield from accepted(value)

    for path in SQL_DIR.glob("models/*/*.yml"):
        values = set(map(str, accepted(yaml.safe_load(path.read_text()))))
        assert not values & {*SOURCE_NAMES, *(f"{n} only" for n in SOURCE_NAMES)}, path


def test_every_sources_signal_file_uses_the_shared_names():
    """One meaning per signal (reference/README.md): a source's own signal file names only the
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
