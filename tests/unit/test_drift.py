"""The drift judgement alone (flows/validate/drift.py): bounds from a source's own history,
the tuning read from sql/seeds/drift_checks.csv, and which measures drift. No warehouse:
the runs are written here with the sizes of the real corpus (measured by the flow test in
tests/flows/test_drift_flow.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.settings import REFERENCE_DIR
from flows.validate.drift import (
    DRIFT_FILE,
    MEASURES,
    RunMeasures,
    TuningError,
    binomial_quantile,
    judge,
    read_tuning,
    with_drift,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
TUNING = read_tuning(REFERENCE_DIR / DRIFT_FILE, "any")


def run(run_id: str = "r1", hours: int = 0, **fields) -> RunMeasures:
    """A run shaped like the English Kremlin feed, October-December 2021."""
    values = dict(
        run_id=run_id,
        fetched_at=T0 + timedelta(hours=hours),
        entries=250,
        entries_quarantined=0,
        items=250,
        calls=39,
        calls_resolved=38,
        calls_toned=35,
        sentences_per_item=7.0,
        languages=frozenset({"en"}),
        hosts=frozenset({"en.kremlin.ru"}),
    )
    return RunMeasures(**{**values, **fields})


HISTORY = [run("h1", 0)]


def drifted(current: RunMeasures, history=HISTORY) -> list[str]:
    return [d.measure for d in judge(current, [*history, current], TUNING)]


def test_the_committed_tuning_covers_every_measure():
    assert set(TUNING) == set(MEASURES)


def test_an_ordinary_next_run_of_the_real_corpus_does_not_drift():
    """January-March 2022 after October-December 2021: more calls (the war), still normal."""
    later = run(
        "r2", 1, entries=299, items=299, calls=81, calls_resolved=79, calls_toned=70,
        sentences_per_item=6.0,
    )  # fmt: skip
    assert drifted(later) == []


def test_the_first_run_and_a_short_history_are_not_judged():
    assert drifted(run("first", 1, calls=0), history=[]) == []
    short = [run("h1", 0, entries=40, items=40, calls=6)]
    assert "call_share" not in drifted(run("r2", 1, calls=0), history=short)


def test_the_russian_feed_read_by_the_english_source_drifts():
    russian = run(
        "ru", 1, entries=128, items=128, calls=0, calls_resolved=0, calls_toned=0,
        sentences_per_item=20.0, languages=frozenset({"ru"}), hosts=frozenset({"kremlin.ru"}),
    )  # fmt: skip
    assert drifted(russian) == ["call_share", "sentences_per_item", "languages", "hosts"]
    lines = [d.line() for d in judge(russian, HISTORY, TUNING)]
    assert lines[0].startswith("drift: call_share 0.00 (0 of 128 items), expected 0.")
    assert lines[0].endswith("from a history of 0.16 over 1 earlier run (250 items)")
    assert lines[2] == (
        "drift: languages ru new (seen: ru), expected only en over 1 earlier run (250 items)"
    )


def test_readout_titles_reworded_into_english_over_russian_text_drift():
    """Calls found by their titles, but nothing in their text resolves or carries a tone."""
    reworded = run(
        "rw", 1, entries=128, items=128, calls=16, calls_resolved=1, calls_toned=0,
        sentences_per_item=20.0,
    )  # fmt: skip
    assert drifted(reworded) == ["resolved_share", "toned_share", "sentences_per_item"]


def test_entries_that_lose_their_bodies_drift():
    assert drifted(run("nb", 1, sentences_per_item=1.0)) == ["sentences_per_item"]


def test_a_burst_of_quarantines_drifts_but_one_odd_entry_does_not():
    assert drifted(run("q", 1, entries=300, entries_quarantined=50)) == ["quarantine_share"]
    assert drifted(run("q", 1, entries=251, entries_quarantined=1)) == []


def test_a_small_batch_needs_a_large_change():
    """Three items without a call is an ordinary hour; a language never seen is not."""
    small = dict(entries=3, items=3, calls=0, calls_resolved=0, calls_toned=0)
    assert drifted(run("s", 1, **small)) == []
    assert drifted(run("s", 1, **small, languages=frozenset({"ru"}))) == ["languages"]


def test_the_history_is_the_window_before_the_run():
    old = run("old", -24 * 200)
    assert drifted(run("r", 1, calls=0), history=[old]) == []  # outside 92 days
    assert drifted(run("r", 1, calls=0), history=[old, *HISTORY]) == ["call_share"]


def test_a_drift_warns_a_success_and_leaves_a_failure_as_it_is():
    drifts = judge(run("r", 1, calls=0), HISTORY, TUNING)
    status, message = with_drift("success", None, drifts)
    assert status == "warned" and "call_share" in message
    assert with_drift("partial", "unreachable", drifts) == ("partial", "unreachable")
    assert with_drift("success", None, []) == ("success", None)


def test_binomial_quantiles():
    assert binomial_quantile(10, 0.5, 0.5) == 5
    assert binomial_quantile(128, 0.0, 0.995) == 0
    assert binomial_quantile(128, 1.0, 0.005) == 128
    assert binomial_quantile(128, 0.052, 0.005) == 1  # below it, 0 calls of 128 drifts


def _write(tmp_path, *rows: str):
    path = tmp_path / DRIFT_FILE
    path.write_text((REFERENCE_DIR / DRIFT_FILE).read_text().splitlines()[0] + "\n" + "".join(rows))
    return path


def test_a_source_s_own_row_replaces_the_shared_one(tmp_path):
    path = _write(
        tmp_path,
        "call_share,,92,100,20,3,0.05,0.01,shared\n",
        "call_share,elysee,30,10,5,2,0.1,0.05,its own\n",
    )
    assert read_tuning(path, "elysee")["call_share"].window_days == 30
    assert read_tuning(path, "kremlin")["call_share"].window_days == 92


@pytest.mark.parametrize(
    "row, error",
    [
        ("call_shares,,92,100,20,3,0.05,0.01,x\n", "unknown measure"),
        ("call_share,,soon,100,20,3,0.05,0.01,x\n", "line 2"),
        ("call_share,,92,100,20,0.5,0.05,0.01,x\n", "ratio must be >= 1"),
        ("call_share,,92,100,20,3,0.05,0.01,x\ncall_share,,92,1,1,3,0,0.01,y\n", "twice"),
    ],
)
def test_a_tuning_file_that_breaks_the_grammar_is_refused(tmp_path, row, error):
    with pytest.raises(TuningError, match=error):
        read_tuning(_write(tmp_path, row), "kremlin")


def test_changing_a_tuning_row_changes_the_judgement(tmp_path):
    path = _write(tmp_path, "call_share,,92,100,20,30,0.5,0.01,lenient\n")
    lenient = read_tuning(path, "kremlin")
    current = run("r", 1, calls=0)
    assert judge(current, HISTORY, lenient) == []
    assert [d.measure for d in judge(current, HISTORY, TUNING)] == ["call_share"]
