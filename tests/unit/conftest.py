"""The fast tier: no Prefect flow and no dbt build. A test here that starts either fails
and says where it belongs (tests/models for dbt builds, tests/flows for flows)."""

from __future__ import annotations

import pytest

MISPLACED = (
    "tests/unit runs no Prefect flow and builds no warehouse: move this test to "
    "tests/models (a dbt build) or tests/flows (a Prefect flow)"
)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError(MISPLACED)


@pytest.fixture(autouse=True)
def _no_flow_and_no_build(monkeypatch):
    from prefect import Flow

    from flows.transform import project

    monkeypatch.setattr(Flow, "__call__", _refuse)
    invoke = project.invoke

    def no_build(command, *args, **kwargs):
        if command and command[0] in ("build", "run", "test"):
            _refuse()
        return invoke(command, *args, **kwargs)

    monkeypatch.setattr(project, "invoke", no_build)
