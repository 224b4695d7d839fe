"""The Russian Kremlin source: Russian sentences and lemmas, counterparts in every case from
generated names, classification, initiator, and the real corpus against the gold labels.
Sample sentences here are invented (written by us) in the site's style, unless they come
from ../shared/corpus at test time."""

from __future__ import annotations

import csv

import pytest

from flows.core.records import ItemRecord
from flows.demo.atom_pages import FeedItem, render_page
from flows.settings import from_environment
from flows.sources import SOURCE_NAMES, get_source
from flows.sources.kremlin_ru.morphology import all_cases, lemma_tokens, split_sentences
from tests.corpus_feed import RUSSIAN_NEWS_CSV, russian_items
from tests.labels import LABELS_DIR

HOST = "http://kremlin.ru"
FEED = HOST + "/events/president/news/feed"
STAMP = "2025-03-18T20:15:00+04:00"


@pytest.fixture(scope="module")
def source():
    return get_source("kremlin_ru")


def read(source, title: str, lead: str, *paragraphs: str, item_id: str = "99001") -> ItemRecord:
    feed_item = FeedItem(item_id, title, STAMP, STAMP, lead, list(paragraphs), host=HOST)
    page = source.parse_page(
        render_page([feed_item], page_no=1, last_page=1, feed_url=FEED, language="ru")
    )
    record = source.read_entry(page.entries[0], page.language)
    assert isinstance(record, ItemRecord), record
    return record


def test_a_source_of_the_registry_with_its_own_settings(monkeypatch):
    assert "kremlin_ru" in SOURCE_NAMES
    monkeypatch.setenv("READOUTS_KREMLIN_RU_BASE_URL", "http://127.0.0.1:9")
    settings = from_environment(source="kremlin_ru")
    assert settings.base_url == "http://127.0.0.1:9"
    source = get_source("kremlin_ru")
    assert source.page_url(HOST, 3) == FEED + "/page/3"
    assert (source.country_code, source.default_base_url) == ("RU", HOST)


def test_razdel_keeps_initials_and_abbreviations_inside_a_sentence():
    text = "В.Путин выразил признательность Д.Трампу. Встреча пройдёт в г. Москве."
    assert [s.text for s in split_sentences(text)] == [
        "В.Путин выразил признательность Д.Трампу.",
        "Встреча пройдёт в г. Москве.",
    ]


def test_lemmas_cover_every_case_and_gender_and_point_back_at_the_words():
    for phrase in ("в конструктивном ключе", "конструктивная беседа", "конструктивным характером"):
        lemmas, _ = lemma_tokens(phrase)
        assert "конструктивный" in lemmas.split(), phrase
    lemmas, spans = lemma_tokens("Выражено удовлетворение тёплым разговором")
    assert lemmas == "выразить удовлетворение теплый разговор"
    assert [("Выражено удовлетворение тёплым разговором")[a:b] for a, b in spans][2] == "тёплым"


def test_country_names_are_generated_in_every_case_from_maintained_data(source):
    places = source.rules.places
    for spelling, code in {
        "Франции": "FR",
        "Соединённых Штатов Америки": "US",
        "Соединенных Штатов Америки": "US",
        "США": "US",
        "КНР": "CN",
        "Саудовской Аравии": "SA",
        "Государства Катар": "QA",
        "Турецкой Республики": "TR",
        "Республики Беларусь": "BY",
        "Объединёнными Арабскими Эмиратами": "AE",
        "Белоруссии": "BY",  # sql/seeds/sources/countries_ru_overrides.csv
        "Южной Осетии": "GE",
    }.items():
        assert places.lookup(spelling).country_code == code, spelling
    assert "Президентом переходного периода" in places.offices
    assert "Наследным принцем" in places.offices
    assert {"Франция", "Франции", "Францией", "Францию"} <= all_cases("Франция")


def test_a_call_with_its_counterpart_in_the_instrumental(source):
    record = read(
        source,
        "Телефонный разговор с Президентом Франции Эммануэлем Макроном",
        "По инициативе французской стороны состоялся телефонный разговор Владимира Путина с "
        "Президентом Французской Республики Эммануэлем Макроном.",
        "Разговор носил деловой и конструктивный характер.",
    )
    assert record.kind == "telephone call"
    assert [(c.name, c.office, c.country_code) for c in record.counterparts] == [
        ("Эммануэль Макрон", "President", "FR")
    ]
    assert record.initiated_by == "counterpart"
    assert record.sentences[-1].match_text == "разговор носить деловой и конструктивный характер ."


def test_person_cards_do_not_make_counterparts_and_leaders_on_russias_side_are_not_counterparts(
    source,
):
    record = read(
        source,
        "Телефонный разговор Владимира Путина, Александра Лукашенко с Ильхамом Алиевым",
        "",
        "Президент России Владимир Путин, Президент Белоруссии Александр Лукашенко Лукашенко "
        "Александр Григорьевич Президент Республики Беларусь связались по телефону с Президентом "
        "Азербайджана Ильхамом Алиевым Алиев Ильхам Гейдарович Президент Азербайджана . "
        "Состоялся тёплый, дружеский разговор.",
    )
    assert [(c.name, c.country_code) for c in record.counterparts] == [("Ильхам Алиев", "AZ")]


def test_announcements_meetings_and_ceremonies_are_not_calls(source):
    assert (
        read(
            source,
            "Совещание с членами Правительства",
            "Президент по видеосвязи провёл совещание с членами Правительства.",
        ).kind
        == "other"
    )
    assert (
        read(
            source,
            "Встреча с губернатором Брянской области Александром Богомазом",
            "Владимир Путин по видеосвязи провёл рабочую встречу с губернатором Брянской области Александром Богомазом.",
        ).kind
        == "other"
    )
    assert (
        read(
            source,
            "Анонс телефонного разговора",
            "Завтра состоится телефонный разговор с Президентом Франции.",
        ).kind
        == "other"
    )
    video = read(
        source,
        "Переговоры с Президентом Венесуэлы Николасом Мадуро",
        "Владимир Путин в режиме видеоконференции провёл переговоры с Президентом Венесуэлы Николасом Мадуро.",
    )
    assert (video.kind, video.counterparts[0].country_code) == ("video call", "VE")


def test_a_call_with_no_one_abroad_is_domestic(source):
    record = read(
        source,
        "Владимир Путин поговорил по телефону с Марией Ивановой",
        "Владимир Путин позвонил по телефону Марии Ивановой, матери Героя России.",
    )
    assert record.kind == "telephone call"
    assert [c.country_code for c in record.counterparts] == ["RU"]


@pytest.mark.corpus
@pytest.mark.skipif(not RUSSIAN_NEWS_CSV.exists(), reason="corpus not beside")
def test_the_real_corpus_against_the_gold_calls(source):
    with open(LABELS_DIR / "kremlin_ru_calls.csv", newline="", encoding="utf-8") as handle:
        gold = {row["item_id"]: row for row in csv.DictReader(handle)}
    items = russian_items()
    page = source.parse_page(
        render_page(items, page_no=1, last_page=1, feed_url=FEED, language="ru")
    )
    found = {}
    for entry in page.entries:
        record = source.read_entry(entry, page.language)
        if record.kind in ("telephone call", "video call"):
            found[record.item_id] = (
                record.kind,
                record.initiated_by or "",
                # one code per country: the army commanders' call names two Russian units
                ";".join(dict.fromkeys(c.country_code or "?" for c in record.counterparts)),
            )
    assert len(items) == 128
    expected = {
        item: (row["call_kind"], row["initiated_by"], row["counterparts"])
        for item, row in gold.items()
    }
    assert found == expected


def test_a_change_to_the_russian_offices_reprocesses_the_landed_pages(tmp_path):
    """sql/seeds/README: like offices.csv, a change to sources/offices_ru.csv changes the
    reference fingerprint, so the next run normalises the landed pages again."""
    import shutil

    from flows.normalize.reference import Reference
    from flows.settings import REFERENCE_DIR

    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, copy)
    before = Reference(copy).fingerprint
    with open(copy / "sources" / "offices_ru.csv", "a", encoding="utf-8") as handle:
        handle.write("Governor-General,Генерал-губернатор,\n")
    assert Reference(copy).fingerprint != before


def test_organisations_and_unknown_countries(source):
    """ "Генеральным секретарём ООН" resolves to the United Nations; a President of a country
    the reference data lacks waits for review, unresolved, and is not taken as domestic."""
    un = read(
        source,
        "Телефонный разговор с Генеральным секретарём ООН Антониу Гутерришем",
        "Состоялся телефонный разговор Владимира Путина с Генеральным секретарём Организации "
        "Объединённых Наций Антониу Гутерришем.",
    )
    assert [(c.office, c.organisation, c.country_code) for c in un.counterparts] == [
        ("Secretary-General", "United Nations", None)
    ]
    unknown = read(
        source,
        "Телефонный разговор с Президентом Атлантиды Джо Доу",
        "Состоялся телефонный разговор Владимира Путина с Президентом Атлантиды Джо Доу.",
    )
    assert [c.country_code for c in unknown.counterparts] == [None]
