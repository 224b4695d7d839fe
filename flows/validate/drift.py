"""Drift of a feed against its own history: what one run's entries measured, the bounds a
source's earlier runs set, and which measures fell outside them. Pure: the measures come
from `marts.source_health` (flows/transform/source_health.py), the tuning from
sql/seeds/drift_checks.csv (its grammar is in sql/seeds/README.md).

A share (calls among items, resolved or toned calls among calls, quarantined entries among
entries) is judged as a count: the history's pooled share p is widened to [p / ratio,
p * ratio] (and at least `floor` either side, within 0..1), and the run's count must lie
within the binomial range those two shares give its own size at the level `alpha`; a small
batch therefore needs a large change to drift. A median (sentences per item: a few long
transcripts make the mean useless) is judged against the history's medians (weighted by
their runs' items) widened the same way. A set (languages, hosts) drifts when the run shows
a value that the history never did."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flows.ops.outcomes import EXIT_DATA, ExpectedFailure

# measure → (numerator, denominator) of a share, as attributes of RunMeasures
SHARES = {
    "call_share": ("calls", "items"),
    "resolved_share": ("calls_resolved", "calls"),
    "toned_share": ("calls_toned", "calls"),
    "quarantine_share": ("entries_quarantined", "entries"),
}
MEDIANS = {"sentences_per_item": "items"}
SETS = {"languages": "items", "hosts": "items"}
MEASURES = (*SHARES, *MEDIANS, *SETS)

DRIFT_FILE = "drift_checks.csv"
TUNING_COLUMNS = (
    "measure",
    "source",
    "window_days",
    "min_history",
    "min_batch",
    "ratio",
    "floor",
    "alpha",
    "description",
)


@dataclass(frozen=True)
class RunMeasures:
    """What one run's entries measured (the entries first seen in that run)."""

    run_id: str
    fetched_at: datetime
    entries: int
    entries_quarantined: int
    items: int
    calls: int
    calls_resolved: int
    calls_toned: int
    sentences_per_item: float | None  # the median over the run's item versions
    languages: frozenset[str]
    hosts: frozenset[str]


@dataclass(frozen=True)
class Tuning:
    """How one measure is judged (one row of sql/seeds/drift_checks.csv)."""

    measure: str
    window_days: int  # the history: the source's runs in these many days before this one
    min_history: int  # no bounds until the history holds this many (items, calls, entries)
    min_batch: int  # runs with fewer (items, calls, entries) are not judged
    ratio: float = 1.0
    floor: float = 0.0
    alpha: float = 0.01


@dataclass(frozen=True)
class Drift:
    measure: str
    seen: str
    expected: str  # the range, and the history's own value
    history_runs: int
    history_size: int
    unit: str  # what history_size counts: items, calls or entries

    def line(self) -> str:
        runs = f"{self.history_runs} earlier run{'s' if self.history_runs != 1 else ''}"
        return (
            f"drift: {self.measure} {self.seen}, expected {self.expected} over {runs} "
            f"({self.history_size} {self.unit})"
        )


class TuningError(ExpectedFailure):
    """sql/seeds/drift_checks.csv breaks its grammar: the run stops with the line at fault."""

    exit_code = EXIT_DATA


def read_tuning(path: Path, source: str) -> dict[str, Tuning]:
    """The tuning of every measure for `source`: its own rows where it has them, else the
    rows with an empty `source`. A file that breaks the grammar is refused with the row."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != TUNING_COLUMNS:
            raise TuningError(f"{path.name}: the columns must be {', '.join(TUNING_COLUMNS)}")
        rows = list(reader)
    shared: dict[str, Tuning] = {}
    own: dict[str, Tuning] = {}
    for number, row in enumerate(rows, start=2):
        if row["measure"] not in MEASURES:
            raise TuningError(f"{path.name} line {number}: unknown measure {row['measure']!r}")
        try:
            tuning = Tuning(
                row["measure"],
                int(row["window_days"]),
                int(row["min_history"]),
                int(row["min_batch"]),
                float(row["ratio"] or 1),
                float(row["floor"] or 0),
                float(row["alpha"] or 0.01),
            )
        except ValueError as error:
            raise TuningError(f"{path.name} line {number}: {error}") from None
        if tuning.ratio < 1 or not 0 < tuning.alpha < 1 or tuning.window_days < 1:
            raise TuningError(
                f"{path.name} line {number}: ratio must be >= 1, alpha within 0..1 and "
                "window_days at least 1"
            )
        target = own if row["source"] == source else shared if not row["source"] else None
        if target is not None:
            if tuning.measure in target:
                raise TuningError(f"{path.name} line {number}: {tuning.measure} twice")
            target[tuning.measure] = tuning
    return {**shared, **own}


def binomial_quantile(n: int, p: float, q: float) -> int:
    """The smallest k with P(X <= k) >= q for X ~ Binomial(n, p)."""
    if p <= 0:
        return 0
    if p >= 1:
        return n
    log_p, log_q = math.log(p), math.log1p(-p)
    base = math.lgamma(n + 1)
    total = 0.0
    for k in range(n + 1):
        total += math.exp(
            base - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p + (n - k) * log_q
        )
        if total >= q - 1e-12:
            return k
    return n


def widened(value: float, ratio: float, floor: float, *, top: float | None) -> tuple[float, float]:
    low = max(0.0, min(value / ratio, value - floor))
    high = max(value * ratio, value + floor)
    return low, high if top is None else min(top, high)


def share_range(p: float, n: int, tuning: Tuning) -> tuple[int, int]:
    """The counts out of n that keep a share with history p within its bounds."""
    low, high = widened(p, tuning.ratio, tuning.floor, top=1.0)
    return (
        binomial_quantile(n, low, tuning.alpha / 2),
        binomial_quantile(n, high, 1 - tuning.alpha / 2),
    )


def history_of(
    current: RunMeasures, runs: Sequence[RunMeasures], window_days: int
) -> list[RunMeasures]:
    """The source's runs before `current`, within the window."""
    start = current.fetched_at - timedelta(days=window_days)
    return [
        run
        for run in runs
        if run.run_id != current.run_id and start <= run.fetched_at <= current.fetched_at
    ]


def _pooled_median(history: Sequence[RunMeasures]) -> float:
    """The history's medians of sentences per item, weighted by their runs' items."""
    runs = [r for r in history if r.items and r.sentences_per_item is not None]
    n = sum(r.items for r in runs)
    return sum(r.items * r.sentences_per_item for r in runs) / n if n else 0.0


def judge(
    current: RunMeasures, runs: Sequence[RunMeasures], tunings: dict[str, Tuning]
) -> list[Drift]:
    """The measures of `current` outside the bounds of its source's history (`runs`, which
    may include `current` itself), one Drift each, in the order of MEASURES."""
    drifts = []
    for measure in MEASURES:
        tuning = tunings.get(measure)
        if tuning is None:
            continue
        history = history_of(current, runs, tuning.window_days)
        drift = _judge_one(measure, current, history, tuning)
        if drift is not None:
            drifts.append(drift)
    return drifts


def _judge_one(
    measure: str, current: RunMeasures, history: Sequence[RunMeasures], tuning: Tuning
) -> Drift | None:
    if measure in SHARES:
        numerator, denominator = SHARES[measure]
    else:
        numerator, denominator = measure, (MEDIANS | SETS)[measure]
    n = getattr(current, denominator)
    size = sum(getattr(run, denominator) for run in history)
    if n < tuning.min_batch or size < tuning.min_history or not n:
        return None

    def drift(seen: str, expected: str) -> Drift:
        return Drift(measure, seen, expected, len(history), size, denominator)

    if measure in SHARES:
        k = getattr(current, numerator)
        p = sum(getattr(run, numerator) for run in history) / size
        low, high = share_range(p, n, tuning)
        if low <= k <= high:
            return None
        return drift(
            f"{k / n:.2f} ({k} of {n} {denominator})",
            f"{low / n:.2f}-{high / n:.2f} ({low}-{high} of {n}) from a history of {p:.2f}",
        )
    if measure in MEDIANS:
        seen = current.sentences_per_item
        median = _pooled_median(history)
        low, high = widened(median, tuning.ratio, tuning.floor, top=None)
        if seen is None or low <= seen <= high:
            return None
        return drift(
            f"{seen:.1f} (median over {n} {denominator})",
            f"{low:.1f}-{high:.1f} from a history of {median:.1f}",
        )
    known = frozenset().union(*(getattr(run, measure) for run in history))
    new = getattr(current, measure) - known
    if not new:
        return None
    return drift(
        f"{', '.join(sorted(new))} new (seen: {', '.join(sorted(getattr(current, measure)))})",
        f"only {', '.join(sorted(known)) or 'none'}",
    )


def with_drift(status: str, message: str | None, drifts: Sequence[Drift]) -> tuple[str, str | None]:
    """A run that succeeded but drifted ends `warned`; a worse outcome keeps its own status
    (the drift lines are its warnings either way)."""
    if not drifts or status != "success":
        return status, message
    measures = ", ".join(d.measure for d in drifts)
    return "warned", (
        f"loaded, but the feed drifted from its own history ({measures}): one warning line "
        "per measure above; see marts.source_health"
    )
