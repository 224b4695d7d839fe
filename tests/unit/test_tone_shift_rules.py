"""sql/seeds/tone_shift_rules.csv as analysts edit it: the signals that signal_change looks
at are signals the project knows (sql/seeds/tone_signals.csv), and only that kind has any."""

from __future__ import annotations

import csv

from flows.settings import REFERENCE_DIR


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_signals_of_signal_change_are_known_signals():
    known = {row["signal"] for row in _rows("tone_signals.csv")}
    rules = {row["kind"]: row for row in _rows("tone_shift_rules.csv")}
    listed = rules["signal_change"]["signals"].split(";")
    assert listed and set(listed) <= known, set(listed) - known
    # the tone-bearing ones, not the formulaic or the occasion's (tests/labels/README.md)
    assert not {"exchange_of_views", "agreed_to_continue_contacts"} & set(listed)
    assert all(not row["signals"] for kind, row in rules.items() if kind != "signal_change")
