"""The marts as BI tools see them: every counterpart-level mart carries the same keys under
the same names, and every column with a closed set of values holds only the values listed
in the marts' .yml files (check constraints of their contracts) and the data dictionary."""

from __future__ import annotations

import pytest

from flows.publish.dictionary import accepted_values, documented_models
from tests.flows.helpers import query

COMMON_KEYS = ("counterpart_key", "counterpart_name", "country_code", "organisation")
COUNTERPART_COLUMNS = {*COMMON_KEYS, "counterpart", "country_name"}


def lacking_common_keys(columns: dict[str, list[str]]) -> dict[str, list[str]]:
    """Marts that hold any counterpart column but not every common key (or that still use
    the old name `counterpart`), with what is wrong."""
    problems = {}
    for table, names in columns.items():
        if not COUNTERPART_COLUMNS & set(names):
            continue
        wrong = [f"lacks {key}" for key in COMMON_KEYS if key not in names]
        wrong += ["has `counterpart`: call it counterpart_key"] if "counterpart" in names else []
        if wrong:
            problems[table] = wrong
    return problems


def _mart_columns(warehouse) -> dict[str, list[str]]:
    columns: dict[str, list[str]] = {}
    for table, column in query(
        warehouse,
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
        "order by table_name, column_index",
    ):
        columns.setdefault(table, []).append(column)
    return columns


def test_the_check_catches_a_mart_without_the_common_keys():
    assert lacking_common_keys(
        {
            "calls": ["item_id", "call_kind"],
            "good": ["counterpart_key", "counterpart_name", "country_code", "organisation"],
            "old": ["counterpart", "month", "calls"],
            "half": ["country_code", "calls"],
        }
    ) == {
        "old": [
            "lacks counterpart_key",
            "lacks counterpart_name",
            "lacks country_code",
            "lacks organisation",
            "has `counterpart`: call it counterpart_key",
        ],
        "half": ["lacks counterpart_key", "lacks counterpart_name", "lacks organisation"],
    }


def test_every_counterpart_level_mart_has_the_common_keys(demo_run):
    settings, _ = demo_run
    columns = _mart_columns(settings.warehouse_path)
    assert lacking_common_keys(columns) == {}
    counterpart_level = {t for t, names in columns.items() if "counterpart_key" in names}
    assert counterpart_level == {
        "call_counterparts",
        "tone_by_country_month",
        "descriptors_by_country_month",
        "topics_by_country_month",
        "tone_by_country_period",
        "shared_counterparts",
        "tone_shifts",
    }
    # one name per key, the same in every mart
    names = query(
        settings.warehouse_path,
        " union ".join(
            f"select distinct counterpart_key, counterpart_name from marts.{t}"
            for t in sorted(counterpart_level)
        )
        + " except select null, null",
    )
    keys = [key for key, _ in names]
    assert len(keys) == len(set(keys)), names


def _accepted_value_checks():
    for model in documented_models():
        for column in model["columns"]:
            values = accepted_values(column)
            if values is not None:
                yield model["name"], column["name"], values


def test_accepted_values_are_listed_for_the_closed_columns():
    listed = {(t, c) for t, c, _ in _accepted_value_checks()}
    assert {("calls", "call_kind"), ("calls", "initiated_by"), ("calls", "call_scope")} <= listed
    assert ("tone_evidence", "label_kind") in listed


def _assert_accepted(warehouse):
    for table, column, values in _accepted_value_checks():
        found = {v for (v,) in query(warehouse, f"select distinct {column} from marts.{table}")}
        assert found - {None} <= set(values), (table, column, found)


def test_the_demo_marts_hold_only_accepted_values(demo_run):
    settings, _ = demo_run
    _assert_accepted(settings.warehouse_path)


@pytest.mark.corpus
def test_the_corpus_marts_hold_only_accepted_values(corpus_run):
    settings = corpus_run["settings"]
    _assert_accepted(settings.warehouse_path)
    assert lacking_common_keys(_mart_columns(settings.warehouse_path)) == {}
