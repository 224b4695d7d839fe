"""marts.call_pairs says, per label, whether the Kremlin's and the White House's readouts of
one call agree, on the real corpora: the labels each side's gold set holds decide what the
pair must show."""

from __future__ import annotations

import duckdb

from tests.tone_quality import gold_labels

SIGNALS = (
    "expressed_satisfaction",
    "expressed_gratitude",
    "expressed_condolences",
    "congratulations_or_greetings",
    "expressed_concern",
    "divergence",
    "exchange_of_views",
    "agreed_to_continue_contacts",
)


def _gold_signals(file_name: str, item_id: str) -> set[str]:
    return {
        label
        for item, family, label in gold_labels(file_name)
        if item == item_id and family == "signal"
    }


def test_each_pair_says_where_the_two_capitals_differ(both_sources_run):
    columns = ", ".join(f"{signal}_agree" for signal in SIGNALS)
    with duckdb.connect(str(both_sources_run.warehouse_path), read_only=True) as con:
        rows = con.execute(
            f"select a_item_id, b_item_id, one_side_only, not_comparable, {columns} "
            "from marts.call_pairs where reported_by = 'both' order by call_date"
        ).fetchall()
        alone = con.execute(
            f"select one_side_only, not_comparable, {columns} from marts.call_pairs "
            "where reported_by != 'both'"
        ).fetchall()
    assert len(rows) == 2  # 7 and 30 December 2021
    for a_item, b_item, one_side_only, not_comparable, *agree in rows:
        kremlin = _gold_signals("corpus_tone.csv", a_item)
        whitehouse = _gold_signals("whitehouse_tone.csv", b_item)
        expected = sorted(
            [f"{signal}: kremlin only" for signal in kremlin - whitehouse]
            + [f"{signal}: whitehouse only" for signal in whitehouse - kremlin]
        )
        print(f"\n{a_item} + {b_item}: {one_side_only}")
        assert one_side_only == expected
        assert not_comparable == []
        assert agree == [(s in kremlin) == (s in whitehouse) for s in SIGNALS]
    assert alone and all(value is None for row in alone for value in row)
