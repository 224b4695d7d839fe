"""Tone and topic labels on the real corpora, measured against the hand-made gold sets."""

from __future__ import annotations

import csv

from tests.labels import LABELS_DIR
from tests.tone_quality import SIGNAL_NAMES, gold_labels, predicted_labels, report, score

THRESHOLDS = {  # family: (precision, recall)
    "descriptor": (0.95, 0.90),
    "signal": (0.95, 0.90),
    "topic": (0.85, 0.85),
}


def test_precision_and_recall_per_family(corpus_run, capsys):
    families, labels = score(gold_labels(), predicted_labels(corpus_run["settings"].warehouse_path))
    with capsys.disabled():
        print("\n" + report(families, labels))
    for family, (precision, recall) in THRESHOLDS.items():
        measured = families[family]
        assert measured.true_positives > 0, family
        assert measured.precision >= precision, (family, measured)
        assert measured.recall >= recall, (family, measured)


def test_the_gold_set_covers_every_call(corpus_run):
    from tests.labels import call_labels

    assert {item for item, _, _ in gold_labels()} <= set(call_labels())
    assert len({item for item, _, _ in gold_labels()}) >= 120


WHITEHOUSE_FAMILIES = ("descriptor", "signal")
WHITEHOUSE_THRESHOLD = 0.9  # precision and recall, per signal


def _whitehouse_score(both_sources_run):
    gold = gold_labels("whitehouse_tone.csv")
    predicted = predicted_labels(both_sources_run.warehouse_path, "whitehouse", WHITEHOUSE_FAMILIES)
    return score(gold, predicted, WHITEHOUSE_FAMILIES)


def test_whitehouse_precision_and_recall_per_signal(both_sources_run, capsys):
    families, labels = _whitehouse_score(both_sources_run)
    with capsys.disabled():
        print("\nWhite House (in-sample)\n" + report(families, labels))
    for signal in SIGNAL_NAMES.values():
        measured = labels.get(("signal", signal))
        if measured is None:  # neither read nor found in any readout
            continue
        assert measured.precision >= WHITEHOUSE_THRESHOLD, (signal, measured)
        assert measured.recall >= WHITEHOUSE_THRESHOLD, (signal, measured)
    assert families["descriptor"].false_positives == 0, families["descriptor"]


def test_the_whitehouse_gold_set_is_of_its_call_readouts(both_sources_run):
    with open(LABELS_DIR / "whitehouse_calls.csv", newline="", encoding="utf-8") as handle:
        calls = {row["item_id"] for row in csv.DictReader(handle)}
    gold = gold_labels("whitehouse_tone.csv")
    assert {item for item, _, _ in gold} <= calls
    assert len(calls) == 55
    # as the README states: 58 signal labels, no descriptor
    assert len([label for _, family, label in gold if family == "signal"]) == 58
    assert not [label for _, family, label in gold if family == "descriptor"]
