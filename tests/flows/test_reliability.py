"""Every fault case through the real flow (tests/reliability/cases.py)."""

from __future__ import annotations

import pytest

from tests.reliability.cases import CASES, run_case

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fault_case(case, tmp_path, tally):
    outcome = run_case(case, tmp_path)
    tally.append(outcome)
    assert outcome.passed, outcome.detail
