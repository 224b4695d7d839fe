"""Every item of the real White House corpus (890), served as WordPress RSS pages, read by
the source: the readouts of the President's calls with foreign leaders are exactly those of
the gold labels (tests/labels/whitehouse_calls.csv), with their kinds and counterparts.
Per-label precision and recall are printed."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from flows.core.records import ItemRecord
from flows.sources import get_source
from tests.whitehouse_feed import WHITEHOUSE_CSV, whitehouse_feed_paths

LABELS = Path(__file__).resolve().parents[1] / "labels" / "whitehouse_calls.csv"
pytestmark = pytest.mark.skipif(not WHITEHOUSE_CSV.exists(), reason="corpus not beside")


def _labels(rows) -> dict[str, set[str]]:
    return {
        row["item_id"]: {f"kind:{row['call_kind']}"}
        | {f"counterpart:{c}" for c in row["counterparts"].split(";") if c}
        for row in rows
    }


def test_the_corpus_against_the_gold_labels():
    source = get_source("whitehouse")
    records = []
    for body in whitehouse_feed_paths().values():
        page = source.parse_page(body)
        records += [source.read_entry(entry, page.language) for entry in page.entries]
    assert len(records) == 890
    assert all(isinstance(r, ItemRecord) for r in records)
    found = _labels(
        {
            "item_id": r.item_id,
            "call_kind": r.kind,
            "counterparts": ";".join(
                c.country_code or c.organisation or "?" for c in r.counterparts
            ),
        }
        for r in records
        if r.kind in ("telephone call", "video call")
    )
    with open(LABELS, newline="", encoding="utf-8") as handle:
        gold = _labels(csv.DictReader(handle))
    pairs = Counter()
    for item_id in set(found) | set(gold):
        for label in found.get(item_id, set()) | gold.get(item_id, set()):
            in_found, in_gold = label in found.get(item_id, ()), label in gold.get(item_id, ())
            pairs[label, "tp" if in_found and in_gold else "fp" if in_found else "fn"] += 1
    lines = [f"{'label':45} {'gold':>5} {'found':>5} {'prec':>5} {'recall':>6}"]
    for label in sorted({label for label, _ in pairs}):
        tp, fp, fn = (pairs[label, k] for k in ("tp", "fp", "fn"))
        lines.append(
            f"{label:45} {tp + fn:5} {tp + fp:5} {tp / max(tp + fp, 1):5.2f} {tp / max(tp + fn, 1):6.2f}"
        )
    calls_found, calls_gold = set(found), set(gold)
    hits = len(calls_found & calls_gold)
    lines.append(
        f"{'readouts of calls':45} {len(calls_gold):5} {len(calls_found):5} "
        f"{hits / max(len(calls_found), 1):5.2f} {hits / max(len(calls_gold), 1):6.2f}"
    )
    print("\nWhite House corpus against tests/labels/whitehouse_calls.csv\n" + "\n".join(lines))
    assert calls_found == calls_gold
    for label in {label for label, _ in pairs}:
        tp, fp, fn = (pairs[label, k] for k in ("tp", "fp", "fn"))
        assert tp / max(tp + fp, 1) >= 0.95 and tp / max(tp + fn, 1) >= 0.95, label
