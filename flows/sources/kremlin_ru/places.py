"""Countries, offices and their spellings in Russian, in every grammatical case, generated
from maintained data rather than typed: country names from CLDR (Babel's Russian territory
names) and from pycountry's Russian translations of the ISO 3166-1 names and official long
forms, acronyms derived from the long forms ("Соединённые Штаты Америки" → США,
"Китайская Народная Республика" → КНР), offices and organisations from
sql/seeds/sources/offices_ru.csv and organisations_ru.csv (nominative names only); each
inflected by pymorphy3 (flows/sources/kremlin_ru/morphology.py). The places are the
reference data's own (same ISO code, same English name), so marts read alike across
languages."""

from __future__ import annotations

import csv
import gettext
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import babel
import pycountry

from flows.normalize.reference import Place, Reference
from flows.sources.kremlin_ru.morphology import all_cases, plain

OFFICES_FILE = Path("sources") / "offices_ru.csv"
ORGANISATIONS_FILE = Path("sources") / "organisations_ru.csv"
OVERRIDES_FILE = Path("sources") / "countries_ru_overrides.csv"
_ACCENT = "\u0301"


def _iso_names_ru() -> dict[str, set[str]]:
    """ISO code → the country's Russian names (CLDR and ISO 3166-1 translations)."""
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    cldr = babel.Locale("ru").territories
    names: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        code = country.alpha_2
        if code in cldr and " - " not in cldr[code]:
            names[code].add(cldr[code])
        for field in ("name", "official_name", "common_name"):
            english = getattr(country, field, None)
            if english:
                translated = translation.gettext(english).replace(_ACCENT, "")
                if translated != english:
                    names[code].add(translated)
    return names


def _acronym(name: str) -> str | None:
    """'Объединённые Арабские Эмираты' → ОАЭ: long forms of three words or more."""
    words = [w for w in re.split(r"[\s-]+", name) if w[:1].isupper()]
    return "".join(w[0] for w in words).upper() if len(words) >= 3 else None


@dataclass(frozen=True)
class RussianPlaces:
    reference: Reference

    @cached_property
    def countries(self) -> dict[str, Place]:
        """Every case of every Russian name of a country → the reference data's Place."""
        names = _iso_names_ru()
        acronyms: dict[str, set[str]] = defaultdict(set)
        for code, spellings in names.items():
            for spelling in spellings:
                acronym = _acronym(spelling)
                if acronym:
                    acronyms[acronym].add(code)
        forms: dict[str, Place] = {}
        for acronym, codes in acronyms.items():
            if len(codes) == 1:
                forms[acronym] = self.reference.country(next(iter(codes)))
        for code, spellings in sorted(names.items()):
            place = self.reference.country(code)
            for spelling in spellings:
                for form in all_cases(spelling):
                    forms.setdefault(form, place)
        # reviewed Russian names the maintained data lacks ("Белоруссия"), each naming a
        # place of the English reference data, entities included ("South Ossetia")
        for row in _rows(self.reference.directory / OVERRIDES_FILE):
            place = self.reference.place_spellings.get(row["place"])
            if place is None:
                raise ValueError(f"{OVERRIDES_FILE}: {row['place']!r} is not in the reference data")
            for variant in row["variants"].split("|"):
                for form in all_cases(variant.strip()):
                    forms[form] = place
        return forms

    @cached_property
    def organisations(self) -> dict[str, Place]:
        """Every case of every Russian name of an organisation (sources/organisations_ru.csv)
        → the reference data's Place ("Генеральным секретарём ООН")."""
        known = {row["name"] for row in _rows(self.reference.directory / "organisations.csv")}
        forms: dict[str, Place] = {}
        for row in _rows(self.reference.directory / ORGANISATIONS_FILE):
            if row["name"] not in known:
                raise ValueError(f"{ORGANISATIONS_FILE}: {row['name']!r} is not an organisation")
            place = Place(row["name"], None, row["name"])
            for variant in row["variants"].split("|"):
                for form in all_cases(variant.strip()):
                    forms.setdefault(form, place)
        return forms

    @cached_property
    def places(self) -> dict[str, Place]:
        """Countries and organisations: what may follow an office."""
        return {**self.organisations, **self.countries}

    @cached_property
    def offices(self) -> dict[str, str]:
        """Every case of every Russian spelling of an office → its canonical (English) name."""
        forms: dict[str, str] = {}
        for row in _rows(self.reference.directory / OFFICES_FILE):
            for variant in row["variants"].split("|"):
                for form in all_cases(variant.strip()):
                    forms.setdefault(form, row["office"])
                    forms.setdefault(form[:1].lower() + form[1:], row["office"])
        return forms

    def lookup(self, spelling: str) -> Place | None:
        return self.places.get(spelling) or self.places.get(plain(spelling))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
