"""How the Kremlin's Russian readouts say what kind of event an item is, who took part and
who initiated a call. Every phrasing here was met on kremlin.ru (Feb-Mar 2025); the names of
countries and offices come from maintained data, in every case (places.py).

- A call: a title "Телефонный разговор с ..." (or "Телефонный разговор X, Y с Z": several
  leaders on Russia's side, the counterpart after "с"), or a lead saying the President
  "поговорил / связался по телефону", "позвонил", "телефонный разговор".
- A video call: talks or a conversation with a foreign leader "в режиме видеоконференции" /
  "по видеосвязи" (not meetings with Russian officials, ceremonies or councils).
- The person cards the page scrape leaves inline ("Реджеп Тайип Эрдоган Эрдоган Реджеп
  Тайип Президент Турецкой Республики") never start a counterpart: counterparts come from
  the title, then from the mention that follows "с" in the sentence reporting the call."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property

from flows.core.records import OTHER, TELEPHONE, VIDEO, Counterpart
from flows.normalize.mentions import Mention, trie_alternation
from flows.sources.kremlin_ru.morphology import lemma, nominative_name
from flows.sources.kremlin_ru.places import RussianPlaces

_CALL_TITLE = re.compile(r"^Телефонн\w+\s+разговор\w*\b")
_NOT_A_READOUT_TITLE = re.compile(
    r"^(?:Брифинг|Анонс|Заявлени|Комментари|Интервью|Статья|Послание|Соболезнован|Ответы)"
)
CALL_PHRASE = re.compile(
    r"\bтелефонн\w+\s+разговор\w*|\bпо\s+телефону\b|\bпозвонил\w*\b", re.IGNORECASE
)
# "состоится телефонный разговор", "проведёт переговоры": announced, not held
_ANNOUNCEMENT = re.compile(r"\b(?:состоится|состоятся|проведёт|проведет|планируется)\b")
VIDEO_PHRASE = re.compile(r"\bв\s+режиме\s+видеоконференции\b|\bпо\s+видеосвязи\b")
_TALKS_TITLE = re.compile(r"^(?:Переговоры|Разговор|Беседа)\s+с\b")
_TITLE_WHO = re.compile(
    r"^(?:Телефонн\w+\s+разговор\w*|Переговоры|Разговор|Беседа|.*?\bпо\s+телефону)\b.*?"
    r"\sс[о]?\s+(?P<who>.+)$"
)
_WITH_WHOM = re.compile(r"\s(?:с|со)\s+(?P<who>[А-ЯЁ].*)$")
_NAME_WORD = r"(?:[А-ЯЁ][\w’'-]*|бен|бин|ибн|аль|эль)"
_INITIATIVE = re.compile(
    r"\b[Пп]о\s+инициативе\s+(?P<side>[\w-]+)\s+стороны\b"
    r"|\b[Пп]о\s+инициативе\s+(?P<who>[^,.;]+?)(?=\s+(?:состоял|прош[её]л|был)|[,.;])"
)
_OWN = re.compile(r"^(?:российск|русск|наш)", re.IGNORECASE)


def title_looks_like_call(title: str) -> bool:
    return bool(
        (_CALL_TITLE.search(title) or CALL_PHRASE.search(title))
        and not _NOT_A_READOUT_TITLE.search(title)
    )


class KremlinRuReadoutRules:
    def __init__(self, places: RussianPlaces, own_country: str, own_surnames: tuple[str, ...]):
        self.places = places
        self.own_country = own_country
        self.own_surnames = frozenset(lemma(s) for s in own_surnames)

    @cached_property
    def mention_pattern(self) -> re.Pattern[str]:
        """OFFICE[, OFFICE] PLACE [NAME], every part in any case: "с Наследным принцем,
        Председателем Совета министров Саудовской Аравии Мухаммедом Бен Сальманом"."""
        office = trie_alternation(self.places.offices)
        place = trie_alternation(self.places.places)
        return re.compile(
            rf"(?<!\w)(?P<office>{office})(?:,\s+(?P<office2>{office}))?"
            rf"\s+(?P<place>{place})(?!\w)"
            rf"(?:\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}))?"
        )

    @cached_property
    def _office_at(self) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w)(?:{trie_alternation(self.places.offices)})(?!\w)")

    def is_own(self, mention: Mention) -> bool:
        if mention.place is not None and mention.place.country_code == self.own_country:
            return True
        return any(lemma(word) in self.own_surnames for word in mention.name.split())

    def _clean_name(self, name: str | None) -> str:
        """A name up to where a person card or an office begins: the first word that repeats
        an earlier one ("Си Цзиньпином Си Цзиньпин Председатель ...") or starts an office."""
        if not name:
            return ""
        kept: list[str] = []
        for word in name.split():
            if lemma(word) in {lemma(k) for k in kept} or word in self.places.offices:
                break
            kept.append(word)
        return nominative_name(" ".join(kept))

    def find(self, text: str) -> list[Mention]:
        mentions = []
        for match in self.mention_pattern.finditer(text):
            place = self.places.lookup(match.group("place"))
            offices = self.places.offices
            office = offices[match.group("office")]
            name = self._clean_name(match.group("name"))
            mentions.append(
                Mention(
                    name or f"{office} of {place.name if place else '?'}",
                    office,
                    place,
                    None,
                    match.start(),
                    match.end(),
                )
            )
        return mentions

    def find_with_bare_names(self, text: str) -> list[Mention]:
        """A title's list: people with office and country, else names alone, unresolved."""
        found = self.find(text)
        if found:
            return found
        pieces = re.split(r",\s*|\s+и\s+", text)
        return [
            Mention(self._clean_name(piece.strip()) or piece.strip(), None, None, None, 0, 0)
            for piece in pieces
            if piece.strip()
        ]

    def classify(self, title: str, first_sentence: str) -> str:
        if _NOT_A_READOUT_TITLE.search(title) or _ANNOUNCEMENT.search(first_sentence):
            return OTHER
        if _CALL_TITLE.search(title) or CALL_PHRASE.search(title):
            return TELEPHONE
        foreign = any(not self.is_own(m) and m.place is not None for m in self.find(first_sentence))
        if foreign and VIDEO_PHRASE.search(first_sentence):
            return VIDEO
        if CALL_PHRASE.search(first_sentence) and _TALKS_TITLE.search(title):
            return TELEPHONE
        return OTHER

    def counterparts(self, title: str, call_sentences: list[str], text: str) -> list[Counterpart]:
        """From the title's "с ..." part; else the first call sentence's; a name without
        office or country takes them from another mention of the same surname in the text.
        A call naming no one abroad, in a text naming no foreign country or leader, is with
        someone of the source's own country (a veteran's mother, army commanders)."""
        all_mentions = [m for m in self.find(text) if not self.is_own(m)]
        chosen: list[Mention] = []
        title_match = _TITLE_WHO.match(title)
        if title_match:
            chosen = [
                m for m in self.find_with_bare_names(title_match.group("who")) if not self.is_own(m)
            ]
        chosen = [self._enrich(m, all_mentions) for m in chosen]
        if not any(m.place for m in chosen):
            for sentence in call_sentences:
                found = [m for m in self.find(sentence) if not self.is_own(m)]
                if found:
                    chosen = found
                    break
        if not chosen:
            for sentence in call_sentences:
                match = _WITH_WHOM.search(sentence)
                if match:
                    chosen = [Mention(match.group("who").strip(" ."), None, None, None, 0, 0)]
                    break
        chosen = [self._enrich(m, all_mentions) for m in chosen] or [
            Mention(title, None, None, None, 0, 0)
        ]
        # a foreign office with a place the reference data lacks ("Президентом Атлантиды")
        # is not domestic: it waits for review
        with_office = any(self._office_at.search(m.name) for m in chosen)
        if not any(m.place for m in chosen) and not all_mentions and not with_office:
            own = self.places.reference.country(self.own_country)
            chosen = [replace(m, place=own) for m in chosen]
        unique: dict[str, Mention] = {}
        for mention in chosen:
            unique.setdefault(mention.name, mention)
        return [Counterpart(m.name, m.office, m.place, None) for m in unique.values()]

    def _enrich(self, mention: Mention, known: list[Mention]) -> Mention:
        if mention.place is not None:
            return mention
        surname = lemma(mention.name.split()[-1]) if mention.name.split() else ""
        for other in known:
            if other.place is not None and surname in {lemma(w) for w in other.name.split()}:
                return replace(mention, name=other.name, office=other.office, place=other.place)
        return mention

    def initiator(
        self, sentences: list[str], counterparts: list[Counterpart]
    ) -> tuple[str | None, str | None]:
        """ "По инициативе армянской стороны состоялся телефонный разговор": in the lead or
        a sentence about the conversation itself."""
        for number, sentence in enumerate(sentences):
            if number > 0 and not re.search(r"разговор|беседа", sentence, re.IGNORECASE):
                continue
            match = _INITIATIVE.search(sentence)
            if not match:
                continue
            who = match.group("side") or match.group("who") or ""
            if _OWN.search(who) or "Путин" in who or "России" in who:
                return "own_side", match.group(0)
            return "counterpart", match.group(0)
        return None, None
