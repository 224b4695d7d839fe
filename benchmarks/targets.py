"""The targets of issue 26 as data (benchmarks/targets.csv), and each one judged beside its
measurement: met, not met, or not measured (its case was not run, or failed).

A row reads: `metric` `op` `bound` (+ the measured `plus`, e.g. Prefect's start-up)."""

from __future__ import annotations

import csv
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

TARGETS_CSV = Path(__file__).with_name("targets.csv")
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Target:
    target: str
    metric: str
    op: str
    bound: float
    plus: str
    unit: str


@dataclass(frozen=True)
class Verdict:
    target: Target
    measured: str
    limit: str
    verdict: str  # "met", "not met" or "not measured"


def load_targets(path: Path = TARGETS_CSV) -> list[Target]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Target(
                row["target"],
                row["metric"],
                row["op"],
                float(row["bound"]),
                row["plus"],
                row["unit"],
            )
            for row in csv.DictReader(handle)
        ]


def _number(value: float | None) -> bool:
    return isinstance(value, int | float) and not math.isnan(value)


def judge(target: Target, metrics: Mapping[str, float], notes: Mapping[str, str]) -> Verdict:
    """`notes`: a word on a metric (how it was measured, or why it was not)."""
    value = metrics.get(target.metric)
    offset = metrics.get(target.plus) if target.plus else 0.0
    bound = f"{target.bound:g}"
    limit = f"{target.op} {bound} {target.unit}"
    if target.plus:
        shown = f"{offset:.1f}" if _number(offset) else "?"
        limit = f"{target.op} {target.plus} ({shown}) + {bound} {target.unit}"
    if not _number(value) or not _number(offset):
        return Verdict(target, notes.get(target.metric, "-"), limit, "not measured")
    measured = f"{value:.2f} {target.unit}" if value < 10 else f"{value:.1f} {target.unit}"
    if note := notes.get(target.metric):
        measured += f" ({note})"
    met = OPERATORS[target.op](value, target.bound + offset)
    return Verdict(target, measured, limit, "met" if met else "not met")


def verdicts(metrics: Mapping[str, float], notes: Mapping[str, str]) -> list[Verdict]:
    return [judge(target, metrics, notes) for target in load_targets()]


def targets_table(rows: list[Verdict]) -> str:
    lines = ["| target (issue 26) | measured | limit | |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.target.target} | {row.measured} | {row.limit} | {row.verdict} |")
    return "\n".join(lines)
