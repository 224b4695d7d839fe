"""The data dictionary reads each mart's contract: a column's accepted values are its check
constraint `<column> in (...)`, and what every row satisfies is the model's own checks."""

from __future__ import annotations

from flows.publish.dictionary import (
    accepted_values,
    key_columns,
    never_empty,
    render_dictionary,
    row_checks,
)


def _column(name: str, *expressions: str) -> dict:
    checks = [{"type": "check", "expression": e} for e in expressions]
    return {"name": name, "constraints": [{"type": "not_null"}, *checks]}


def test_a_closed_columns_values_are_its_check_constraints_literals():
    assert accepted_values(_column("kind", "kind in ('a', 'it''s', 'b c')")) == ["a", "it's", "b c"]


def test_a_check_that_is_not_a_list_of_literals_of_that_column_closes_nothing():
    assert accepted_values(_column("kind")) is None
    assert accepted_values(_column("kind", "kind in ('a', lower(other))")) is None
    assert accepted_values(_column("kind", "other in ('a', 'b')")) is None
    assert accepted_values(_column("kind", "kind is not null and kind in ('a')")) is None


def test_a_models_row_checks_are_its_model_level_check_constraints():
    model = {"constraints": [{"type": "check", "expression": "a >= 1"}, {"type": "primary_key"}]}
    assert row_checks(model) == ["a >= 1"]
    assert row_checks({"columns": []}) == []


def test_a_column_of_the_primary_key_is_never_empty_as_a_not_null_one():
    model = {"constraints": [{"type": "primary_key", "columns": ["source", "item_id"]}]}
    assert key_columns(model) == ["source", "item_id"]
    assert never_empty({"name": "item_id"}, model)
    assert never_empty(_column("count"), model)
    assert not never_empty({"name": "title"}, model)
    assert key_columns({}) == []


def test_the_dictionary_lists_the_marts_closed_values_keys_and_row_checks():
    text = render_dictionary()
    assert "Accepted values: `telephone call`, `video call`." in text
    assert "Every row satisfies `counterpart_count >= 1`;" in text
    assert "Key: `source`, `item_id`, `counterpart_no` (one row each)." in text
