"""Generality: every country, office, organisation, descriptor and frame in the reference
data works in the real templates of readouts, whether or not the corpus ever used it.
The names and sentences here are invented (Alex Sample is nobody)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.normalize.reference import Reference
from flows.settings import REFERENCE_DIR
from flows.sources.kremlin.readout import KremlinReadoutRules
from flows.sources.kremlin.source import KremlinSource
from tests.rule_database import rule_database

NAME = "Alex Sample"
ROOT = Path(__file__).resolve().parents[2]


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> list[str]:
    return [part for part in value.split("|") if part]


COUNTRIES = _rows("countries.csv")
OFFICES = _rows("offices.csv")
ORGANISATIONS = _rows("organisations.csv")


@pytest.fixture(scope="module")
def rules() -> KremlinReadoutRules:
    return KremlinSource(Reference()).rules  # the Kremlin's finder: its leaders, RU places


def _resolved(rules: KremlinReadoutRules, title: str, lead: str = "") -> list[tuple]:
    return [
        (c.name, c.office, c.country_code, c.organisation)
        for c in rules.counterparts(title, [lead] if lead else [], lead)
    ]


def test_the_reference_data_is_complete():
    codes = {row["code"] for row in COUNTRIES}
    assert len(codes) == 249  # every ISO 3166-1 country
    offices = {row["office"] for row in OFFICES}
    for office in ("King", "Emir", "Sultan", "Crown Prince", "Grand Duke", "Governor-General"):
        assert office in offices
    for office in ("Chairman of the Presidential Council", "Prime Minister", "President-elect"):
        assert office in offices
    assert "Head of the Government" in offices
    organisations = {row["name"] for row in ORGANISATIONS}
    assert len(organisations) >= 60
    for acronym in ("UN", "EU", "NATO", "OSCE", "CSTO", "EAEU", "CIS", "SCO", "OPEC", "IAEA"):
        assert any(acronym in _split(row["aliases"]) for row in ORGANISATIONS), acronym


def test_the_committed_reference_data_is_what_the_generator_writes():
    """Regenerating keeps the reviewed overrides: the files must not drift from the script."""
    done = subprocess.run(
        [sys.executable, "scripts/generate_reference.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def _country_cases() -> list[tuple[str, str, str, str]]:
    """(code, how the country is written, spelling, its kind) for every spelling."""
    cases = []
    for row in COUNTRIES:
        for column in ("name", "official_names", "aliases"):
            cases += [(row["code"], column, s, "noun") for s in _split(row[column])]
        cases += [(row["code"], "adjectives", s, "adjective") for s in _split(row["adjectives"])]
    return cases


COUNTRY_CASES = _country_cases()


@pytest.mark.parametrize(("code", "column", "spelling", "kind"), COUNTRY_CASES)
def test_every_country_spelling_resolves_in_titles_and_leads(rules, code, column, spelling, kind):
    expected = [(NAME, "President", code, None)]
    if kind == "noun":
        templates = [
            f"Telephone conversation with President of {spelling} {NAME}",
            f"Telephone conversation with President of the {spelling} {NAME}",
            f"Telephone conversation with President {NAME} of {spelling}",
            f"Telephone conversation with {spelling} President {NAME}",
        ]
    else:
        templates = [f"Telephone conversation with {spelling} President {NAME}"]
    for title in templates:
        assert _resolved(rules, title) == expected, title
    lead = f"Vladimir Putin had a telephone conversation with President of {spelling} {NAME}."
    if kind == "noun":
        assert _resolved(rules, "Telephone conversation", lead) == expected, lead


@pytest.mark.parametrize("row", COUNTRIES, ids=lambda row: f"{row['code']}-{row['name']}")
def test_the_initiative_of_every_country_side_is_the_counterparts(rules, row):
    title = f"Telephone conversation with President of {row['name']} {NAME}"
    counterparts = rules.counterparts(title, [], "")
    expected = "own_side" if row["code"] == "RU" else "counterpart"
    for adjective in _split(row["adjectives"]) or [row["name"]]:
        for clause in (
            f"at the initiative of the {adjective} side",
            f"at the {adjective} side’s initiative",
        ):
            lead = f"Vladimir Putin had a telephone conversation with {NAME} {clause}."
            assert rules.initiator([lead], counterparts) == (expected, clause), lead


OFFICE_CASES = [(row["office"], p) for row in OFFICES for p in _split(row["patterns"])]


@pytest.mark.parametrize(("office", "pattern"), OFFICE_CASES)
def test_every_office_resolves_before_and_after_the_country(rules, office, pattern):
    expected = [(NAME, office, "FR", None)]
    for title in (
        f"Telephone conversation with {pattern} of France {NAME}",
        f"Telephone conversation with French {pattern} {NAME}",
        f"Telephone conversation with {pattern} {NAME} of France",
    ):
        assert _resolved(rules, title) == expected, title


ORGANISATION_CASES = [
    (row["name"], spelling)
    for row in ORGANISATIONS
    for spelling in [row["name"], *_split(row["aliases"])]
]


@pytest.mark.parametrize(("organisation", "spelling"), ORGANISATION_CASES)
def test_every_organisation_resolves(rules, organisation, spelling):
    expected = [(NAME, "Secretary-General", None, organisation)]
    for title in (
        f"Telephone conversation with Secretary-General of the {spelling} {NAME}",
        f"Telephone conversation with {spelling} Secretary-General {NAME}",
    ):
        assert _resolved(rules, title) == expected, title


def test_a_counterpart_the_reference_data_lacks_is_kept_as_written(rules):
    title = (
        f"Telephone conversation with President of France {NAME} and President of Atlantis Jo Doe"
    )
    assert _resolved(rules, title) == [
        (NAME, "President", "FR", None),
        ("President of Atlantis Jo Doe", "President", None, None),
    ]
    lead = "Vladimir Putin had a telephone conversation with the Grand Vizier of Atlantis."
    assert _resolved(rules, "Vladimir Putin spoke on the phone", lead) == [
        ("the Grand Vizier of Atlantis", None, None, None)
    ]


# Descriptors: every spelling in every frame, alone, after an adverb, and in a list.
FRAME_TEMPLATES = {
    "noun_after": "The leaders had a {d} exchange of views.",
    "noun_then_verb": "The conversation was {d}.",
    "atmosphere": "The conversation took place in a {d} atmosphere.",
    "atmosphere_was": "The atmosphere of the conversation was {d}.",
    "nature_of": "They noted the {d} nature of the conversation.",
    "their_dialogue": "The leaders continued their {d} dialogue.",
    "noun_apposition": "The conversation, {d}, lasted an hour.",
}
NON_FRAME_TEMPLATES = (
    "Russia put forward {d} proposals.",
    "The leaders praised the {d} relations between the two peoples.",
    "They called for a {d} dialogue between the parties to the conflict.",
)


@pytest.fixture(scope="module")
def rule_db(tmp_path_factory):
    con = rule_database(tmp_path_factory.mktemp("rules"))
    yield con
    con.close()


def _descriptors(con: duckdb.DuckDBPyConnection, sentences: list[str]) -> list[set[str]]:
    rows = con.execute(
        "select n, list_distinct(flatten(list_transform(reference.frame_hits(s), lambda f: "
        "flatten(list_transform(f.hits.list, lambda l: list_transform(list_filter("
        "reference.descriptors_in(l), lambda d: len(d.hits.matched) > 0), "
        "lambda d: d.descriptor)))))) "
        "from (select unnest(?) as s, generate_subscripts(?, 1) as n) order by n",
        [sentences, sentences],
    ).fetchall()
    return [set(found or []) for _, found in rows]


def _spellings() -> list[tuple[str, str]]:
    """Every descriptor with every spelling its variants pattern spells out literally."""
    cases = []
    for row in _rows("tone_lexicon.csv"):
        for variant in row["variants"].split("|"):
            if re.fullmatch(r"[\w\s-]+", variant):
                cases.append((row["descriptor"], variant))
    return cases


def test_every_frame_has_a_template():
    assert set(FRAME_TEMPLATES) == {row["frame"] for row in _rows("tone_frames.csv")}


@pytest.mark.parametrize("frame", sorted(FRAME_TEMPLATES))
def test_every_descriptor_in_every_frame_with_adverbs_and_lists(rule_db, frame):
    template = FRAME_TEMPLATES[frame]
    cases, sentences = [], []
    for descriptor, spelling in _spellings():
        other = "frank" if descriptor != "frank" else "constructive"
        for phrase, expected in (
            (spelling, {descriptor}),
            (f"very {spelling}", {descriptor}),
            (f"traditionally {spelling}", {descriptor}),
            (f"extremely {spelling} and {other}", {descriptor, other}),
            (f"{other}, {spelling} and very {other}", {descriptor, other}),
        ):
            article_fixed = re.sub(r"\ba (?=[aeiou])", "an ", template.format(d=phrase))
            cases.append((article_fixed, expected))
            sentences.append(article_fixed)
    found = _descriptors(rule_db, sentences)
    wrong = [(s, e, f) for (s, e), f in zip(cases, found, strict=True) if e != f]
    assert wrong == []


def test_descriptors_outside_a_frame_are_not_found(rule_db):
    sentences = [t.format(d=spelling) for _, spelling in _spellings() for t in NON_FRAME_TEMPLATES]
    found = _descriptors(rule_db, sentences)
    assert [s for s, f in zip(sentences, found, strict=True) if f] == []


# The object of the verb decides (sql/seeds/README.md, "What each signal means"): a warning,
# an urging or a concern is divergence only when its object names a side of the call. Every
# spelling of every country in the slot of every directed cue; the names of another country
# never pass for them.
PARTY_TEMPLATES = (
    "The President urged {p} to de-escalate tensions.",
    "He made it clear to {p} that the allies would respond.",
    "He warned that the allies would respond if {p} crossed the border.",
    "The President raised concerns about {p} practices on the border.",
    "She strongly condemned {p} decision to close the border.",
)


def _country_spellings() -> list[tuple[str, str]]:
    return [
        (row["code"], spelling)
        for row in COUNTRIES
        for column in ("name", "official_names", "aliases", "adjectives")
        for spelling in _split(row[column])
    ]


def _party_slots(con: duckdb.DuckDBPyConnection, sentences: list[str]) -> list[list[str]]:
    rows = con.execute(
        "select n, flatten(list_transform(list_filter(reference.signal_hits(s), "
        "lambda h: h.signal = 'divergence'), lambda h: h.hits.party)) "
        "from (select unnest(?) as s, generate_subscripts(?, 1) as n) order by n",
        [sentences, sentences],
    ).fetchall()
    return [[party for party in found or [] if party] for _, found in rows]


@pytest.mark.parametrize("template", PARTY_TEMPLATES)
def test_the_object_of_a_directed_cue_is_any_country_spelling(rule_db, template):
    spellings = _country_spellings()
    sentences = [template.format(p=spelling) for _, spelling in spellings]
    slots = _party_slots(rule_db, sentences)
    missed = [s for s, found in zip(sentences, slots, strict=True) if len(found) != 1]
    assert missed == []
    names: dict[str, list[str]] = {}  # as int_call_parties gives them: every spelling
    for code, spelling in spellings:
        names.setdefault(code, []).append(spelling)
    cases = [
        {"slot": found[0], "names": names[code]}
        for found, (code, _) in zip(slots, spellings, strict=True)
    ]
    checked = rule_db.execute(
        "select list_transform(?, lambda c: regexp_matches(c.slot, reference.party_pattern("
        "array_to_string(list_transform(c.names, lambda n: regexp_escape(n)), '|'))))",
        [cases],
    ).fetchone()[0]
    assert [s for s, ok in zip(sentences, checked, strict=True) if not ok] == []
    other = rule_db.execute(
        "select regexp_matches(?, reference.party_pattern('Atlantis|Atlantean'))",
        [slots[0][0]],
    ).fetchone()[0]
    assert other is False


def test_third_parties_and_the_occasion_are_not_signals(rule_db):
    rows = rule_db.execute(
        "select list_filter(reference.signal_hits(s), lambda h: len(h.hits.matched) > 0) "
        "from (select unnest(?) as s)",
        [
            [
                "President Biden welcomed the opportunity to discuss climate.",
                "He sent his best wishes for a successful summit.",
                "They discussed issues of mutual concern.",
            ]
        ],
    ).fetchall()
    found = [{hit["signal"] for hit in hits} for (hits,) in rows]
    assert found == [
        {"expressed_satisfaction", "not expressed_satisfaction"},
        {"congratulations_or_greetings", "not congratulations_or_greetings"},
        {"not expressed_concern", "not divergence"},  # the joint subject: never divergence
    ]
