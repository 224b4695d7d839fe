from __future__ import annotations

import pytest

from flows.core.feed import FeedPageError
from flows.normalize.atom import parse_atom_page
from tests.corpus_feed import REAL_FEED_PAGE


@pytest.fixture(scope="module")
def real_page(corpus_dir):
    return parse_atom_page(REAL_FEED_PAGE.read_bytes())


def test_real_feed_page_has_twenty_entries_with_all_fields(real_page):
    assert len(real_page.entries) == 20
    assert real_page.has_next
    assert real_page.language == "en"
    for entry in real_page.entries:
        assert entry.entry_id and entry.title and entry.published and entry.updated
        assert entry.content_html and not entry.problems


def test_real_feed_entry_fields(real_page):
    modi = next(e for e in real_page.entries if e.entry_id.endswith("/56624"))
    assert modi.title == "Telephone conversation with Indian Prime Minister Narendra Modi"
    assert modi.published == "2018-01-03T16:50:00+04:00"
    assert modi.updated == "2018-01-03T17:37:22+04:00"
    assert modi.link == "http://en.kremlin.ru/events/president/news/56624"
    assert '<div class="c-summary"' in modi.content_html


def test_entry_hash_changes_with_content(real_page):
    hashes = {entry.entry_sha for entry in real_page.entries}
    assert len(hashes) == 20


def test_missing_fields_are_reported_per_entry():
    page = parse_atom_page(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://en.kremlin.ru/x/1</id>'
        b"<published>2020-01-01T10:00:00+04:00</published></entry></feed>"
    )
    assert page.entries[0].problems == ("<title> is missing or empty",)
    assert not page.has_next


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "not well-formed"),
        (b"<html><body>maintenance</body></html>", "not an Atom <feed>"),
    ],
)
def test_unreadable_pages_raise_a_clear_error(body, message):
    with pytest.raises(FeedPageError, match=message):
        parse_atom_page(body)


def test_entity_expansion_is_refused_without_expanding():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>'
    )
    with pytest.raises(FeedPageError, match="DTD or entities"):
        parse_atom_page(laughs)


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>'
    ).encode()
    with pytest.raises(FeedPageError):
        parse_atom_page(xxe)


@pytest.mark.parametrize("between", ["<?pi split?>", "<!-- a comment -->"])
def test_a_processing_instruction_or_comment_inside_content_keeps_every_part(between):
    page = parse_atom_page(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://en.kremlin.ru/x/1</id>'
        b"<title>A call</title><published>2020-01-01T10:00:00+04:00</published>"
        b'<content type="html"><![CDATA[<p>First part.</p>]]>'
        + between.encode()
        + b"<![CDATA[<p>Second part.</p>]]></content></entry></feed>"
    )
    assert page.entries[0].content_html == "<p>First part.</p><p>Second part.</p>"
