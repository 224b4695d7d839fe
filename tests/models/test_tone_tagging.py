"""The tone and topic models on phrasings met in readouts, and on their traps."""

from __future__ import annotations

import pytest

from flows.settings import SEEDS
from tests.warehouse_builder import build_warehouse, call, project_copy

CASES = {
    # id: (body, expected descriptors, signals that must be present, signals that must not)
    "1": ("The conversation was businesslike and constructive.", ["businesslike", "constructive"]),
    "2": (
        "The talks took place in a positive and constructive atmosphere.",
        ["constructive", "positive"],
    ),
    "3": (
        "They expressed satisfaction with the business-like and constructive nature of the conversation.",
        ["businesslike", "constructive"],
    ),
    "4": ("The presidents had an in-depth exchange of views on Syria.", ["in-depth"]),
    "5": (
        "The leaders had a serious, substantive and frank exchange of views.",
        ["frank", "serious", "substantive"],
    ),
    "6": (
        "Overall, the conversation took place in a frank and business-like atmosphere.",
        ["businesslike", "frank"],
    ),
    "7": ("The substantive dialogue on the situation was continued.", ["substantive"]),
    "8": ("Russia put forward constructive proposals.", []),
    "9": ("Vladimir Putin extended warm birthday greetings and warmly congratulated him.", []),
    "10": ("The leaders praised the friendly relations between their countries.", []),
    "11": ("Russia remains open to dialogue.", []),
    "12": ("They called for a serious and constructive dialogue between Kiev and Donbass.", []),
    "13": ("Hope was expressed that serious talks would be organised.", []),
    "14": ("The conversation was constructive and friendly.", ["constructive", "friendly"]),
    # Invented sentences in the grammar of readouts: adverbs, lists, apposition.
    "15": (
        "The conversation was held in a traditionally warm and friendly atmosphere.",
        ["friendly", "warm"],
    ),
    "16": ("The leaders had an extremely frank exchange of views.", ["frank"]),
    "17": ("The presidents had a very detailed conversation on trade.", ["detailed"]),
    "18": (
        "The conversation, frank and substantive, lasted over an hour.",
        ["frank", "substantive"],
    ),
    "19": ("The talks were difficult but constructive.", ["constructive", "difficult"]),
    "20": ("During the conversation, constructive proposals were reviewed.", []),
    "21": ("Russia put forward very constructive proposals.", []),
}


MEANINGS = {
    # id: (body, signals that must be present, signals that must not)
    "80": ("Vladimir Putin urged Sauli Niinisto to reconsider.", {"divergence"}, set()),
    "81": (
        "The leaders condemned the attack on civilians by the terrorists of ISIS.",
        set(),
        {"divergence"},
    ),
    "82": (
        "The presidents strongly condemned Belarusian President Lukashenko's decision.",
        set(),
        {"divergence"},
    ),
    "83": (
        "Sauli Niinisto expressed concern about Russia's military exercises near the border.",
        {"divergence", "expressed_concern"},
        set(),
    ),
    "84": (
        "The leaders expressed concern about Belarus's actions on the border.",
        {"expressed_concern"},
        {"divergence"},
    ),
    "85": (
        "Vladimir Putin made it clear to the Finnish side that Russia would respond.",
        {"divergence"},
        set(),
    ),
    "86": (
        "Vladimir Putin warned that Russia would respond if Finland joined NATO.",
        {"divergence"},
        set(),
    ),
    "87": (
        "The President of Finland expressed appreciation for Russia's help.",
        {"expressed_gratitude"},
        {"expressed_satisfaction"},
    ),
    "88": (
        "Vladimir Putin welcomed the opportunity to discuss Arctic issues.",
        set(),
        {"expressed_satisfaction"},
    ),
    "89": (
        "Vladimir Putin welcomed Finland's decision to reopen the border crossing.",
        {"expressed_satisfaction"},
        set(),
    ),
    "90": (
        "Sauli Niinisto sent his best wishes for a successful summit in Helsinki.",
        set(),
        {"congratulations_or_greetings"},
    ),
    "91": (
        "Vladimir Putin wished the President a speedy recovery.",
        {"congratulations_or_greetings"},
        set(),
    ),
    "92": (
        "They discussed regional developments and issues of mutual concern.",
        set(),
        {"expressed_concern", "exchange_of_views"},
    ),
    "93": (
        "The two leaders tasked their teams to follow up on the conversation.",
        {"agreed_to_continue_contacts"},
        set(),
    ),
    "94": (
        "Vladimir Putin joined Sauli Niinisto in urging Belarus to release the detainees.",
        set(),
        {"divergence"},
    ),
    "95": (
        "The leaders praised the level of bilateral cooperation.",
        {"expressed_satisfaction"},
        set(),
    ),
    "97": (
        "Sauli Niinisto conveyed his concern about the situation in Syria.",
        {"expressed_concern"},
        {"divergence"},
    ),
    "96": (  # a joint subject cannot diverge from itself
        "They discussed their shared concern about Finland's security.",
        {"expressed_concern"},
        {"divergence"},
    ),
}


TRANSCRIPT = (
    "Vladimir Putin had a videoconference with the President of Finland. The President of Russia "
    "thanked his counterpart for the invitation.",
    "Vladimir Putin: Good afternoon. Thank you. I am glad to see you.",
    "Sauli Niinisto: Thank you, Mr President. We expressed our satisfaction with trade.",
)
NARRATIVE_THANKS_ONLY_IN_SPEECH = (
    "Vladimir Putin had a videoconference with the President of Finland.",
    "Vladimir Putin: Good afternoon.",
    "Sauli Niinisto: Thank you, Mr President.",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    items = [call(key, text) for key, (text, _) in CASES.items()]
    items += [
        # invented sentences with a phrase that occurs twice
        call(
            "70",
            "The sides expressed satisfaction with trade and expressed satisfaction with energy.",
        ),
        call("71", "They expressed satisfaction with trade.", "Again they expressed satisfaction."),
        call(
            "72",
            "Vladimir Putin wished the friendly people in Syria peace, and the leaders discussed "
            "the situation in Syria.",
        ),
        call("73", "The conversation was frank.", "The talks were frank and constructive."),
        call("74", *TRANSCRIPT),
        call("75", *NARRATIVE_THANKS_ONLY_IN_SPEECH),
    ]
    items += [
        call("50", "Largely thanks to the coordinated efforts, the crisis was overcome."),
        call("51", "Despite their significant differences in views, they agreed to stay in touch."),
        call("52", "Vladimir Putin thanked his counterpart and expressed his gratitude."),
        call("53", "The President of Russia also expressed condolences over the act of terrorism."),
        call("54", "The Prime Minister expressed concern about the situation in Syria."),
        call("55", "Russia's legitimate concerns were ignored by NATO."),
        call("56", "Vladimir Putin wished the friendly people of Syria peace and prosperity."),
        call("57", "Vladimir Putin congratulated him on his re-election and on the New Year."),
        call("58", "The ceasefire in the region and the crisis over the border were discussed."),
        call("59", "The leaders continued their exchange of views on the gas supplies to Europe."),
        call(
            "60",
            "Vladimir Putin congratulated Olaf Scholz and both sides expressed interest in bilateral ties.",
        ),
        call("61", "Police used tear gas against migrants at the border."),
    ]
    # One meaning per signal (sql/seeds/README.md): the object of the verb decides whether a
    # warning is divergence (the call's parties here: Russia and Finland), the words after
    # "welcomed" or "best wishes" whether it is satisfaction or a greeting.
    items += [call(key, text) for key, (text, _, _) in MEANINGS.items()]
    con = build_warehouse(items, tmp_path_factory.mktemp("tone"))
    yield con
    con.close()


def _labels(con, item_id: str, kind: str) -> list[str]:
    return [
        label
        for (label,) in con.execute(
            "select distinct label from marts.tone_evidence where item_id = ? and label_kind = ? "
            "order by 1",
            [item_id, kind],
        ).fetchall()
    ]


@pytest.mark.parametrize("item_id", list(CASES))
def test_descriptors_count_only_where_they_describe_the_conversation(warehouse, item_id):
    assert _labels(warehouse, item_id, "descriptor") == CASES[item_id][1]


def test_call_tone_lists_canonical_descriptors_and_ladder_values(warehouse):
    row = warehouse.execute(
        "select descriptors, has_descriptor, warmth, convergence from marts.call_tone "
        "where item_id = '14'"
    ).fetchone()
    assert row == (["constructive", "friendly"], True, 2.0, 1.5)
    empty = warehouse.execute(
        "select descriptors, has_descriptor, warmth from marts.call_tone where item_id = '8'"
    ).fetchone()
    assert empty == ([], False, None)


@pytest.mark.parametrize(
    ("item_id", "present", "absent"),
    [
        ("3", {"expressed_satisfaction"}, set()),
        ("4", {"exchange_of_views"}, set()),
        ("9", {"congratulations_or_greetings"}, set()),
        ("50", set(), {"expressed_gratitude"}),
        ("51", {"divergence", "agreed_to_continue_contacts"}, set()),
        ("52", {"expressed_gratitude"}, set()),
        ("53", {"expressed_condolences"}, set()),
        ("54", {"expressed_concern"}, set()),
        ("55", set(), {"expressed_concern"}),
    ],
)
def test_signals(warehouse, item_id, present, absent):
    signals = set(_labels(warehouse, item_id, "signal"))
    assert present <= signals
    assert not (absent & signals)


@pytest.mark.parametrize("item_id", sorted(MEANINGS))
def test_signals_mean_the_same_for_every_source(warehouse, item_id):
    _, present, absent = MEANINGS[item_id]
    signals = set(_labels(warehouse, item_id, "signal"))
    assert present <= signals, (item_id, signals)
    assert not (absent & signals), (item_id, signals)


@pytest.mark.parametrize(
    ("item_id", "present", "absent"),
    [
        ("4", {"syria"}, set()),
        ("53", {"terrorism", "disasters_condolences"}, set()),
        ("56", set(), {"syria"}),  # only inside a greeting formula
        ("57", {"elections", "holidays_anniversaries"}, set()),  # the occasion itself counts
        ("58", set(), {"terrorism", "disasters_condolences"}),  # crISIS, ceaseFIRE
        ("59", {"gas"}, set()),
        ("60", {"bilateral_relations"}, set()),  # after the greeting's clause
        ("61", {"migration_humanitarian"}, {"gas"}),
    ],
)
def test_topics(warehouse, item_id, present, absent):
    topics = set(_labels(warehouse, item_id, "topic"))
    assert present <= topics
    assert not (absent & topics)


def test_evidence_points_at_the_words(warehouse):
    rows = warehouse.execute(
        "select e.matched_text, substring(v.text, e.char_start + 1, e.char_end - e.char_start), "
        "e.sentence_text from marts.tone_evidence e join staging.stg_item_versions v using "
        "(source, item_id) where e.item_id = '6' and e.label = 'businesslike'"
    ).fetchall()
    assert rows == [
        (
            "business-like",
            "business-like",
            "Overall, the conversation took place in a frank and business-like atmosphere.",
        )
    ]


def test_editing_the_lexicon_reshapes_the_marts_on_build(tmp_path):
    lexicon = (project := project_copy(tmp_path)) / SEEDS / "tone_lexicon.csv"
    lines = lexicon.read_text().splitlines()
    lexicon.write_text(
        "\n".join(line for line in lines if not line.startswith("constructive,"))
        + "\nfrank-and-open,candid,0,-1,cordially frank\n"
    )
    con = build_warehouse(
        [call("1", "The conversation was businesslike and constructive.")],
        tmp_path / "w",
        project_dir=project,
    )
    assert con.execute("select descriptors from marts.call_tone").fetchone() == (["businesslike"],)


def _evidence(con, item_id: str, label: str) -> list[tuple[str, int, int, str]]:
    return con.execute(
        "select e.matched_text, e.char_start, e.char_end, "
        "substring(v.text, e.char_start + 1, e.char_end - e.char_start) "
        "from marts.tone_evidence e join staging.stg_item_versions v using (source, item_id) "
        "where e.item_id = ? and e.label = ? order by e.char_start",
        [item_id, label],
    ).fetchall()


def test_a_phrase_twice_in_one_sentence_is_two_rows_at_two_positions(warehouse):
    rows = _evidence(warehouse, "70", "expressed_satisfaction")
    assert len(rows) == 2
    (first, first_start, _, first_text), (second, second_start, _, second_text) = rows
    assert first_start < second_start
    assert first == first_text and second == second_text
    assert first.lower() == second.lower() == "expressed satisfaction"


def test_a_phrase_in_two_sentences_points_at_each(warehouse):
    rows = _evidence(warehouse, "71", "expressed_satisfaction")
    assert len(rows) == 2 and rows[0][1] < rows[1][1]
    assert all(matched == found for matched, _, _, found in rows)
    descriptors = _evidence(warehouse, "73", "frank")
    assert len(descriptors) == 2 and descriptors[0][1] < descriptors[1][1]
    assert all(matched == found for matched, _, _, found in descriptors)


def test_a_topic_first_in_a_greeting_then_outside_it_counts_once_at_the_second(warehouse):
    text = warehouse.execute("select text from staging.stg_item_versions where item_id = '72'")
    (body,) = text.fetchone()
    rows = _evidence(warehouse, "72", "syria")
    assert [(start, found) for _, start, _, found in rows] == [
        (body.rindex("in Syria"), "in Syria")
    ]


def test_speakers_pleasantries_are_not_signals(warehouse):
    """In a transcript, signals come from the narrative: 'thanked' in the lead counts,
    'Thank you.' and a speaker's own 'we expressed our satisfaction' do not."""
    assert set(_labels(warehouse, "74", "signal")) == {"expressed_gratitude"}
    (matched,) = {row[0] for row in _evidence(warehouse, "74", "expressed_gratitude")}
    assert matched == "thanked"
    assert _labels(warehouse, "75", "signal") == []
    # topics and descriptors still come from the whole text
    assert "trade_economy" in _labels(warehouse, "74", "topic")
