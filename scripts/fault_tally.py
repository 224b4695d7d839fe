"""Runs every fault case and crash case through the real flow and prints the tally.

.venv/bin/python scripts/fault_tally.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import prefect_env  # noqa: E402

prefect_env.configure(ROOT / ".prefect")

from flows.ops.failpoints import POINTS  # noqa: E402
from tests.reliability.cases import CASES, run_case  # noqa: E402
from tests.reliability.crashes import reference_run, run_crash_case  # noqa: E402
from tests.reliability.tally import render_tally  # noqa: E402


def main() -> int:
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    outcomes = []
    with tempfile.TemporaryDirectory() as scratch, prefect_test_harness(server_startup_timeout=120):
        root = Path(scratch)
        for number, case in enumerate(CASES):
            outcomes.append(run_case(case, root / f"case-{number}"))
        reference = reference_run(root / "reference")
        for point in POINTS:
            outcomes.append(
                run_crash_case(point, root / f"crash-{point}", reference, PREFECT_API_URL.value())
            )
    print(render_tally(outcomes))
    for outcome in outcomes:
        if not outcome.passed:
            print(f"  {outcome.case}: {outcome.detail}")
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
