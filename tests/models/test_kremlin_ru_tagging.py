"""Russian tone through the real SQL models: rules over lemmas, one row for every case and
gender, a descriptor only where it qualifies the conversation, evidence in the original
words. Readouts written by us in the style of kremlin.ru."""

from __future__ import annotations

import pytest

from flows.demo.atom_pages import FeedItem
from tests.warehouse_builder import build_warehouse

STAMP = "2025-03-10T18:00:00+04:00"
LEAD = "Состоялся телефонный разговор Владимира Путина с Президентом Французской Республики Эммануэлем Макроном."

BODIES = {
    "96001": "Разговор прошёл в традиционно дружественном и доверительном ключе.",
    "96002": "В ходе откровенного разговора обсуждена ситуация вокруг Украины.",
    "96003": "Лидеры обменялись тёплыми поздравлениями с праздником.",
    "96004": "Подтверждён настрой на развитие сотрудничества в конструктивном ключе. "
    "Стороны высказались за неконструктивный подход к третьим странам.",
    "96005": "Беседа носила деловой и конструктивный характер. Выражены соболезнования.",
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    items = [
        FeedItem(
            item_id,
            "Телефонный разговор с Президентом Франции Эммануэлем Макроном",
            STAMP,
            STAMP,
            LEAD,
            [body],
            host="http://kremlin.ru",
        )
        for item_id, body in BODIES.items()
    ]
    con = build_warehouse(
        items, tmp_path_factory.mktemp("ru_tone"), source_name="kremlin_ru", language="ru"
    )
    yield con
    con.close()


def test_descriptors_qualify_the_conversation_in_any_case(warehouse):
    tone = dict(
        warehouse.execute("select item_id, list_sort(descriptors) from marts.call_tone").fetchall()
    )
    assert tone == {
        "96001": ["friendly", "trust-based"],
        "96002": ["frank"],
        "96003": [],  # warm greetings are not a warm call
        "96004": [],  # the development of cooperation, not the call
        "96005": ["businesslike", "constructive"],
    }


def test_signals_and_evidence_are_the_russian_words(warehouse):
    rows = warehouse.execute(
        "select item_id, label, matched_text from marts.tone_evidence "
        "where label_kind in ('descriptor', 'signal') order by item_id, char_start"
    ).fetchall()
    assert ("96001", "friendly", "дружественном") in rows
    assert ("96002", "frank", "откровенного") in rows
    assert ("96003", "congratulations_or_greetings", "поздравлениями") in rows
    assert ("96005", "expressed_condolences", "соболезнования") in rows
