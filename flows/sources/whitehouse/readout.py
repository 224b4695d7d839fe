"""How the White House's readouts say that the President held a call, with whom, and how.
Every phrasing here was met in the briefing room's "Statements and Releases" of Oct 2021 -
Mar 2022 (../shared/corpus); see tests/labels/README.md for the judgement calls.

- A readout of the President's call: a title "Readout of President Biden's Call with ...",
  "... Video Call with ...", "... Virtual Meeting with ...", "Statement by Press Secretary
  ... on President Biden's Phone Call with ...", "Joint Readout of Quad Leaders Call", whose
  lead reports a call held (not "will hold").
- Not: "Upcoming" calls and leads saying "will speak/hold/meet", calls of the Vice
  President, the National Security Advisor or other officials (another speaker), calls
  with governors, senators, mayors or the NGA (domestic), meetings in person, background
  press calls, fact sheets, remarks.
- The US side almost never says who initiated: no initiator is read."""

from __future__ import annotations

import re

from flows.core.records import OTHER, TELEPHONE, VIDEO, Counterpart
from flows.normalize.mentions import Mention, MentionFinder

_NOT_A_READOUT_TITLE = re.compile(
    r"^(?:Background\s+Press\s+Call|Press\s+(?:Briefing|Call)|Remarks|Fact\s+Sheet|"
    r"Joint\s+Statement|Memorandum|Executive\s+Order|Proclamation)\b",
    re.IGNORECASE,
)
# the call in the title: "Call with", "Calls with", "Phone Call with", "Virtual Meeting with",
# "Quad Leaders Call"
_TITLE_CALL = re.compile(
    r"\b(?:(?:Phone|Video|Telephone|Conference)\s+)?Calls?\s+with\b|\bVirtual\s+Meeting\s+with\b"
    r"|\bLeaders[’']?\s+Call\b",
    re.IGNORECASE,
)
_OTHER_SPEAKER = re.compile(
    r"\bVice\s+President\b|\bNational\s+Security\s+Advisor\b|"
    r"\bStakeholder\b|\bSecretary\s+of\b|\bFirst\s+Lady\b|\bSecond\s+Gentleman\b",
    re.IGNORECASE,
)
_PRESIDENT = r"\bPresident\b|\bLeaders\b"
_UPCOMING = re.compile(r"\bUpcoming\b|\bWill\s+(?:Speak|Hold|Meet|Call)\b", re.IGNORECASE)
_DOMESTIC_TITLE = re.compile(
    r"\b(?:Governors?|Senators?|Mayors?|Members\s+of\s+Congress|Congressional|NGA|"
    r"Lieutenant\s+Governor|County|Tribal)\b"
)
_ANNOUNCEMENT = re.compile(
    r"\bwill\s+(?:hold|have|speak|meet|talk|call|host|convene)\b|\bis\s+scheduled\s+to\b",
    re.IGNORECASE,
)
_VIDEO_TITLE = re.compile(r"\bVideo\s+Call\b|\bVirtual\s+Meeting\b", re.IGNORECASE)
_VIDEO_LEAD = re.compile(
    r"\bvideo\s*(?:call|conference|link)\b|\bmet\s+virtually\b|\bvirtual\s+meeting\b",
    re.IGNORECASE,
)
_TITLE_COUNTERPARTS = re.compile(
    r"(?:Calls?|Virtual\s+Meeting)\s+[Ww]ith\s+(?P<who>.+)$", re.IGNORECASE
)
# "... Call with European Leaders on Russia and Ukraine": the subject is not a counterpart
_TITLE_SUBJECT = re.compile(r"\s+(?:on|about|regarding|to\s+discuss)\s+.*$")
# the participants of a group call, listed after the narrative
_PARTICIPANTS = re.compile(
    r"\b(?:Participants\s+(?:in|on)\s+the\s+call\s+included|Joining\s+(?:President\s+\w+\s+on\s+)?"
    r"the\s+call\s+were|(?:The\s+)?(?:leaders|participants)\s+(?:on|in)\s+the\s+call\s+were)\b"
    r"(?P<who>.*)",
    re.IGNORECASE | re.DOTALL,
)
# "Opposition Leader Svyatlana Tsikhanouskaya of Belarus": an office the reference data
# lacks, but the White House's grammar puts the country last
_OF_PLACE = re.compile(r"\bof\s+(?:the\s+)?(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)\s*$")


def _speaker_pattern(own_names: tuple[str, ...]) -> re.Pattern[str]:
    """The President as the title names the caller: by office, or by one of the names the
    source declares for its leaders ("Readout of Joseph R. Biden, Jr.'s Call with ...")."""
    names = sorted(own_names, key=len, reverse=True)
    return re.compile("|".join([_PRESIDENT, *(rf"\b{re.escape(n)}" for n in names)]))


def title_looks_like_call(title: str, own_names: tuple[str, ...] = ()) -> bool:
    """A title announcing a readout of the President's call with someone foreign."""
    if _NOT_A_READOUT_TITLE.search(title) or _DOMESTIC_TITLE.search(title):
        return False
    match = _TITLE_CALL.search(title)
    if not match:
        return False
    speaker = title[: match.start()]
    return (
        bool(_speaker_pattern(own_names).search(speaker) or "Leaders" in match.group(0))
        and not _OTHER_SPEAKER.search(speaker)
        and not _UPCOMING.search(speaker)
    )


class WhiteHouseReadoutRules:
    def __init__(
        self, finder: MentionFinder, own_country: str, own_names: tuple[str, ...] = ()
    ) -> None:
        self.finder = finder
        self.own_country = own_country
        self.own_names = own_names

    def classify(self, title: str, first_sentence: str) -> str:
        if not title_looks_like_call(title, self.own_names) or _ANNOUNCEMENT.search(first_sentence):
            return OTHER
        if _VIDEO_TITLE.search(title) or _VIDEO_LEAD.search(first_sentence):
            return VIDEO
        return TELEPHONE

    def _foreign(self, mentions: list[Mention]) -> list[Mention]:
        return [
            m
            for m in mentions
            if not self.finder.is_own_leader(m)
            and not (m.place is not None and m.place.country_code == self.own_country)
        ]

    def _with_place_last(self, mention: Mention) -> Mention:
        if mention.place is not None:
            return mention
        match = _OF_PLACE.search(mention.name)
        place = self.finder.reference.place_spellings.get(match.group("place")) if match else None
        if place is None:
            return mention
        name = mention.name[: match.start()].strip()
        return Mention(name, mention.office, place, None, mention.start, mention.end)

    def counterparts(self, title: str, sentences: list[str], text: str) -> list[Counterpart]:
        """The title names the counterparts of a bilateral call ("Call with President
        Emmanuel Macron of France"); a group call's title does not ("Call with Transatlantic
        Leaders"), and its participants are listed in the text ("Participants in the call
        included ..."), else named in the lead. The US's own people (the President, an NNSA
        administrator in "Calls with President Zelenskyy of Ukraine and NNSA Administrator
        Hruby") are not counterparts when someone foreign is named."""
        all_mentions = self.finder.find(text)
        chosen: list[Mention] = []
        title_match = _TITLE_COUNTERPARTS.search(title)
        if title_match:
            who = _TITLE_SUBJECT.sub("", title_match.group("who"))
            chosen = self._foreign(
                [self._with_place_last(m) for m in self.finder.find_with_bare_names(who)]
            )
            chosen = [self.finder.enrich(m, all_mentions) for m in chosen]
        if not any(m.place is not None for m in chosen):
            participants = _PARTICIPANTS.search(text)
            scope = participants.group("who") if participants else (sentences[:1] or [""])[0]
            listed = self._foreign(self.finder.find(scope))
            if listed:
                chosen = listed
        resolved = [m for m in chosen if m.place is not None]
        if resolved:
            chosen = resolved
        if not chosen:
            who = title_match.group("who") if title_match else title
            chosen = [Mention(who.strip(), None, None, None, 0, 0)]
        unique: dict[str, Mention] = {}
        for mention in chosen:
            unique.setdefault(mention.name, mention)
        return [
            Counterpart(m.name, m.office, m.place, m.organisation_role) for m in unique.values()
        ]
