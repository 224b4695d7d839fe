"""A source's own rule files are found by their names in dbt's graph (seeds named
<source>__<rules>, macros/rules/sources.sql), with no list of them kept anywhere; and a
build has every seed in place before the models that read rules."""

from __future__ import annotations

import json

from flows.settings import SEEDS
from tests.rule_database import rule_database
from tests.warehouse_builder import build_warehouse, call, project_copy

RULE_MODELS = {
    "int_descriptor_matches",
    "int_signal_matches",
    "int_greeting_spans",
    "int_source_signals",
    "int_topic_matches",
}


def _topics(con, *args: str) -> list[str]:
    placeholders = ", ".join("?" for _ in args)
    return con.execute(
        f"select list_sort([h.topic for h in reference.topic_hits({placeholders}) "
        "if len(h.hits.matched) > 0])",
        list(args),
    ).fetchone()[0]


def test_a_new_source_s_rule_file_is_found_by_its_name(tmp_path):
    """A third source's topic file, added to the project with nothing else changed, applies
    to that source's sentences only; a file in its folder not named <source>__<rules> is
    not a rule file."""
    project = project_copy(tmp_path)
    folder = project / SEEDS / "elysee"
    folder.mkdir()
    (folder / "elysee__topics.csv").write_text(
        "topic,label,counts_in_greetings,pattern\n"
        "ukraine,Ukraine and Donbass,false,(?i)\\bcroissant\\b\n"
    )
    (folder / "notes.csv").write_text("note\nnot a rule file\n")
    con = rule_database(tmp_path / "w", project, seeds=())
    try:
        sentence = "They discussed the croissant and Ukraine."
        assert _topics(con, "elysee", sentence) == ["ukraine"]
        assert _topics(con, "elysee", "They discussed Ukraine.") == []
        # every other source keeps its rules: the shared ones, or its own
        assert _topics(con, "whitehouse", sentence) == ["ukraine"]
        assert _topics(con, "whitehouse", "They discussed the croissant.") == []
        assert _topics(con, sentence) == ["ukraine"]
        assert _topics(con, "kremlin_ru", "обсудить ситуация на украина") == ["ukraine"]
    finally:
        con.close()


def test_every_seed_is_built_before_the_models_that_read_rules(tmp_path):
    """The sources' rule seeds are read through the graph, not ref(): dbt does not see them
    as parents, and the build has them in place all the same, because seeds have no parents
    and dbt runs the DAG level by level on the profile's one thread."""
    directory = tmp_path / "w"
    build_warehouse([call("1", "The conversation was businesslike.")], directory).close()
    results = json.loads((directory / "dbt" / "target" / "run_results.json").read_text())
    order = [r["unique_id"] for r in results["results"]]
    seeds = [i for i, node in enumerate(order) if node.startswith("seed.")]
    readers = [i for i, node in enumerate(order) if node.split(".")[-1] in RULE_MODELS]
    assert any("__" in order[i] for i in seeds), "the sources' own rule seeds are built"
    assert len(readers) == len(RULE_MODELS)
    assert max(seeds) < min(readers)
