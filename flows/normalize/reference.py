"""Reference data that analysts edit (sql/seeds/*.csv), read once per run."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from flows.core.records import Place
from flows.settings import REFERENCE_DIR

# The files normalisation reads; the others (tone, topics, periods) are used by the SQL
# models only, so editing them needs `readouts build`, not a reprocess.
NORMALIZATION_FILES = (
    "countries.csv",
    "organisations.csv",
    "offices.csv",
    "people.csv",
    # the Russian spellings of offices and organisations, read by the Russian source
    "sources/offices_ru.csv",
    "sources/organisations_ru.csv",
    "sources/countries_ru_overrides.csv",
)


@dataclass(frozen=True)
class Person:
    name: str
    office: str | None
    place: Place


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Reference:
    directory: Path = REFERENCE_DIR

    def _read(self, name: str) -> list[dict[str, str]]:
        return _rows(self.directory / name)

    @cached_property
    def place_spellings(self) -> dict[str, Place]:
        """Every noun spelling of a country or organisation ("France", "the French Republic")."""
        spellings: dict[str, Place] = {}
        for row in self._read("countries.csv"):
            place = Place(row["name"], row["code"], None)
            for spelling in [row["name"], *_split(row["official_names"]), *_split(row["aliases"])]:
                spellings.setdefault(spelling.removeprefix("the "), place)
        for row in self._read("organisations.csv"):
            place = Place(row["name"], None, row["name"])
            for spelling in [row["name"], *_split(row["aliases"])]:
                spellings.setdefault(spelling.removeprefix("the "), place)
        return spellings

    @cached_property
    def adjectives(self) -> dict[str, Place]:
        """Spellings used before an office ("French President", "UN Secretary-General")."""
        adjectives: dict[str, Place] = {}
        for row in self._read("countries.csv"):
            place = Place(row["name"], row["code"], None)
            for spelling in _split(row["adjectives"]):
                adjectives.setdefault(spelling, place)
        for row in self._read("organisations.csv"):
            place = Place(row["name"], None, row["name"])
            for spelling in [row["name"], *_split(row["aliases"])]:
                if not spelling.startswith("the "):
                    adjectives.setdefault(spelling, place)
        return adjectives

    @cached_property
    def attributive(self) -> dict[str, Place]:
        """Every spelling that may stand before an office: the adjectives, and the nouns used
        attributively ("UAE President", "Angola's President" is not attributive)."""
        attributive = dict(self.adjectives)
        for spelling, place in self.place_spellings.items():
            attributive.setdefault(spelling, place)
        return attributive

    def country(self, code: str) -> Place:
        """The country of an ISO code, as the reference data names it."""
        return self._countries_by_code.get(code) or Place(code, code, None)

    @cached_property
    def _countries_by_code(self) -> dict[str, Place]:
        """The first row of each code: the ISO country's own, before the entities that share
        its code (South Ossetia and Abkhazia after Georgia)."""
        places: dict[str, Place] = {}
        for row in self._read("countries.csv"):
            places.setdefault(row["code"], Place(row["name"], row["code"], None))
        return places

    @cached_property
    def offices(self) -> dict[str, str]:
        return {
            pattern: row["office"]
            for row in self._read("offices.csv")
            for pattern in _split(row["patterns"])
        }

    @cached_property
    def people(self) -> dict[str, Person]:
        organisations = {row["name"] for row in self._read("organisations.csv")}
        countries = {row["code"]: row["name"] for row in self._read("countries.csv")}
        people = {}
        for row in self._read("people.csv"):
            organisation = row["organisation"] or None
            code = row["country_code"] or None
            if organisation and organisation not in organisations:
                raise ValueError(
                    f"people.csv: {row['name']}: unknown organisation {organisation!r}"
                )
            place = Place(organisation or countries.get(code or "", code or ""), code, organisation)
            people[row["name"]] = Person(row["name"], row["office"] or None, place)
        return people

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever a file normalisation reads changes, so that the loader reprocesses."""
        digest = hashlib.sha256()
        for path in sorted(self.directory / name for name in NORMALIZATION_FILES):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]
