"""An ISO code names its country, not an entity that shares the code in the reference data
(sql/seeds/countries.csv lists South Ossetia and Abkhazia under GE after Georgia)."""

from __future__ import annotations

import csv
from collections import defaultdict

from flows.normalize.reference import Reference
from flows.settings import REFERENCE_DIR


def test_every_code_shared_by_several_rows_names_its_first_row():
    rows: dict[str, list[str]] = defaultdict(list)
    with open(REFERENCE_DIR / "countries.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["code"]].append(row["name"])
    shared = {code: names for code, names in rows.items() if len(names) > 1}
    assert shared, "no code is shared: this test no longer tests anything"
    reference = Reference()
    for code, names in shared.items():
        assert reference.country(code).name == names[0], (code, names)
    assert reference.country("GE").name == "Georgia"
