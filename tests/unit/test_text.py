from __future__ import annotations

from flows.normalize.html_text import split_lead_and_body
from flows.normalize.sentences import split_sentences
from flows.sources.kremlin.source import LEAD_CLASS


def test_lead_and_body_keep_paragraph_breaks_and_drop_soft_wraps():
    content = (
        '<div class="c-summary" style="font-size: 1.2em"><p>Vladimir Putin had a telephone\n'
        "conversation.</p></div>  <img src='x.jpg' alt='photo caption' />"
        "<p>First\nparagraph.</p><p>Second <b>bold</b> one.</p>"
    )
    texts = split_lead_and_body(content, None, LEAD_CLASS)
    assert texts.lead == "Vladimir Putin had a telephone conversation."
    assert texts.body == "First paragraph.\n\nSecond bold one."


def test_summary_is_the_lead_when_content_has_none():
    texts = split_lead_and_body("<p>Body only.</p>", '<div class="c-summary"><p>Lead.</p></div>')
    assert texts == type(texts)(lead="Lead.", body="Body only.")


def test_nested_paragraphs_are_not_doubled():
    texts = split_lead_and_body(
        '<div class="c-summary"><p> <p>Once.</p></p></div>', None, LEAD_CLASS
    )
    assert texts.lead == "Once."


def test_a_source_that_marks_no_lead_gets_every_paragraph_as_body():
    texts = split_lead_and_body('<div class="c-summary"><p>One.</p></div><p>Two.</p>', None)
    assert texts == type(texts)(lead="", body="One.\n\nTwo.")


def test_scripts_never_become_text():
    texts = split_lead_and_body("<p>Text.<script>alert(1)</script></p>", None)
    assert texts.body == "Text."


def test_sentences_carry_exact_offsets():
    text = "Mr Putin and Mr Modi spoke. They agreed.\n\nA new paragraph? Yes! It ended."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Mr Putin and Mr Modi spoke.",
        "They agreed.",
        "A new paragraph?",
        "Yes!",
        "It ended.",
    ]
    assert [s.paragraph_no for s in sentences] == [0, 0, 1, 1, 1]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Talks with the U.S. delegation and J. Smith continued. Then St. Petersburg hosted them."
    assert [s.text for s in split_sentences(text)] == [
        "Talks with the U.S. delegation and J. Smith continued.",
        "Then St. Petersburg hosted them.",
    ]


def test_quotes_close_a_sentence():
    text = "He said: “We agree.” The talks went on."
    assert [s.text for s in split_sentences(text)] == ["He said: “We agree.”", "The talks went on."]
