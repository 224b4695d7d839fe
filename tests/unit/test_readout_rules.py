"""The Kremlin's phrasings for kinds of items, counterparts and initiators."""

from __future__ import annotations

import pytest

from flows.normalize.mentions import MentionFinder
from flows.normalize.reference import Reference
from flows.sources.kremlin.readout import IN_PERSON, OTHER, TELEPHONE, VIDEO, KremlinReadoutRules
from flows.sources.kremlin.source import KremlinSource


@pytest.fixture(scope="module")
def rules() -> KremlinReadoutRules:
    return KremlinSource(Reference()).rules  # the Kremlin's finder: its leaders, RU places


def _who(counterparts):
    return [(c.name, c.office, c.country_code, c.organisation) for c in counterparts]


@pytest.mark.parametrize(
    ("title", "lead", "expected"),
    [
        (
            "Telephone conversation with Prime Minister of India Narendra Modi",
            "Vladimir Putin had a telephone conversation with Prime Minister of the Republic of "
            "India Narendra Modi.",
            [("Narendra Modi", "Prime Minister", "IN", None)],
        ),
        (
            "Telephone conversation with US President Joseph Biden",
            "Vladimir Putin had a telephone conversation with President of the Untied States of "
            "America Joseph Biden.",
            [("Joseph Biden", "President", "US", None)],
        ),
        (
            "Telephone conversation with British Prime Minister Boris Johnson",
            "",
            [("Boris Johnson", "Prime Minister", "GB", None)],
        ),
        (
            "Telephone conversation with King Hamad bin Isa Al Khalifa of Bahrain",
            "",
            [("Hamad bin Isa Al Khalifa", "King", "BH", None)],
        ),
        (
            "Telephone conversation with Olaf Scholz and Emmanuel Macron",
            "Vladimir Putin had a telephone conversation with Chancellor of the Federal Republic "
            "of Germany Olaf Scholz and President of the French Republic Emmanuel Macron.",
            [
                ("Olaf Scholz", "Federal Chancellor", "DE", None),
                ("Emmanuel Macron", "President", "FR", None),
            ],
        ),
        (
            "Telephone conversation with President of Turkmenistan Gurbanguly Berdimuhamedov and "
            "President-Elect of Turkmenistan Serdar Berdimuhamedov",
            "",
            [
                ("Gurbanguly Berdimuhamedov", "President", "TM", None),
                ("Serdar Berdimuhamedov", "President-elect", "TM", None),
            ],
        ),
        (
            "Telephone conversation with African Union Chairperson, President of Senegal Macky Sall",
            "",
            [("Macky Sall", "President", "SN", "African Union")],
        ),
        (
            "Telephone conversation with European Council President Charles Michel",
            "",
            [("Charles Michel", "President", None, "European Council")],
        ),
        (
            "Telephone conversation with Angela Merkel",
            "Vladimir Putin had a telephone conversation with Angela Merkel, who completed her "
            "term of office.",
            [("Angela Merkel", "Federal Chancellor", "DE", None)],
        ),
        (
            "Telephone conversation with Pope Francis",
            "",
            [("Francis", "Pope", "VA", None)],
        ),
        (
            "Telephone conversation with Mark Koblenev",
            "Vladimir Putin had a telephone conversation with 14-year-old Mark Koblenev from the "
            "Moscow Region, a participant in a charity campaign.",
            [("Mark Koblenev", None, "RU", None)],
        ),
        (
            "Vladimir Putin had several telephone conversations with heads of CSTO member states",
            "The Russian President had telephone conversations with President of Kyrgyzstan Sadyr "
            "Japarov, President of Belarus Alexander Lukashenko, and Prime Minister of Armenia "
            "Nikol Pashinyan.",
            [
                ("Sadyr Japarov", "President", "KG", None),
                ("Alexander Lukashenko", "President", "BY", None),
                ("Nikol Pashinyan", "Prime Minister", "AM", None),
            ],
        ),
        (
            "Telephone conversation with President of South Ossetia Anatoly Bibilov",
            "",
            [("Anatoly Bibilov", "President", "GE", None)],
        ),
        # issue 13: a country the old reference data lacked, and the country before the office
        (
            "Telephone conversation with President of Angola Joao Lourenco",
            "",
            [("Joao Lourenco", "President", "AO", None)],
        ),
        (
            "Telephone conversation with UAE President Mohammed bin Zayed Al Nahyan",
            "",
            [("Mohammed bin Zayed Al Nahyan", "President", "AE", None)],
        ),
        (
            "Telephone conversation with President of France Emmanuel Macron and President of "
            "Atlantis Jo Doe",
            "",
            [
                ("Emmanuel Macron", "President", "FR", None),
                ("President of Atlantis Jo Doe", "President", None, None),
            ],
        ),
        (
            "Telephone conversation with King Abdullah II of Jordan",
            "",
            [("Abdullah II", "King", "JO", None)],
        ),
        (
            "Telephone conversation with Governor of the Kursk Region Ivan Sample",
            "",
            [("Ivan Sample", "Governor", "RU", None)],
        ),
        (
            "Telephone conversation with Ivan Sample",
            "Vladimir Putin had a telephone conversation with five-year-old Ivan Sample from "
            "Buryatia.",
            [("Ivan Sample", None, "RU", None)],
        ),
    ],
)
def test_counterparts(rules, title, lead, expected):
    assert _who(rules.counterparts(title, [lead], lead)) == expected


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (
            ["Vladimir Putin had a telephone conversation with X at the Indian side's initiative."],
            "counterpart",
        ),
        (
            ["Vladimir Putin had a telephone conversation with X at the Indian side’s initiative."],
            "counterpart",
        ),
        (["The call took place on the German side's initiative."], "counterpart"),
        (["A conversation was held, at the initiative of the Israeli side"], "counterpart"),
        (
            ["Vladimir Putin had a telephone conversation with X at the latter's initiative."],
            "counterpart",
        ),
        (
            ["At the initiative of the Uzbek side, Vladimir Putin had a telephone conversation."],
            "counterpart",
        ),
        (["Vladimir Putin spoke with X at the Iranian party's initiative."], "counterpart"),
        (
            ["Held at Kyrgyzstan's initiative, the telephone conversation focused on Ukraine."],
            "counterpart",
        ),
        (["Lead.", "The conversation was initiated by the French side."], "counterpart"),
        (
            [
                "During a telephone conversation initiated by the President of the French Republic, "
                "they talked."
            ],
            "counterpart",
        ),
        (
            [
                "Vladimir Putin had a telephone conversation with X at the Russian side's initiative."
            ],
            "own_side",
        ),
        (["At the initiative of Vladimir Putin, a telephone conversation took place."], "own_side"),
        (
            [
                "Vladimir Putin had a telephone conversation with President of France Emmanuel Macron.",
                "The situation in Mali was reviewed at Emmanuel Macron's initiative.",
            ],
            None,
        ),
        (
            ["Lead.", "At the request of Mario Draghi, Vladimir Putin informed him of the talks."],
            None,
        ),
        (
            [
                "Lead.",
                "Vladimir Putin supported President Niinistö's initiative to convene a summit.",
            ],
            None,
        ),
        (["Lead.", "The conversation covered a process initiated by the Normandy format."], None),
    ],
)
def test_initiator_phrasings(rules, sentences, expected):
    counterparts = rules.counterparts(
        "Telephone conversation with President of France Emmanuel Macron", [], ""
    )
    initiated_by, evidence = rules.initiator(sentences, counterparts)
    assert initiated_by == expected
    assert (evidence is None) == (expected is None)


@pytest.mark.parametrize(
    ("title", "first_sentence", "kind"),
    [
        ("Telephone conversation with President of Finland Sauli Niinistö", "", TELEPHONE),
        (
            "Telephone conversations with President of Azerbaijan Ilham Aliyev and Prime Minister "
            "of Armenia Nikol Pashinyan",
            "",
            TELEPHONE,
        ),
        (
            "Vladimir Putin had several telephone conversations with heads of CSTO member states",
            "On January 6–7, Vladimir Putin had several telephone conversations with heads of the "
            "CSTO member states.",
            TELEPHONE,
        ),
        (
            "Talks with President of China Xi Jinping",
            "Vladimir Putin held talks, via videoconference, with President of the People's Republic "
            "of China Xi Jinping.",
            VIDEO,
        ),
        (
            "Meeting with US President Joseph Biden",
            "Vladimir Putin had a lengthy conversation with President of the United States of "
            "America Joseph Biden.",
            VIDEO,
        ),
        (
            "Talks with Prime Minister of Hungary Viktor Orban",
            "Vladimir Putin held talks with Prime Minister of Hungary Viktor Orban in the Kremlin.",
            IN_PERSON,
        ),
        (
            "Conversation with President of Tajikistan Emomali Rahmon",
            "Vladimir Putin met with President of Tajikistan Emomali Rahmon at Constantine Palace.",
            IN_PERSON,
        ),
        (
            "Briefing by Aide to the President Yury Ushakov following a telephone conversation "
            "between Vladimir Putin and Joseph Biden",
            "Yury Ushakov briefed media representatives on the telephone conversation.",
            OTHER,
        ),
        (
            "On December 15, Vladimir Putin will hold talks with President of China Xi Jinping",
            "On December 15, Vladimir Putin will hold talks with President of the People's Republic "
            "of China Xi Jinping, via videoconference.",
            OTHER,
        ),
        (
            "Condolences to President of Egypt Abdel Fattah el-Sisi",
            "Vladimir Putin sent a message of condolences to President of Egypt Abdel Fattah el-Sisi.",
            OTHER,
        ),
        (
            "Meeting with permanent members of the Security Council",
            "The President held a meeting, via videoconference, with permanent members of the "
            "Security Council.",
            OTHER,
        ),
        (
            "Meeting of the Supreme State Council of the Union State",
            "Vladimir Putin and President of the Republic of Belarus Alexander Lukashenko took part, "
            "via videoconference, in a meeting of the Supreme State Council.",
            OTHER,
        ),
        (
            "Meeting with representatives of Italian business community",
            "Vladimir Putin held a videoconference meeting with heads of leading Italian companies.",
            OTHER,
        ),
    ],
)
def test_item_kinds(rules, title, first_sentence, kind):
    assert rules.classify(title, first_sentence) == kind


def test_only_a_source_that_declares_its_country_makes_unknown_places_its_own():
    """The grammar of places inside a country ("Kursk Region") is the source's (the
    Kremlin's), not shared: another source's finder assumes no country for them."""
    text = "a conversation with 14-year-old Ivan Sample from the Kursk Region"
    kremlin = KremlinSource(Reference()).rules.finder
    (mention,) = kremlin.find(text)
    assert mention.place is not None and mention.place.country_code == "RU"
    plain = MentionFinder(Reference())
    assert plain.find(text) == []  # no country assumed: the counterpart goes to review
    elsewhere = MentionFinder(Reference(), own_country="US", own_places=r"Ohio|Texas")
    (of_ohio,) = elsewhere.find("a call with Governor of Ohio Jo Sample")
    assert of_ohio.place.country_code == "US"
