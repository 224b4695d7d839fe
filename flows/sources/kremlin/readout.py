"""How the Kremlin's English readouts say what kind of event an item is, who took
part, and who initiated a call. Every phrasing here was met in real readouts."""

from __future__ import annotations

import re

from flows.core.records import IN_PERSON, OTHER, TELEPHONE, VIDEO, Counterpart
from flows.normalize.mentions import Mention, MentionFinder

# Items about a call that are not its readout: aides' briefings, press statements.
_NOT_A_READOUT_TITLE = re.compile(
    r"^(?:Briefing|Statements?\b|Press statements|Joint (?:news|press)|News conference|Comment|"
    r"Answers? to|Interview|Article|Message|Condolences)",
    re.IGNORECASE,
)
# "On December 15, Vladimir Putin will hold talks with ...": a call announced, not held.
_ANNOUNCEMENT = re.compile(
    r"\bwill\s+(?:hold|have|take\s+part|attend|meet|talk|speak)\b|\bis\s+scheduled\s+to\b",
    re.IGNORECASE,
)
_CALL_TITLE = re.compile(r"^Telephone (?:conversations?|call) with\b", re.IGNORECASE)
CALL_PHRASE = re.compile(
    r"\b(?:had|held|have|has)\s+(?:\w+\s+){0,3}?(?:tele)?phone\s+(?:conversations?|calls?)\b"
    r"|\b(?:tele)?phone\s+(?:conversations?|calls?)\s+(?:with|between)\b"
    r"|\bDuring\s+(?:a|the|his|their)\s+(?:\w+\s+){0,2}?(?:tele)?phone\s+conversations?\b"
    r"|\bspoke\s+(?:\w+\s+){0,2}?(?:on|by|over)\s+(?:the\s+)?(?:tele)?phone\b"
    r"|\bin\s+a\s+(?:tele)?phone\s+conversation\b",
    re.IGNORECASE,
)
VIDEO_PHRASE = re.compile(
    r"\b(?:talks|meeting|conversation)s?,?\s+via\s+(?:a\s+)?video(?:conference|\s?link)\b,?\s+with\b"
    r"|\bvia\s+(?:a\s+)?video(?:conference|\s?link),?\s+with\b"
    r"|\bvideo\s*(?:conference|call)\s+(?:talks|meeting|conversation)?\s*with\b"
    r"|\b(?:talks|meeting|conversation)\s+with\b[^.]*\bvia\s+video(?:conference|\s?link)\b",
    re.IGNORECASE,
)
# "had a lengthy conversation with" a foreign leader, with no place named, is how the
# Kremlin headed at least one video summit ("Meeting with US President Joseph Biden").
_REMOTE_CONVERSATION = re.compile(r"\bhad\s+an?\s+(?:\w+\s+)?conversation\s+with\b", re.IGNORECASE)
_IN_PERSON_CUE = re.compile(
    r"\bmet\b|\bin\s+the\s+Kremlin\b|\bat\s+the\s+Kremlin\b|\bresidence\b|\bPalace\b|"
    r"\bvisit\b|\barrived\b|\bheld\s+talks\s+in\b|\bin\s+(?:Sochi|Moscow|St\s+Petersburg|Beijing|"
    r"New\s+Delhi|Geneva)\b",
    re.IGNORECASE,
)
_MEETING_TITLE = re.compile(
    r"^(?:Meeting|Talks|Conversation)\s+with\b|^Russian-[\w-]+\s+talks\b|"
    r"^[\w-]+\s+talks\s+with\b",
    re.IGNORECASE,
)
_TITLE_COUNTERPARTS = re.compile(
    r"^(?:Telephone\s+(?:conversations?|call)|Meeting|Talks|Conversation)\s+with\s+(?P<who>.+)$",
    re.IGNORECASE,
)

# A side is named by its adjective or its country's name, which may hold "and", "of the" or
# "St." ("the Saint Vincent and the Grenadines side", "the St. Lucian side").
_SIDE = r"(?P<side>[A-ZÀ-Þ][\w'’.-]*(?:,?\s+(?:[A-ZÀ-Þ][\w'’.-]*|and|of|the|da|y))*)"
_INITIATIVE = re.compile(
    rf"\b(?i:at|on)\s+the\s+{_SIDE}\s+(?:side|party)['’]s\s+initiative"
    rf"|\b(?i:at|on)\s+the\s+initiative\s+of\s+the\s+"
    rf"{_SIDE.replace('side>', 'side2>')}\s+(?:side|party)\b"
    rf"|\b(?i:at|on)\s+the\s+(?P<latter>latter|former)['’]s\s+initiative"
    rf"|\binitiated\s+by\s+(?:the\s+)?(?P<by>[^,.;]+)"
    rf"|\b(?i:at|on)\s+(?P<possessive>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)['’]s\s+initiative"
    rf"|\b(?i:at|on)\s+the\s+initiative\s+of\s+(?P<of>Vladimir\s+Putin|the\s+Russian\s+"
    rf"(?:President|side|party)|the\s+President\s+of\s+Russia)"
    rf"|\b(?i:at)\s+the\s+request\s+of\s+the\s+"
    rf"{_SIDE.replace('side>', 'side3>')}\s+(?:side|party)\b",
)
# "... a telephone conversation with <who>, who ...", up to the end of the clause.
_WITH_WHOM = re.compile(
    r"\b(?:conversations?|calls?|talks|spoke(?:\s+\w+){0,3})\s+with\s+(?P<who>[^.;]+?)"
    r"(?=,\s+(?:who|at|on|during|in|to)\b|\s+(?:at|on)\s+the\b|[.;]|$)",
    re.IGNORECASE,
)
_ABOUT_THE_CALL = re.compile(r"\b(?:conversations?|calls?|talks)\b", re.IGNORECASE)
# Places inside Russia by the grammar of their names: calls with their people are domestic.
# "Republic of X" is not among them: a foreign republic the reference data lacks must go to
# review, not pass for Russian.
RUSSIAN_PLACE = (
    r"(?:[A-Z][\w'’-]+\s+){1,3}(?:Region|Territory|Autonomous\s+Area|Autonomous\s+Region)"
    r"|Moscow|St\.?\s+Petersburg|Sevastopol"
)
_RUSSIAN = re.compile(r"\b(?:Russian?|Vladimir Putin|President of Russia|our)\b")


_CALL_LIKE_TITLE = re.compile(r"\b(?:tele)?phone\b|\bvideo\s+call\b|\bcall\s+with\b", re.IGNORECASE)


def title_looks_like_call(title: str) -> bool:
    """Titles that promise a call; "videoconference" titles are mostly multilateral events."""
    return bool(_CALL_LIKE_TITLE.search(title)) and not _NOT_A_READOUT_TITLE.search(title)


def _is_foreign(mention: Mention) -> bool:
    return mention.place is not None and mention.place.country_code != "RU"


def _as_counterpart(mention: Mention) -> Counterpart:
    return Counterpart(mention.name, mention.office, mention.place, mention.organisation_role)


class KremlinReadoutRules:
    def __init__(self, finder: MentionFinder) -> None:
        self.finder = finder

    def classify(self, title: str, first_sentence: str) -> str:
        if _NOT_A_READOUT_TITLE.search(title) or _ANNOUNCEMENT.search(first_sentence):
            return OTHER
        if (
            _CALL_TITLE.search(title)
            or CALL_PHRASE.search(title)
            or CALL_PHRASE.search(first_sentence)
        ):
            return TELEPHONE
        lead_mentions = [
            m for m in self.finder.find(first_sentence) if not self.finder.is_own_leader(m)
        ]
        foreign = any(_is_foreign(m) for m in lead_mentions)
        if foreign and VIDEO_PHRASE.search(first_sentence):
            return VIDEO
        if (
            foreign
            and _MEETING_TITLE.search(title)
            and _REMOTE_CONVERSATION.search(first_sentence)
            and not _IN_PERSON_CUE.search(first_sentence)
        ):
            return VIDEO
        if _MEETING_TITLE.search(title) and (
            foreign or any(_is_foreign(m) for m in self.finder.find(title))
        ):
            return IN_PERSON
        return OTHER

    def counterparts(self, title: str, call_sentences: list[str], text: str) -> list[Counterpart]:
        """The title names the counterparts most cleanly ("Telephone conversation with X and
        Y"); when it names none ("several telephone conversations with heads of CSTO member
        states"), the sentences that report the call do. A name without office or country is
        completed from another mention in the text, then from sql/seeds/people.csv."""
        all_mentions = [m for m in self.finder.find(text) if not self.finder.is_own_leader(m)]
        title_match = _TITLE_COUNTERPARTS.match(title)
        chosen: list[Mention] = []
        if title_match:
            chosen = [
                m
                for m in self.finder.find_with_bare_names(title_match.group("who"))
                if not self.finder.is_own_leader(m)
            ]
        if not chosen:
            for sentence in call_sentences:
                chosen.extend(
                    m
                    for m in self.finder.find(sentence)
                    if not self.finder.is_own_leader(m)
                    and not (m.office and m.place and m.place.country_code == "RU")
                )
        if not chosen:
            chosen = [
                self._as_written(title_match.group("who") if title_match else None, call_sentences)
            ]
        unique: dict[str, Mention] = {}
        for mention in chosen:
            enriched = self.finder.enrich(mention, all_mentions)
            unique.setdefault(enriched.name, enriched)
        return [_as_counterpart(m) for m in unique.values()]

    def _as_written(self, title_who: str | None, call_sentences: list[str]) -> Mention:
        """When no counterpart can be told apart, the words that name the other side, as
        written, unresolved: the call loads and is listed for review."""
        for sentence in call_sentences:
            match = _WITH_WHOM.search(sentence)
            if match:
                return Mention(match.group("who").strip(), None, None, None, 0, 0)
        who = title_who or (call_sentences[0] if call_sentences else "")
        return Mention(who.strip() or "(not named)", None, None, None, 0, 0)

    def initiator(
        self, sentences: list[str], counterparts: list[Counterpart]
    ) -> tuple[str | None, str | None]:
        """Who initiated the call, and the words that say so. An initiative clause counts
        in the lead or in a sentence about the conversation itself ("The conversation was
        initiated by the French side"), not in one about a topic ("The situation in Mali
        was reviewed at Emmanuel Macron's initiative")."""
        for number, sentence in enumerate(sentences):
            if number > 0 and not _ABOUT_THE_CALL.search(sentence):
                continue
            for match in _INITIATIVE.finditer(sentence):
                found = self._initiator_of(match, counterparts)
                if found:
                    return found, match.group(0)
        return None, None

    def _initiator_of(self, match: re.Match[str], counterparts: list[Counterpart]) -> str | None:
        groups = match.groupdict()
        if groups["latter"]:
            return "counterpart"
        sides = ("side", "side2", "side3", "possessive", "of", "by")
        who = next((groups[key] for key in sides if groups.get(key)), "")
        if _RUSSIAN.search(who):
            return "own_side"
        if groups["by"] and not self._names_counterpart(who, counterparts):
            return None
        return "counterpart"

    def _names_counterpart(self, who: str, counterparts: list[Counterpart]) -> bool:
        """'initiated by the President of the French Republic' names the counterpart; an
        'initiated by' clause about something else (a proposal, a process) does not."""
        if re.search(r"\b(?:side|party)\b", who):
            return True
        if any(c.name.split()[-1] in who for c in counterparts):
            return True
        places = self.finder.places_in(who)
        return any(c.place in places for c in counterparts)
