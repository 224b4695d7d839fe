"""Tone shifts announced once. After a build that made the marts current, each row of
marts.tone_shifts not announced before becomes one Prefect event, `readouts.tone-shift`,
whose resource names the source and the counterpart and whose payload carries the message
(the counterpart, the kind, the baseline in words, a link to the readout); the automation
that `readouts alerts` registers forwards each such event to the notification block. A run
that finds no new shift emits nothing.

What was announced is recorded in the ops state (`runs/tone-shifts-announced.jsonl`, beside
the run log), keyed (source, item_id, counterpart_key, kind), not in the warehouse: a
`readouts rebuild` starts a new warehouse and must not announce old shifts again. A rebuild
or a `readouts build` (the rules changed, not the data) records what it finds without
announcing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from flows.ops.jsonl import append_line, read_lines

EVENT = "readouts.tone-shift"
RESOURCE_PREFIX = "readouts.tone-shift"
ANNOUNCING_COMMANDS = ("run", "scheduled")
LEDGER_NAME = "tone-shifts-announced.jsonl"
KEY = ("source", "item_id", "counterpart_key", "kind")
_COLUMNS = (
    "source, item_id, counterpart_key, kind, call_date, counterpart_name, labels, "
    "baseline_calls, baseline_from, baseline_to, baseline_descriptor_share, "
    "baseline_descriptors, descriptors"
)


@dataclass(frozen=True)
class Shift:
    source: str
    item_id: str
    counterpart_key: str
    kind: str
    call_date: date
    counterpart_name: str
    labels: list[str]
    baseline_calls: int
    baseline_from: date
    baseline_to: date
    baseline_descriptor_share: float
    baseline_descriptors: list[str]
    descriptors: list[str]
    url: str
    title: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.source, self.item_id, self.counterpart_key, self.kind)

    def baseline_words(self) -> str:
        said = ", ".join(self.baseline_descriptors) or "no descriptor"
        return (
            f"{self.baseline_calls} earlier days of calls with {self.counterpart_name} from "
            f"{self.baseline_from} to {self.baseline_to}, "
            f"{round(100 * (self.baseline_descriptor_share or 0))}% of them with a tone "
            f"descriptor ({said})"
        )

    def message(self) -> str:
        what = self.kind.replace("_", " ")
        if self.labels:
            what += ": " + ", ".join(self.labels)
        now = ", ".join(self.descriptors) or "no descriptor"
        return (
            f"A change of tone with {self.counterpart_name} in the {self.source} readouts: "
            f"{what}. The call of {self.call_date} ({now}) against {self.baseline_words()}. "
            f"Readout: {self.title} {self.url}"
        )

    def resource(self) -> dict[str, str]:
        return {
            "prefect.resource.id": f"{RESOURCE_PREFIX}.{'.'.join(self.key)}",
            "prefect.resource.name": f"{self.source}: {self.counterpart_name}",
            "readouts.source": self.source,
            "readouts.counterpart": self.counterpart_key,
            "readouts.kind": self.kind,
        }


def ledger_path(run_log_path: Path) -> Path:
    return run_log_path.with_name(LEDGER_NAME)


def announced(ledger: Path) -> set[tuple[str, ...]]:
    return {tuple(line[k] for k in KEY) for line in read_lines(ledger)}


def current_shifts(con: duckdb.DuckDBPyConnection) -> list[Shift]:
    exists = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'marts' and table_name = 'tone_shifts'"
    ).fetchone()[0]
    if not exists:
        return []
    columns = ", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))
    rows = con.execute(
        f"select {columns}, c.url, c.title from marts.tone_shifts as s "
        "join marts.calls as c using (source, item_id) "
        "order by s.call_date, s.source, s.item_id, s.counterpart_key, s.kind"
    ).fetchall()
    return [Shift(*row) for row in rows]


def _emit(shift: Shift, run_id: str) -> None:
    from prefect.events import emit_event

    emit_event(
        EVENT,
        resource=shift.resource(),
        payload={
            "message": shift.message(),
            "counterpart": shift.counterpart_name,
            "kind": shift.kind.replace("_", " "),
            "url": shift.url,
            "run_id": run_id,
        },
    )


def announce(
    con: duckdb.DuckDBPyConnection, run_log_path: Path, run_id: str, command: str
) -> list[Shift]:
    """The shifts not announced before: emitted (when `command` announces) and recorded."""
    ledger = ledger_path(run_log_path)
    done = announced(ledger)
    new = [shift for shift in current_shifts(con) if shift.key not in done]
    emit = command in ANNOUNCING_COMMANDS
    for shift in new:
        if emit:
            _emit(shift, run_id)
        append_line(
            ledger,
            {
                **dict(zip(KEY, shift.key, strict=True)),
                "run_id": run_id,
                "command": command,
                "announced": emit,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
    return new  # Prefect's events worker sends them, and drains at the process's exit
