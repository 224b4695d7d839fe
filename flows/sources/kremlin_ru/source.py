"""The Kremlin's Russian news feed: http://kremlin.ru/events/president/news/feed (the same
software and Atom format as the English site, xml:lang="ru"; base URL and feed path are
settings: READOUTS_KREMLIN_RU_BASE_URL, READOUTS_KREMLIN_RU_FEED_PATH). Item ids come from
the entry links as on the English site, whose items are believed to share them. The site's
reading of an entry is the English source's; only the language's rules differ."""

from __future__ import annotations

from datetime import date
from functools import cached_property

from flows.core.source import Leader
from flows.sources.kremlin.source import KremlinSource
from flows.sources.kremlin_ru.morphology import split_sentences
from flows.sources.kremlin_ru.places import RussianPlaces
from flows.sources.kremlin_ru.readout import (
    CALL_PHRASE,
    VIDEO_PHRASE,
    KremlinRuReadoutRules,
    title_looks_like_call,
)


class KremlinRuSource(KremlinSource):
    name = "kremlin_ru"
    allowed_hosts = frozenset({"kremlin.ru", "www.kremlin.ru"})
    default_base_url = "http://kremlin.ru"
    leaders = (Leader("Владимир Путин", "Путин", date(2012, 5, 7)),)
    attribution = "Президент России, kremlin.ru (President of Russia, kremlin.ru)"
    call_phrase = CALL_PHRASE
    video_phrase = VIDEO_PHRASE
    split_sentences = staticmethod(split_sentences)
    default_language = "ru"

    @cached_property
    def rules(self) -> KremlinRuReadoutRules:  # type: ignore[override]
        return KremlinRuReadoutRules(
            RussianPlaces(self.reference),
            self.country_code,
            tuple(leader.surname for leader in self.leaders),
        )

    def title_looks_like_call(self, title: str) -> bool:
        return title_looks_like_call(title)
