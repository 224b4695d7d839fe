"""People named with their office and country in English readouts:
"Prime Minister of the Republic of India Narendra Modi", "US President Joseph Biden",
"UAE President Mohammed bin Zayed Al Nahyan", "King Hamad bin Isa Al Khalifa of Bahrain",
"Chairperson of the African Union, President of the Republic of Senegal Macky Sall",
"14-year-old Mark Koblenev from the Moscow Region". The vocabulary comes from the
reference CSVs; the grammar (office before or after the country, "of" or attributive) is
here.

A counterpart whose country or organisation is not in the reference data is still a
mention: it keeps the words as written and no place, so that the call loads and is listed
for review instead of disappearing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from flows.core.records import Place
from flows.normalize.reference import Reference

_TOKEN = r"(?:[A-Z]\.|[A-ZÀ-ÖØ-Þ][\w'’-]*)"
_PARTICLE = r"(?:bin|ibn|bint|al|el|de|da|di|dos|van|von|der|den|le|la|du)"
_NOT_A_NAME = r"(?:The|During|At|On|In|Following|Mr|Mrs|Ms)\b"
_CAPITALISED = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
# Where a title's list of counterparts holds a piece that names nobody.
_CONNECTIVE_ONLY = re.compile(r"^(?:[a-z]+\s*)*$")


def trie_alternation(spellings: Iterable[str]) -> str:
    """A regex alternation of literal spellings as a prefix tree: Python's engine tries the
    alternatives of a flat list one by one at every position, which costs hundreds of
    attempts per character with every country of the world; a tree fails at the first
    character that no spelling continues. Longer spellings win (greedy optional tails)."""
    tree: dict = {}
    for spelling in set(spellings):
        if not spelling:
            continue
        node = tree
        for char in spelling:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return render(tree) or r"[^\s\S]"


@dataclass(frozen=True)
class Mention:
    name: str
    office: str | None
    place: Place | None
    organisation_role: Place | None
    start: int
    end: int

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


class MentionFinder:
    """`own_leaders`: the names by which the source's own leader(s) are written ("Vladimir
    Putin"; "Joseph R. Biden, Jr.", "Biden"): never a counterpart, never the start of one.
    `own_country` and `own_places`: the source's country (ISO code) and a regex of places
    inside it by the grammar of their names ("Kursk Region"): people "of" such a place, or
    a child "from" a place the reference data does not know, are of the own country, so
    calls with them are domestic. Without them, no place is assumed."""

    def __init__(
        self,
        reference: Reference,
        own_leaders: Iterable[str] = (),
        own_country: str | None = None,
        own_places: str | None = None,
    ) -> None:
        self.reference = reference
        self.own_leaders = frozenset(own_leaders)
        self.own_country = own_country
        self.own_places = own_places if own_country else None

    def is_own_leader(self, mention: Mention) -> bool:
        return mention.name in self.own_leaders or any(
            mention.name.startswith(f"{leader} ") or mention.name.endswith(f" {leader}")
            for leader in self.own_leaders
            if " " not in leader
        )

    @cached_property
    def _office(self) -> str:
        return trie_alternation(self.reference.offices)

    @cached_property
    def _name(self) -> str:
        leaders = "".join(f"|{re.escape(name)}\\b" for name in sorted(self.own_leaders))
        return (
            rf"(?!(?:{self._office}|{_NOT_A_NAME}{leaders}))"
            rf"{_TOKEN}(?:\s+(?:{_PARTICLE}\s+)*{_TOKEN}|\s+(?:al|el)-[\w'’-]+)*"
        )

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        office = self._office
        place = trie_alternation(self.reference.place_spellings)
        attributive = trie_alternation(self.reference.attributive)
        name = self._name

        def of_place(group: str) -> str:
            known = rf"(?P<{group}>{place})"
            own = rf"|(?P<{group}_own>{self.own_places})" if self.own_places else ""
            return rf"\s+of\s+(?:the\s+)?(?:{known}{own})(?!\w)"

        role_prefix = (
            rf"(?:(?P<role_office>{office})\s+of\s+(?:the\s+)?(?P<role_place>{place}),\s+"
            rf"|(?P<role_adjective>{attributive})\s+(?P<role_office2>{office}),\s+)?"
        )
        by_office = (
            rf"{role_prefix}(?:\b(?P<adjective>{attributive})(?:['’]s)?\s+)?\b(?P<office>{office})\b"
            rf"(?:{of_place('place')})?,?\s+(?P<name>{name})"
            rf"(?:{of_place('place_after')})?"
        )
        by_origin = (
            rf"\b(?:\d+|[a-z]+)-year-old\s+(?P<young_name>{name})\s+from\s+(?:the\s+)?"
            rf"(?:(?P<young_place>{place})(?!\w)"
            + (rf"|(?P<young_place_own>{_CAPITALISED})" if self.own_country else "")
            + ")"
        )
        return re.compile(rf"{by_office}|{by_origin}")

    @cached_property
    def places_pattern(self) -> re.Pattern[str]:
        return re.compile(rf"\b(?:{trie_alternation(self.reference.place_spellings)})(?!\w)")

    @cached_property
    def bare_name(self) -> re.Pattern[str]:
        return re.compile(rf"^{self._name}$")

    @cached_property
    def leading_office(self) -> re.Pattern[str]:
        return re.compile(rf"^(?:\w+\s+)?(?P<office>{self._office})\b")

    def places_in(self, text: str) -> set[Place]:
        spellings = self.reference.place_spellings
        return {spellings[m.group(0)] for m in self.places_pattern.finditer(text)}

    def _place(self, groups: dict[str, str | None], key: str) -> Place | None:
        if groups.get(key):
            return self.reference.place_spellings[groups[key]]  # type: ignore[index]
        if groups.get(f"{key}_own") and self.own_country:
            return self.reference.country(self.own_country)
        return None

    def find(self, text: str) -> list[Mention]:
        attributive = self.reference.attributive
        mentions = []
        for match in self.pattern.finditer(text):
            groups = match.groupdict()
            if groups["young_name"]:
                mentions.append(
                    Mention(
                        groups["young_name"],
                        None,
                        self._place(groups, "young_place"),
                        None,
                        match.start(),
                        match.end(),
                    )
                )
                continue
            place = self._place(groups, "place") or self._place(groups, "place_after")
            if place is None and groups["adjective"]:
                place = attributive[groups["adjective"]]
            role = None
            if groups["role_place"]:
                role = self.reference.place_spellings[groups["role_place"]]
            elif groups["role_adjective"]:
                role = attributive[groups["role_adjective"]]
            mentions.append(
                Mention(
                    groups["name"],
                    self.reference.offices[groups["office"]],
                    place,
                    role,
                    match.start(),
                    match.end(),
                )
            )
        return mentions

    def find_with_bare_names(self, text: str) -> list[Mention]:
        """Mentions in a list such as a title's "Olaf Scholz and Emmanuel Macron": people
        with an office, the remaining pieces that are names alone, and pieces that name
        someone in words the reference data does not know ("President of Atlantis Jo Doe"),
        kept as written, unresolved."""
        mentions = self.find(text)
        remainder = text
        for mention in reversed(mentions):
            remainder = remainder[: mention.start] + "|" + remainder[mention.end :]
        offset_guess = 0
        for piece in re.split(r"\||,\s*|\s+and\s+", remainder):
            piece = piece.strip().strip(",;")
            if not piece or _CONNECTIVE_ONLY.match(piece):
                continue
            start = text.find(piece, offset_guess)
            offset_guess = start + len(piece)
            office = None
            if not self.bare_name.match(piece):
                leading = self.leading_office.match(piece)
                office = self.reference.offices[leading.group("office")] if leading else None
            mentions.append(Mention(piece, office, None, None, start, start + len(piece)))
        return sorted(mentions, key=lambda mention: mention.start)

    def enrich(self, mention: Mention, known: list[Mention]) -> Mention:
        """Fill a missing place from another mention of the same person, then people.csv."""
        if mention.place is not None:
            return mention
        for other in known:
            if other.place is not None and (
                other.name == mention.name or other.surname == mention.surname
            ):
                # an unresolved piece "President of Atlantis Jo Doe" takes the name alone
                name = other.name if mention.name.endswith(f" {other.name}") else mention.name
                return replace(
                    mention, name=name, place=other.place, office=mention.office or other.office
                )
        person = self.reference.people.get(mention.name)
        if person is None:
            matches = [
                p for p in self.reference.people.values() if p.name.split()[-1] == mention.surname
            ]
            person = matches[0] if len(matches) == 1 else None
        if person is not None:
            return replace(mention, place=person.place, office=mention.office or person.office)
        return mention
