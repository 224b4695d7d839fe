"""marts.tone_shifts on a small warehouse: the seed's pattern (a run of "constructive" calls
with one counterpart, then a call with no descriptor) and a counterpart whose history is too
short to judge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flows.demo.atom_pages import FeedItem
from tests.warehouse_builder import build_warehouse

FINLAND = ("Sauli Niinisto", "President of Finland")
FRANCE = ("Emmanuel Macron", "President of France")


def _call(number: int, day: date, who: tuple[str, str], *sentences: str) -> FeedItem:
    stamp = f"{day.isoformat()}T16:10:00+03:00"
    name, office = who
    return FeedItem(
        str(9000 + number),
        f"Telephone conversation with {office} {name}",
        stamp,
        stamp,
        f"Vladimir Putin had a telephone conversation with {office} {name}.",
        list(sentences),
    )


@pytest.fixture(scope="module")
def shifts(tmp_path_factory):
    start = date(2017, 2, 1)
    items = [
        _call(n, start + timedelta(days=30 * n), FINLAND, "The conversation was constructive.")
        for n in range(7)
    ]
    items.append(_call(7, start + timedelta(days=240), FINLAND, "They discussed trade."))
    items.append(_call(8, start, FRANCE, "The conversation was constructive."))
    items.append(_call(9, start + timedelta(days=60), FRANCE, "They discussed trade."))
    con = build_warehouse(items[::-1], tmp_path_factory.mktemp("shifts"))
    rows = con.execute(
        "select item_id, counterpart_key, kind, labels, baseline_calls, evidence "
        "from marts.tone_shifts order by item_id, kind"
    ).fetchall()
    con.close()
    return rows


def test_a_call_without_a_descriptor_after_a_run_of_constructive_ones(shifts):
    found = {(item_id, kind): labels for item_id, _, kind, labels, _, _ in shifts}
    assert ("9007", "descriptors_dropped") in found
    assert found[("9007", "descriptor_lost")] == ["constructive"]
    (baseline,) = {calls for item_id, _, kind, _, calls, _ in shifts if item_id == "9007"}
    assert baseline == 7


def test_a_counterpart_with_too_short_a_history_gets_no_row(shifts):
    assert not [row for row in shifts if row[1] == "FR"]
    assert not [row for row in shifts if row[0] in {"9000", "9001", "9002"}]


def test_the_consistent_calls_are_not_shifts(shifts):
    assert {item_id for item_id, *_ in shifts} == {"9007"}


def test_a_signal_change_says_its_direction(tmp_path):
    start = date(2018, 1, 10)
    satisfied = "They expressed satisfaction with the level of bilateral cooperation."
    items = [_call(n, start + timedelta(days=20 * n), FINLAND, satisfied) for n in range(4)]
    items.append(_call(4, start + timedelta(days=100), FINLAND, "They discussed trade."))
    con = build_warehouse(items[::-1], tmp_path)
    rows = con.execute(
        "select item_id, labels from marts.tone_shifts where kind = 'signal_change'"
    ).fetchall()
    con.close()
    assert rows == [("9004", ["-expressed_satisfaction"])]
