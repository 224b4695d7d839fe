"""The tiers are enforced: a Prefect flow or a dbt build started from tests/unit fails."""

from __future__ import annotations

import pytest
from prefect import flow

from tests.unit.conftest import MISPLACED


def test_a_flow_started_from_the_fast_tier_fails():
    @flow
    def anything() -> int:
        return 1

    with pytest.raises(AssertionError, match="tests/unit runs no Prefect flow"):
        anything()


def test_a_dbt_build_started_from_the_fast_tier_fails(tmp_path, monkeypatch):
    from flows.transform import project
    from tests.warehouse_builder import build_warehouse, call

    # The build is refused where it would start; the manifest read before it would import
    # dbt into the fast tier for nothing (~3 s).
    monkeypatch.setattr(project, "parsed", lambda *args, **kwargs: None)

    with pytest.raises(AssertionError) as refused:
        build_warehouse([call("1", "They discussed trade.")], tmp_path)
    assert str(refused.value) == MISPLACED


def test_each_folder_carries_its_tier_marker(request):
    assert request.node.get_closest_marker("unit") is not None
