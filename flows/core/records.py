"""What a source hands to the normaliser for each feed entry: an item, or the reason it
cannot be loaded; with the places and sentences an item is made of."""

from __future__ import annotations

from dataclasses import dataclass, field

# An item's kind: what every source classifies its items into, and the schema checks.
TELEPHONE = "telephone call"
VIDEO = "video call"
IN_PERSON = "in-person meeting"
OTHER = "other"
CALL_KINDS = (TELEPHONE, VIDEO)
KINDS = (TELEPHONE, VIDEO, IN_PERSON, OTHER)


@dataclass(frozen=True)
class Place:
    """A country (ISO code) or an international organisation (code None)."""

    name: str
    country_code: str | None
    organisation: str | None


@dataclass(frozen=True)
class Sentence:
    paragraph_no: int
    start: int
    end: int
    text: str
    # What the rules of a source that normalises its words match instead of `text` (the
    # Russian source: each word's lemma), one token per `token_spans` entry, tokens joined
    # by single spaces; each span is where that token stands in `text` (start, end), so that
    # a match on the tokens is evidence at the original words. None: the rules read `text`.
    match_text: str | None = None
    token_spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Counterpart:
    name: str
    office: str | None
    place: Place | None
    organisation_role: Place | None

    @property
    def country_code(self) -> str | None:
        return self.place.country_code if self.place else None

    @property
    def organisation(self) -> str | None:
        if self.organisation_role is not None:
            return self.organisation_role.name
        return self.place.organisation if self.place else None


@dataclass(frozen=True)
class ItemRecord:
    source: str
    item_id: str
    entry_sha: str
    url: str
    title: str
    published_raw: str
    updated_raw: str
    lead: str
    body: str
    kind: str
    language: str | None
    initiated_by: str | None = None
    initiative_evidence: str | None = None
    counterparts: list[Counterpart] = field(default_factory=list)
    # the sentences of `text`, split once by the source that needed them anyway
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(part for part in (self.lead, self.body) if part)


@dataclass(frozen=True)
class Rejection:
    source: str
    entry_sha: str
    item_id: str | None
    entry_position: int | None
    reason: str
