"""The reliability tally: cases tried, passed, items served, in the warehouse, quarantined."""

from __future__ import annotations

from tests.reliability.cases import Outcome


def render_tally(outcomes: list[Outcome]) -> str:
    lines = [
        f"{'case':<36}{'result':<8}{'served':>8}{'in warehouse':>14}{'quarantined':>13}{'lost':>6}"
    ]
    for o in outcomes:
        lines.append(
            f"{o.case:<36}{'pass' if o.passed else 'FAIL':<8}{o.served:>8}"
            f"{o.in_warehouse:>14}{o.quarantined:>13}{o.lost:>6}"
        )
    passed = sum(o.passed for o in outcomes)
    lines.append(
        f"reliability tally: {len(outcomes)} cases tried, {passed} passed; items served "
        f"{sum(o.served for o in outcomes)}, in the warehouse {sum(o.in_warehouse for o in outcomes)}, "
        f"quarantined {sum(o.quarantined for o in outcomes)}, lost {sum(o.lost for o in outcomes)}"
    )
    return "\n".join(lines)
