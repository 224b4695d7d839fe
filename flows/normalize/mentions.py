"""People named with their office and country in English readouts:
"Prime Minister of the Republic of India Narendra Modi", "US President Joseph Biden",
"King Hamad bin Isa Al Khalifa of Bahrain", "Chairperson of the African Union,
President of the Republic of Senegal Macky Sall", "14-year-old Mark Koblenev from the
Moscow Region". The vocabulary comes from the reference CSVs."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from flows.normalize.reference import Place, Reference

_TOKEN = r"(?:[A-Z]\.|[A-ZÀ-ÖØ-Þ][\w'’-]*)"
_PARTICLE = r"(?:bin|ibn|bint|al|el|de|da|di|dos|van|von|der|den|le|la|du)"
_NOT_A_NAME = r"(?:The|During|At|On|In|Following|Vladimir Putin|Mr|Mrs|Ms)\b"


def _alternation(spellings: object) -> str:
    ordered = sorted(set(spellings), key=len, reverse=True)  # type: ignore[arg-type]
    return "|".join(re.escape(spelling) for spelling in ordered)


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

    @property
    def is_putin(self) -> bool:
        return self.name == "Vladimir Putin"


class MentionFinder:
    def __init__(self, reference: Reference) -> None:
        self.reference = reference

    @cached_property
    def _name(self) -> str:
        office = _alternation(self.reference.offices)
        return (
            rf"(?!(?:{office}|{_NOT_A_NAME}))"
            rf"{_TOKEN}(?:\s+(?:{_PARTICLE}\s+)*{_TOKEN}|\s+(?:al|el)-[\w'’-]+)*"
        )

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        office = _alternation(self.reference.offices)
        place = _alternation(self.reference.place_spellings)
        adjective = _alternation(self.reference.adjectives)
        name = self._name
        role_prefix = (
            rf"(?:(?P<role_office>{office})\s+of\s+(?:the\s+)?(?P<role_place>{place}),\s+"
            rf"|(?P<role_adjective>{adjective})\s+(?P<role_office2>{office}),\s+)?"
        )
        by_office = (
            rf"{role_prefix}(?:(?P<adjective>{adjective})\s+)?\b(?P<office>{office})\b"
            rf"(?:\s+of\s+(?:the\s+)?(?P<place>{place})\b)?,?\s+(?P<name>{name})"
            rf"(?:\s+of\s+(?:the\s+)?(?P<place_after>{place})\b)?"
        )
        by_origin = (
            rf"\b(?:\d+|[a-z]+)-year-old\s+(?P<young_name>{name})\s+from\s+(?:the\s+)?"
            rf"(?P<young_place>{place})\b"
        )
        return re.compile(rf"{by_office}|{by_origin}")

    @cached_property
    def bare_name(self) -> re.Pattern[str]:
        return re.compile(rf"^{self._name}$")

    def find(self, text: str) -> list[Mention]:
        spellings = self.reference.place_spellings
        adjectives = self.reference.adjectives
        mentions = []
        for match in self.pattern.finditer(text):
            groups = match.groupdict()
            if groups["young_name"]:
                mentions.append(
                    Mention(
                        groups["young_name"],
                        None,
                        spellings[groups["young_place"]],
                        None,
                        match.start(),
                        match.end(),
                    )
                )
                continue
            place_text = groups["place"] or groups["place_after"]
            place = spellings[place_text] if place_text else None
            if place is None and groups["adjective"]:
                place = adjectives[groups["adjective"]]
            role = None
            if groups["role_place"]:
                role = spellings[groups["role_place"]]
            elif groups["role_adjective"]:
                role = adjectives[groups["role_adjective"]]
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
        with an office, and the remaining pieces that are names alone."""
        mentions = self.find(text)
        remainder = text
        for mention in reversed(mentions):
            remainder = remainder[: mention.start] + "|" + remainder[mention.end :]
        offset_guess = 0
        for piece in re.split(r"\||,\s*|\s+and\s+", remainder):
            piece = piece.strip()
            if piece and self.bare_name.match(piece):
                start = text.find(piece, offset_guess)
                mentions.append(Mention(piece, None, None, None, start, start + len(piece)))
                offset_guess = start + len(piece)
        return sorted(mentions, key=lambda mention: mention.start)

    def enrich(self, mention: Mention, known: list[Mention]) -> Mention:
        """Fill a missing place from another mention of the same person, then people.csv."""
        if mention.place is not None:
            return mention
        for other in known:
            if other.place is not None and (
                other.name == mention.name or other.surname == mention.surname
            ):
                return replace(mention, place=other.place, office=mention.office or other.office)
        person = self.reference.people.get(mention.name)
        if person is None:
            matches = [
                p for p in self.reference.people.values() if p.name.split()[-1] == mention.surname
            ]
            person = matches[0] if len(matches) == 1 else None
        if person is not None:
            return replace(mention, place=person.place, office=mention.office or person.office)
        return mention
