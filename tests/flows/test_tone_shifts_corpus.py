"""marts.tone_shifts on the real Kremlin corpus, measured: every shift found is in the gold
labels read by hand (tests/labels/tone_shifts.csv), and the precision is printed. A listed
shift that disappears, or a new one nobody has read, fails the test."""

from __future__ import annotations

import csv

import duckdb

from tests.labels import LABELS_DIR

MIN_PRECISION = 0.9


def _gold() -> dict[tuple[str, str, str, str], dict]:
    with open(LABELS_DIR / "tone_shifts.csv", newline="", encoding="utf-8") as handle:
        return {
            (row["source"], row["item_id"], row["counterpart_key"], row["kind"]): row
            for row in csv.DictReader(handle)
        }


def _found(warehouse) -> dict[tuple[str, str, str, str], tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select source, item_id, counterpart_key, kind, call_date, counterpart_name, labels, "
            "baseline_calls, evidence from marts.tone_shifts order by call_date, item_id, kind"
        ).fetchall()
    return {tuple(row[:4]): row[4:] for row in rows}


def test_every_shift_on_the_corpus_is_read_and_the_precision_printed(corpus_run, capsys):
    gold, found = _gold(), _found(corpus_run["settings"].warehouse_path)
    assert all(row["correct"] in {"yes", "no"} and row["reason"] for row in gold.values())
    right = [key for key in found if key in gold and gold[key]["correct"] == "yes"]
    with capsys.disabled():
        print(
            f"\ntone shifts on the Kremlin corpus: {len(found)} found, {len(right)} right, "
            f"precision {len(right) / len(found):.2f}"
        )
        for key, (day, name, labels, calls, _) in found.items():
            verdict = gold.get(key, {}).get("correct", "UNREAD")
            print(f"  {verdict:6} {day} {name:12} {key[3]:20} {','.join(labels)} ({calls} days)")
    assert not set(found) - set(gold), f"shifts nobody has read: {sorted(set(found) - set(gold))}"
    assert not set(gold) - set(found), (
        f"read shifts that are gone: {sorted(set(gold) - set(found))}"
    )
    assert len(right) / len(found) >= MIN_PRECISION


def test_the_shift_of_24_february_2022_with_france_carries_its_evidence(corpus_run):
    found = _found(corpus_run["settings"].warehouse_path)
    day, name, labels, calls, evidence = found[("kremlin", "67850", "FR", "new_descriptor")]
    assert str(day) == "2022-02-24" and name == "France"
    assert labels == ["frank", "serious"] and calls >= 3
    assert any("serious and frank exchange of views" in sentence for sentence in evidence)
    assert ("kremlin", "67850", "FR", "convergence_change") in found
    assert ("kremlin", "67827", "DE", "signal_change") in found


def test_the_tone_shifts_analysis_answers_the_seeds_question_on_the_corpus(corpus_run):
    """docs/analyses/tone_shifts.sql: France's tone period by period, and where it changed."""
    from flows.publish.docs import ANALYSES_DIR
    from flows.query import run_query

    sql = (ANALYSES_DIR / "tone_shifts.sql").read_text(encoding="utf-8")
    columns, rows = run_query(corpus_run["settings"].warehouse_path, sql)
    france = {
        row["period"]: row
        for row in (dict(zip(columns, values, strict=True)) for values in rows)
        if row["counterpart_key"] == "FR" and row["period_set"] == "invasion_2022"
    }
    before, after = france["before 24 Feb 2022"], france["from 24 Feb 2022"]
    assert "frank" not in before["descriptors_used"] and "frank" in after["descriptors_used"]
    assert after["avg_convergence"] < before["avg_convergence"]
    assert "2022-02-24 new_descriptor frank,serious" in after["what_changed"]
    assert "2022-02-24" not in (before["what_changed"] or "")
