"""A drift is a warning: its exit code is documented, and a run over several sources ranks
it below every failure (no flow runs here)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import flows.ops.outcomes as outcomes
from flows.settings import PROJECT_ROOT
from flows.summary import RunSummary


def _summary(source: str, status: str) -> RunSummary:
    summary = RunSummary(f"run-{source}", "run", source, datetime.now(UTC), status=status)
    summary.exit_code = outcomes.STATUS_EXIT.get(status, outcomes.EXIT_BUSY)
    return summary


def test_the_documented_exit_code_table_lists_every_code():
    readme = (PROJECT_ROOT / "docs" / "operations.md").read_text()
    table = readme.split("Exit codes", 1)[1].split("\n\n")[1]
    documented = {int(code) for code in re.findall(r"^\| (\d) \|", table, re.MULTILINE)}
    codes = {v for k, v in vars(outcomes).items() if k.startswith("EXIT_")}
    assert documented == codes
    assert outcomes.EXIT_DRIFT == 8 and outcomes.STATUS_EXIT["warned"] == 8
    assert "| 8 | warned:" in table


def test_a_drift_ranks_below_every_failure_of_a_run_over_sources():
    from flows.pipeline import SourcesSummary

    warned = _summary("kremlin", "warned")
    assert SourcesSummary([warned, _summary("whitehouse", "success")]).exit_code == 8
    assert SourcesSummary([warned, _summary("whitehouse", "success")]).status == "warned"
    for status, code in (("partial", 4), ("failed", 5), ("busy", 3)):
        both = SourcesSummary([warned, _summary("whitehouse", status)])
        assert both.exit_code == code, status
        assert both.status != "warned"
