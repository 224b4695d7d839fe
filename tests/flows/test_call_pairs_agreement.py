"""marts.call_pairs says, per label, whether the Kremlin's and the White House's readouts of
one call agree, on the real corpora."""

from __future__ import annotations

import duckdb

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


def test_each_pair_says_where_the_two_capitals_differ(both_sources_run):
    columns = ", ".join(f"{signal}_agree" for signal in SIGNALS)
    with duckdb.connect(str(both_sources_run.warehouse_path), read_only=True) as con:
        rows = con.execute(
            f"select a_item_id, a_signals, b_signals, one_side_only, not_comparable, {columns} "
            "from marts.call_pairs where reported_by = 'both' order by call_date"
        ).fetchall()
        alone = con.execute(
            f"select one_side_only, not_comparable, {columns} from marts.call_pairs "
            "where reported_by != 'both'"
        ).fetchall()
    assert len(rows) == 2  # 7 and 30 December 2021
    for a_item, kremlin, whitehouse, one_side_only, not_comparable, *agree in rows:
        kremlin, whitehouse = set(kremlin), set(whitehouse)
        expected = sorted(
            [f"{signal}: kremlin only" for signal in kremlin - whitehouse]
            + [f"{signal}: whitehouse only" for signal in whitehouse - kremlin]
        )
        print(f"\n{a_item}: {one_side_only}")
        assert one_side_only == expected
        assert not_comparable == []
        assert agree == [(s in kremlin) == (s in whitehouse) for s in SIGNALS]
    assert alone and all(value is None for row in alone for value in row)
    # 7 December 2021, by reading both readouts: both report concern, divergence (Putin
    # "warned against shifting the responsibility on Russia"; Biden "made clear" the US would
    # respond) and further contacts; only the Kremlin an exchange of views
    december_7 = next(row for row in rows if row[0] == "67315")
    assert december_7[3] == ["exchange_of_views: kremlin only"]
    with duckdb.connect(str(both_sources_run.warehouse_path), read_only=True) as con:
        listed = con.execute(  # the README's query, as written
            "select leaders, call_date, one_side_only from "
            "marts.call_pairs where len(one_side_only) > 0"
        ).fetchall()
    assert len(listed) == 2
