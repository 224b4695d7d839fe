"""The same call in both languages (marts.call_translations, marts.government_calls), on
readouts written by us in the style of the Kremlin's two sites: a translation that drops a
word, a pair whose item numbers differ (matched by date and counterpart), and a call
published in Russian only."""

from __future__ import annotations

import pytest

from flows.demo.atom_pages import FeedItem
from tests.warehouse_builder import build_sources_warehouse

EN = "http://en.kremlin.ru"
RU = "http://kremlin.ru"


def item(item_id: str, title: str, clock: str, lead: str, body: str, host: str) -> FeedItem:
    stamp = f"2025-03-10T{clock}:00+04:00"
    return FeedItem(item_id, title, stamp, stamp, lead, [body], host=host)


ENGLISH = [
    item(
        "95001",
        "Telephone conversation with President of France Emmanuel Macron",
        "18:00",
        "Vladimir Putin had a telephone conversation with President of the French Republic "
        "Emmanuel Macron.",
        "The conversation was businesslike. The leaders exchanged views on Ukraine.",
        EN,
    ),
    item(
        "95010",
        "Telephone conversation with President of Turkey Recep Tayyip Erdogan",
        "16:30",
        "Vladimir Putin had a telephone conversation with President of the Republic of Turkey "
        "Recep Tayyip Erdogan.",
        "The leaders discussed trade and energy cooperation.",
        EN,
    ),
]
RUSSIAN = [
    item(
        "95001",
        "Телефонный разговор с Президентом Франции Эммануэлем Макроном",
        "17:50",
        "Состоялся телефонный разговор Владимира Путина с Президентом Французской Республики "
        "Эммануэлем Макроном.",
        "Разговор носил деловой и откровенный характер. Лидеры обменялись мнениями по "
        "ситуации вокруг Украины.",
        RU,
    ),
    item(
        "95002",
        "Телефонный разговор с Президентом Турции Реджепом Тайипом Эрдоганом",
        "16:20",
        "Состоялся телефонный разговор Владимира Путина с Президентом Турецкой Республики "
        "Реджепом Тайипом Эрдоганом.",
        "Лидеры обсудили вопросы торговли и энергетического сотрудничества.",
        RU,
    ),
    item(
        "95003",
        "Телефонный разговор с Премьер-министром Индии Нарендрой Моди",
        "12:00",
        "Состоялся телефонный разговор Владимира Путина с Премьер-министром Республики Индия "
        "Нарендрой Моди.",
        "Условлено продолжить контакты.",
        RU,
    ),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    con = build_sources_warehouse(
        {"kremlin": (ENGLISH, "en"), "kremlin_ru": (RUSSIAN, "ru")},
        tmp_path_factory.mktemp("languages"),
    )
    yield con
    con.close()


def test_the_translation_side_by_side_with_what_it_dropped(warehouse):
    rows = warehouse.execute(
        "select a_source, a_item_id, a_language, b_source, b_item_id, b_language, same_item_id, "
        "counterparts, a_descriptors, b_descriptors, descriptors_only_in_a, descriptors_only_in_b "
        "from marts.call_translations order by a_item_id"
    ).fetchall()
    assert rows == [
        (
            "kremlin", "95001", "en", "kremlin_ru", "95001", "ru", True, "FR",
            ["businesslike"], ["businesslike", "frank"], [], ["frank"],
        ),
        (
            "kremlin", "95010", "en", "kremlin_ru", "95002", "ru", False, "TR",
            [], [], [], [],
        ),
    ]  # fmt: skip


def test_an_event_counts_once_per_government(warehouse):
    rows = warehouse.execute(
        "select government, event_id, counterpart_keys, readout_count, readouts "
        "from marts.government_calls order by event_id"
    ).fetchall()
    assert rows == [
        ("RU", "kremlin/95001", ["FR"], 2, ["kremlin/95001", "kremlin_ru/95001"]),
        ("RU", "kremlin/95010", ["TR"], 2, ["kremlin/95010", "kremlin_ru/95002"]),
        ("RU", "kremlin_ru/95003", ["IN"], 1, ["kremlin_ru/95003"]),
    ]
    assert warehouse.execute("select count(*) from marts.calls").fetchone()[0] == 5
