"""The 128 real items of kremlin.ru (Feb-Mar 2025, ../shared/corpus) as the Russian feed,
normalised and built in-process: every call found with its kind, initiator and
counterparts' countries (tests/labels/kremlin_ru_calls.csv), and the Russian rules'
labels measured against the gold set read by hand (tests/labels/kremlin_ru_tone.csv, the
16 readouts). In-sample figures: the rules were written looking at these texts."""

from __future__ import annotations

import csv

import pytest

from tests.corpus_feed import RUSSIAN_NEWS_CSV, russian_items
from tests.labels import LABELS_DIR
from tests.tone_quality import gold_labels, report, score
from tests.warehouse_builder import build_warehouse

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not RUSSIAN_NEWS_CSV.exists(), reason="corpus not beside"),
]

THRESHOLDS = {  # family: (precision, recall), in-sample
    "descriptor": (0.85, 0.95),
    "signal": (0.9, 0.85),
    "topic": (0.8, 0.85),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    con = build_warehouse(
        russian_items(),
        tmp_path_factory.mktemp("kremlin_ru"),
        source_name="kremlin_ru",
        language="ru",
    )
    yield con
    con.close()


def test_every_call_with_its_kind_initiator_and_countries(warehouse):
    with open(LABELS_DIR / "kremlin_ru_calls.csv", newline="", encoding="utf-8") as handle:
        gold = {row["item_id"]: row for row in csv.DictReader(handle)}
    calls = {
        item: (kind, initiated or "", scope)
        for item, kind, initiated, scope in warehouse.execute(
            "select item_id, call_kind, initiated_by, call_scope from marts.calls"
        ).fetchall()
    }
    assert set(calls) == set(gold)
    for item, row in gold.items():
        domestic = row["counterparts"] == "RU"
        expected = (row["call_kind"], row["initiated_by"], "domestic" if domestic else "foreign")
        assert calls[item] == expected, item
    countries = dict(
        warehouse.execute(
            "select item_id, string_agg(country_code, ';' order by counterpart_no) "
            "from marts.call_counterparts where source = 'kremlin_ru' group by 1"
        ).fetchall()
    )
    for item, row in gold.items():
        if row["counterparts"] != "RU":
            assert countries.get(item) == row["counterparts"], item


def test_russian_evidence_is_the_original_words(warehouse):
    """Matched on lemmas, shown in the readout's own words at their own place."""
    rows = warehouse.execute(
        "select e.label, e.matched_text, substr(v.text, e.char_start + 1, e.char_end - e.char_start) "
        "from marts.tone_evidence as e join intermediate.int_latest_item_versions as v "
        "using (source, item_id) where e.item_id = '76477' and e.label_kind = 'descriptor'"
    ).fetchall()
    assert sorted(rows) == [
        ("detailed", "подробный", "подробный"),
        ("frank", "откровенный", "откровенный"),
    ]
    tone = warehouse.execute(
        "select descriptors from marts.call_tone where item_id = '76258'"
    ).fetchone()[0]
    assert sorted(tone) == ["businesslike", "constructive", "detailed", "substantive"]


def test_precision_and_recall_per_label(warehouse, capsys):
    gold = gold_labels("kremlin_ru_tone.csv")
    readouts = {item for item, _, _ in gold}
    predicted = {
        (item, kind, label)
        for item, kind, label in warehouse.execute(
            "select distinct item_id, label_kind, label from marts.tone_evidence"
        ).fetchall()
        if item in readouts
    }
    families, labels = score(gold, predicted)
    with capsys.disabled():
        print("\nkremlin_ru (in-sample, 16 readouts)\n" + report(families, labels))
    for family, (precision, recall) in THRESHOLDS.items():
        measured = families[family]
        assert measured.precision >= precision, (family, measured)
        assert measured.recall >= recall, (family, measured)
