"""Generates the counterpart reference data (sql/seeds/countries.csv, offices.csv,
organisations.csv) from maintained sources and the reviewed seeds in sql/seeds/sources/.

- Countries: every ISO 3166-1 country from pycountry (codes, ISO short, common and
  official names), with countryinfo's English common name, alternative spellings and
  demonyms; then sql/seeds/sources/countries_overrides.csv, the reviewed spellings that
  readouts use (merged last, so that regeneration keeps them).
- Offices and organisations: sql/seeds/sources/offices.csv and organisations.csv (no
  maintained offline dataset lists them), expanded by grammar: hyphenated and spaced
  forms, "-elect" / "Acting" forms, British and American spellings, typographic
  apostrophes.

Usage: python scripts/generate_reference.py [--check]
(--check exits 1 when the committed files differ from what the sources generate)."""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "sql" / "seeds"
SOURCES_DIR = REFERENCE_DIR / "sources"

_CONNECTORS = {"of", "the", "and", "da", "y"}
# Words that make a spelling an official (long-form) name rather than an alias.
_OFFICIAL_WORDS = re.compile(
    r"\b(?:Republic|Kingdom|State|States|Federation|Commonwealth|Union|Emirate|Principality|"
    r"Duchy|Sultanate|Confederation|Territory|Bailiwick|Department|Collectivity)\b"
)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def uninvert(name: str) -> str:
    """ISO's inverted names ("Korea, Republic of", "Congo, The Democratic Republic of the")
    in reading order; a comma that lists places ("Saint Helena, Ascension and ...") stays."""
    head, _, tail = name.partition(", ")
    if tail and re.search(r"\bof(?: the)?$", tail, re.IGNORECASE):
        return re.sub(r"^the ", "", f"{tail} {head}", flags=re.IGNORECASE)
    return name


def without_parentheses(name: str) -> list[str]:
    """ "Holy See (Vatican City State)" → Holy See, Vatican City State; "Saint Martin (French
    part)" → Saint Martin."""
    match = re.fullmatch(r"(.+?) \(([^)]+)\)(.*)", name)
    if not match:
        return [name]
    head, inner, rest = match.groups()
    found = [f"{head}{rest}".strip()]
    if inner[:1].isupper() and not rest:
        found.append(inner)
    return found


def spelling_variants(spelling: str) -> list[str]:
    """The forms a readout may print: ASCII without diacritics (readouts and scrapers drop
    them), typographic and straight apostrophes, "St" for "Saint"."""
    forms = {spelling, ascii_fold(spelling)}
    for form in list(forms):
        if "'" in form or "’" in form:
            forms |= {form.replace("’", "'"), form.replace("'", "’")}
    for form in list(forms):
        if re.search(r"\bSaint\b", form):
            forms |= {re.sub(r"\bSaint\b", "St", form), re.sub(r"\bSaint\b", "St.", form)}
    return sorted(forms, key=lambda form: (form != spelling, form))


def _english_vocabulary(countries: list, infos: dict[str, dict]) -> set[str]:
    """Words of the English names of all countries: an alternative spelling made only of
    these (or of acronyms) is English ("Republic of Korea"); one with other words is a
    native-language name ("Jamhuri ya Kenya") that English readouts do not print."""
    words: set[str] = set()
    for country in countries:
        for attribute in ("name", "official_name", "common_name"):
            words.update(re.split(r"[\s,()-]+", getattr(country, attribute, "") or ""))
        words.update(re.split(r"[\s,()-]+", infos[country.alpha_2].get("name") or ""))
    return {w for w in words if w}


def _is_english(spelling: str, vocabulary: set[str], codes: set[str]) -> bool:
    if not spelling or spelling[0].islower() or spelling in codes:
        return False
    for word in re.split(r"[\s-]+", spelling):
        acronym = re.fullmatch(r"[A-Z]{2,5}\+?", word) is not None
        if not (acronym or word in vocabulary or word.lower() in _CONNECTORS):
            return False
    return True


def generate_countries() -> list[dict[str, str]]:
    import pycountry
    from countryinfo import CountryInfo

    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    infos = {c.alpha_2: CountryInfo(c.alpha_2).info() for c in countries}
    vocabulary = _english_vocabulary(countries, infos)
    codes = {c.alpha_2 for c in countries} | {c.alpha_3 for c in countries}
    overrides = _read(SOURCES_DIR / "countries_overrides.csv")
    amended = {row["code"]: row for row in overrides if row["kind"] == "country"}

    demonyms: dict[str, set[str]] = defaultdict(set)
    for country in countries:
        for demonym in (infos[country.alpha_2].get("demonym") or "").split(","):
            if demonym.strip():
                demonyms[demonym.strip()].add(country.alpha_2)

    rows = []
    for country in countries:
        info = infos[country.alpha_2]
        override = amended.get(country.alpha_2, {})
        removed = set(_split(override.get("remove")))
        iso_names = [
            uninvert(n)
            for n in (getattr(country, "common_name", None), country.name, info.get("name"))
            if n
        ]
        candidates = [p for n in iso_names if n for p in without_parentheses(n)]
        official = [
            p
            for n in (getattr(country, "official_name", None),)
            if n
            for p in without_parentheses(uninvert(n))
        ]
        # a name that lists places with a comma reads badly in a title; the official one may not
        readable = [n for n in candidates if ", " not in n] or [
            n for n in official if ", " not in n
        ]
        name = override.get("name") or (readable or candidates)[0]
        alternatives = []
        for spelling in info.get("altSpellings") or []:
            spelling = spelling.strip()
            readable = uninvert(spelling)
            if _is_english(readable, vocabulary, codes):
                alternatives.extend(without_parentheses(readable))
        official += [s for s in alternatives if _OFFICIAL_WORDS.search(s)]
        official += _split(override.get("official_names"))
        aliases = [*candidates, *alternatives, *_split(override.get("aliases"))]
        adjectives = [d for d, owners in demonyms.items() if owners == {country.alpha_2}] + _split(
            override.get("adjectives")
        )
        rows.append(_country_row(country.alpha_2, name, official, aliases, adjectives, removed))
    for row in overrides:
        if row["kind"] == "entity":
            rows.append(
                _country_row(
                    row["code"],
                    row["name"],
                    _split(row["official_names"]),
                    _split(row["aliases"]),
                    _split(row["adjectives"]),
                    set(_split(row["remove"])),
                )
            )
    return rows


def _country_row(
    code: str,
    name: str,
    official: list[str],
    aliases: list[str],
    adjectives: list[str],
    removed: set[str],
) -> dict[str, str]:
    def forms(spellings: list[str], exclude: set[str]) -> list[str]:
        seen: list[str] = []
        for spelling in spellings:
            spelling = re.sub(r"^[Tt]he ", "", spelling.strip())
            for form in spelling_variants(spelling):
                if form and form not in seen and form not in exclude and form not in removed:
                    seen.append(form)
        return seen

    official_forms = forms(official, {name})
    alias_forms = forms(aliases, {name, *official_forms})
    return {
        "code": code,
        "name": name,
        "official_names": "|".join(official_forms),
        "aliases": "|".join(alias_forms),
        "adjectives": "|".join(forms(adjectives, set())),
    }


def _grammar_forms(spelling: str) -> list[str]:
    forms = set(spelling_variants(spelling))
    for form in list(forms):
        forms |= {
            form.replace("Organisation", "Organization"),
            form.replace("Co-operation", "Cooperation"),
            form.replace("Cooperation", "Co-operation"),
            form.replace("Programme", "Program"),
            form.replace("Labour", "Labor"),
        }
        # "Secretary-General" / "Secretary General"
        if re.search(r"[A-Z]\w+-[A-Z]", form):
            forms.add(re.sub(r"(?<=\w)-(?=[A-Z])", " ", form))
    return sorted(forms, key=lambda form: (form != spelling, form))


def generate_offices() -> list[dict[str, str]]:
    rows = []
    for seed in _read(SOURCES_DIR / "offices.csv"):
        office, variants = seed["office"], _split(seed["variants"])
        grammar = set(_split(seed["grammar"]))
        patterns = [f for v in variants for f in _grammar_forms(v)]
        rows.append({"office": office, "patterns": "|".join(dict.fromkeys(patterns))})
        if "elect" in grammar:
            elect = [f"{v}-{suffix}" for v in variants for suffix in ("elect", "Elect")]
            rows.append({"office": f"{office}-elect", "patterns": "|".join(elect)})
        if "designate" in grammar:
            designate = [f"{v}-{suffix}" for v in variants for suffix in ("designate", "Designate")]
            rows.append({"office": f"{office}-designate", "patterns": "|".join(designate)})
        if "acting" in grammar:
            for prefix in ("Acting", "Interim", "Transitional"):
                acting = list(dict.fromkeys(f"{prefix} {f}" for f in patterns))
                rows.append({"office": f"{prefix} {office}", "patterns": "|".join(acting)})
    return rows


def generate_organisations() -> list[dict[str, str]]:
    rows = []
    for seed in _read(SOURCES_DIR / "organisations.csv"):
        name = seed["name"]
        spellings = [f for s in [name, *_split(seed["aliases"])] for f in _grammar_forms(s)]
        aliases = [s for s in dict.fromkeys(spellings) if s != name]
        rows.append({"name": name, "aliases": "|".join(aliases)})
    return rows


def _render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _ambiguities(rows: list[dict[str, str]]) -> list[str]:
    """Spellings that name two different countries: the longest-match rule cannot choose."""
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for column in ("name", "official_names", "aliases", "adjectives"):
            for spelling in _split(row[column]):
                owners[spelling].add(row["code"])
    return sorted(f"{s}: {sorted(c)}" for s, c in owners.items() if len(c) > 1)


def generated() -> dict[str, str]:
    countries = generate_countries()
    problems = _ambiguities(countries)
    if problems:
        listed = "\n  ".join(problems)
        raise SystemExit(f"ambiguous country spellings (fix the overrides):\n  {listed}")
    return {
        "countries.csv": _render(countries),
        "offices.csv": _render(generate_offices()),
        "organisations.csv": _render(generate_organisations()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    stale = []
    for name, text in generated().items():
        path = REFERENCE_DIR / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10)) - 1} rows)")
    if stale:
        print(f"out of date: {stale}: run python scripts/generate_reference.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
