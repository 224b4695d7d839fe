"""What a run did, for the audit table, the Prefect artifact and the terminal."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class RunSummary:
    run_id: str
    command: str
    source: str | None
    started_at: datetime
    ended_at: datetime | None = None
    status: str = "running"
    pages_fetched: int = 0
    entries_new: int = 0
    new_items: int = 0
    new_versions: int = 0
    stopped_reason: str | None = None
    item_versions_loaded: int = 0
    quarantined: int = 0
    calls: int = 0
    calls_to_review: int = 0  # marts.review_queue; not an audit.runs column
    models_built: int = 0
    tests_passed: int = 0
    expectations_evaluated: int = 0
    expectations_failed: int = 0
    entries_landed: int = 0
    entries_loaded: int = 0
    entries_quarantined: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    message: str | None = None
    warehouse: str | None = None

    @property
    def balanced(self) -> bool:
        return self.entries_landed == self.entries_loaded + self.entries_quarantined

    def as_row(self) -> dict:
        row = asdict(self)
        row.pop("warehouse")
        row.pop("calls_to_review")
        return row

    def lines(self) -> list[str]:
        stages = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in self.stage_seconds.items())
        lines = [
            f"run {self.run_id} ({self.command}): {self.status}",
            f"  pages fetched: {self.pages_fetched}; new entries: {self.entries_new}; "
            f"new items: {self.new_items}; new versions of known items: {self.new_versions}",
        ]
        if self.stopped_reason:
            lines.append(f"  extraction stopped: {self.stopped_reason}")
        lines += [
            f"  item versions loaded: {self.item_versions_loaded}; "
            f"quarantined: {self.quarantined}; calls in marts.calls: {self.calls} "
            f"({self.calls_to_review} to review in marts.review_queue)",
            f"  validation: {self.expectations_evaluated} expectations evaluated, "
            f"{self.expectations_failed} failed",
            f"  models built: {self.models_built}; data tests passed: {self.tests_passed}",
            f"  reconciliation: {self.entries_landed} entries landed = {self.entries_loaded} "
            f"loaded + {self.entries_quarantined} quarantined"
            + ("" if self.balanced else "  ** MISMATCH: entries are missing **"),
            f"  stages: {stages or 'none'}",
        ]
        if self.warehouse:
            lines.append(f"  warehouse: {self.warehouse}")
        if self.message:
            lines.append(f"  {self.message}")
        return lines

    def markdown(self) -> str:
        rows = [
            ("status", self.status),
            ("pages fetched", self.pages_fetched),
            ("new entries", self.entries_new),
            ("new items", self.new_items),
            ("new versions", self.new_versions),
            ("item versions loaded", self.item_versions_loaded),
            ("quarantined", self.quarantined),
            ("calls", self.calls),
            ("calls to review (marts.review_queue)", self.calls_to_review),
            ("models built", self.models_built),
            ("data tests passed", self.tests_passed),
            ("expectations evaluated", self.expectations_evaluated),
            ("expectations failed", self.expectations_failed),
            ("entries landed", self.entries_landed),
            ("entries loaded", self.entries_loaded),
            ("entries quarantined", self.entries_quarantined),
        ]
        rows += [(f"{name} (s)", f"{seconds:.2f}") for name, seconds in self.stage_seconds.items()]
        table = "\n".join(f"| {name} | {value} |" for name, value in rows)
        note = f"\n\n{self.stopped_reason}" if self.stopped_reason else ""
        return f"# readouts run {self.run_id}\n\n| what | value |\n| --- | --- |\n{table}{note}"
