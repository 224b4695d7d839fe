"""SIGKILL during extraction, load and model build; the next run converges."""

from __future__ import annotations

import pytest

from flows.ops.failpoints import POINTS
from tests.reliability.crashes import reference_run, run_crash_case

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def reference(tmp_path_factory, prefect_harness):
    return reference_run(tmp_path_factory.mktemp("uninterrupted"))


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_run_converges_on_the_next_run(point, reference, tmp_path, tally):
    from prefect.settings import PREFECT_API_URL

    outcome = run_crash_case(point, tmp_path, reference, PREFECT_API_URL.value())
    tally.append(outcome)
    assert outcome.passed, outcome.detail
