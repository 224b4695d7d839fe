"""What a run did, for the audit table, the Prefect artifact and the terminal."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


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
    item_versions_rewritten: int = 0
    quarantined: int = 0
    calls: int = 0
    calls_to_review: int = 0  # rows of marts.review_queue
    models_built: int = 0
    tests_passed: int = 0
    expectations_evaluated: int = 0
    expectations_failed: int = 0
    entries_landed: int = 0
    entries_loaded: int = 0
    entries_quarantined: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    exit_code: int | None = None
    published: bool = False
    warehouse: str | None = None

    @property
    def balanced(self) -> bool:
        return self.entries_landed == self.entries_loaded + self.entries_quarantined

    def as_row(self) -> dict:
        row = asdict(self)
        row.pop("warehouse")
        row.pop("published")
        return row

    def lines(self) -> list[str]:
        stages = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in self.stage_seconds.items())
        lines = [
            f"run {self.run_id} ({self.command}, {self.source or 'every source'}): {self.status}",
            f"  pages fetched: {self.pages_fetched}; new entries: {self.entries_new}; "
            f"new items: {self.new_items}; new versions of known items: {self.new_versions}",
        ]
        if self.stopped_reason:
            lines.append(f"  extraction stopped: {self.stopped_reason}")
        lines += [
            f"  item versions loaded: {self.item_versions_loaded} new"
            + (
                f" ({self.item_versions_rewritten} loaded again)"
                if self.item_versions_rewritten
                else ""
            )
            + "; "
            f"quarantined: {self.quarantined}; the warehouse in all: {self.calls} calls in "
            f"marts.calls ({self.calls_to_review} to review in marts.review_queue)",
            f"  validation: {self.expectations_evaluated} expectations evaluated, "
            f"{self.expectations_failed} failed",
            f"  models built: {self.models_built}; data tests passed: {self.tests_passed}",
            f"  reconciliation: {self.entries_landed} entries landed = {self.entries_loaded} "
            f"loaded + {self.entries_quarantined} quarantined"
            + ("" if self.balanced else "  ** MISMATCH: entries are missing **"),
            f"  stages: {stages or 'none'}",
        ]
        if self.warehouse:
            published = "published now" if self.published else "not republished"
            lines.append(f"  warehouse: {self.warehouse} ({published})")
        lines += [f"  warning: {warning}" for warning in self.warnings]
        if self.message:
            lines.append(f"  {self.message}")
        return lines

    def one_line(self) -> str:
        """What an operator's terminal shows for a finished run."""
        seconds = (
            f"{(self.ended_at - self.started_at).total_seconds():.1f}s" if self.ended_at else "?"
        )
        source = f"{self.source}: " if self.source else ""
        line = (
            f"{self.started_at:%Y-%m-%d %H:%M:%S}Z run {self.run_id} {self.status}: {source}"
            f"{self.new_items} new items, {self.quarantined} quarantined in this run; "
            f"{self.calls} calls in the warehouse in all, {seconds}"
        )
        return f"{line} - {self.message}" if self.message and self.status != "success" else line

    def markdown(self) -> str:
        rows = [
            ("source", self.source or "every source"),
            ("status", self.status),
            ("exit code", self.exit_code),
            ("pages fetched", self.pages_fetched),
            ("new entries", self.entries_new),
            ("new items", self.new_items),
            ("new versions", self.new_versions),
            ("item versions loaded", self.item_versions_loaded),
            ("quarantined", self.quarantined),
            ("calls in the warehouse in all (marts.calls)", self.calls),
            ("calls to review in all (marts.review_queue)", self.calls_to_review),
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
        title = f"# readouts run {self.run_id}: {self.source or 'every source'}, {self.status}"
        return f"{title}\n\n| what | value |\n| --- | --- |\n{table}{note}"
