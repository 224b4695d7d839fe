"""Hand-made labels of the corpus (tests/labels/README.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LABELS_DIR = Path(__file__).with_name("labels")


@dataclass(frozen=True)
class CallLabel:
    item_id: str
    call_kind: str
    initiated_by: str | None
    counterparts: tuple[str, ...]


@cache
def call_labels() -> dict[str, CallLabel]:
    with open(LABELS_DIR / "corpus_calls.csv", newline="", encoding="utf-8") as handle:
        return {
            row["item_id"]: CallLabel(
                row["item_id"],
                row["call_kind"],
                row["initiated_by"] or None,
                tuple(row["counterparts"].split(";")),
            )
            for row in csv.DictReader(handle)
        }
