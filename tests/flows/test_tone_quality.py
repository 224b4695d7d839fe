"""Tone and topic labels on the real corpus, measured against the hand-made gold set."""

from __future__ import annotations

from tests.tone_quality import gold_labels, predicted_labels, report, score

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
