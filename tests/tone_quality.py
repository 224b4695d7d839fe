"""Precision and recall of the tone and topic marts against the hand-made gold set
(tests/labels/corpus_tone.csv)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tests.labels import LABELS_DIR

# The gold set names signals briefly; the marts use the column names.
SIGNAL_NAMES = {
    "satisfaction": "expressed_satisfaction",
    "gratitude": "expressed_gratitude",
    "condolences": "expressed_condolences",
    "congratulations": "congratulations_or_greetings",
    "concern": "expressed_concern",
    "divergence": "divergence",
    "exchange_of_views": "exchange_of_views",
    "continue_contacts": "agreed_to_continue_contacts",
}
FAMILIES = ("descriptor", "signal", "topic")


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def gold_labels(file_name: str = "corpus_tone.csv") -> set[tuple[str, str, str]]:
    with open(LABELS_DIR / file_name, newline="", encoding="utf-8") as handle:
        return {
            (row["item_id"], row["family"], SIGNAL_NAMES.get(row["label"], row["label"]))
            for row in csv.DictReader(handle)
        }


def predicted_labels(warehouse: Path) -> set[tuple[str, str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select distinct item_id, label_kind, label from marts.tone_evidence"
        ).fetchall()
    return {(item, kind, label) for item, kind, label in rows}


def score(gold: set, predicted: set) -> tuple[dict[str, Score], dict[tuple[str, str], Score]]:
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_label: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for key in gold | predicted:
        _, family, label = key
        slot = 0 if key in gold and key in predicted else 1 if key in predicted else 2
        by_family[family][slot] += 1
        by_label[(family, label)][slot] += 1
    return (
        {family: Score(*by_family[family]) for family in FAMILIES},
        {key: Score(*counts) for key, counts in sorted(by_label.items())},
    )


def report(families: dict[str, Score], labels: dict[tuple[str, str], Score]) -> str:
    lines = [f"{'family':<11}{'label':<32}{'tp':>5}{'fp':>5}{'fn':>5}{'prec':>7}{'recall':>8}"]
    for (family, label), s in labels.items():
        lines.append(
            f"{family:<11}{label:<32}{s.true_positives:>5}{s.false_positives:>5}"
            f"{s.false_negatives:>5}{s.precision:>7.2f}{s.recall:>8.2f}"
        )
    for family, s in families.items():
        lines.append(
            f"{family:<11}{'(all)':<32}{s.true_positives:>5}{s.false_positives:>5}"
            f"{s.false_negatives:>5}{s.precision:>7.2f}{s.recall:>8.2f}"
        )
    return "\n".join(lines)
