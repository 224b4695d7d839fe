"""Reading entries of the real feed page and of the whole corpus, checked against labels."""

from __future__ import annotations

import pytest

from flows.core.records import CALL_KINDS, ItemRecord, Rejection
from flows.demo.atom_pages import paginate
from flows.normalize.atom import parse_atom_page
from flows.sources.kremlin.source import KremlinSource
from tests.corpus_feed import REAL_FEED_PAGE, corpus_items, corpus_rows, item_id
from tests.labels import call_labels


@pytest.fixture(scope="module")
def source() -> KremlinSource:
    return KremlinSource()


def test_page_urls(source):
    assert (
        source.page_url("http://en.kremlin.ru/", 1)
        == "http://en.kremlin.ru/events/president/news/feed"
    )
    assert source.page_url("http://h:1", 3) == "http://h:1/events/president/news/feed/page/3"


def test_real_feed_page_calls(source, corpus_dir):
    page = parse_atom_page(REAL_FEED_PAGE.read_bytes())
    records = [source.read_entry(entry, page.language) for entry in page.entries]
    assert all(isinstance(r, ItemRecord) for r in records)
    calls = {r.item_id: r for r in records if r.kind in CALL_KINDS}
    assert sorted(calls) == ["56564", "56593", "56624"]
    modi = calls["56624"]
    assert modi.initiated_by == "counterpart"
    assert modi.initiative_evidence == "at the Indian side’s initiative"
    assert [(c.name, c.country_code) for c in modi.counterparts] == [("Narendra Modi", "IN")]
    assert modi.lead.startswith("Vladimir Putin had a telephone conversation")
    assert "\n\n" in modi.body
    countries = sorted(c.country_code for r in calls.values() for c in r.counterparts)
    assert countries == ["FI", "IL", "IN"]


@pytest.fixture(scope="module")
def corpus_records(source, corpus_dir) -> dict[str, ItemRecord | Rejection]:
    records = {}
    for body in paginate(corpus_items()).values():
        page = source.parse_page(body)
        for entry in page.entries:
            record = source.read_entry(entry, page.language)
            records[record.item_id] = record
    return records


def test_every_corpus_item_reads(corpus_records):
    assert len(corpus_records) == len(corpus_rows()) == 549
    rejected = {k: r.reason for k, r in corpus_records.items() if isinstance(r, Rejection)}
    assert rejected == {}


def test_corpus_calls_match_the_labels(corpus_records):
    labels = call_labels()
    found = {k: r for k, r in corpus_records.items() if r.kind in CALL_KINDS}
    assert sorted(found) == sorted(labels)
    wrong = []
    for key, label in labels.items():
        record = found[key]
        got = (
            record.kind,
            record.initiated_by,
            tuple(c.country_code or c.organisation for c in record.counterparts),
        )
        if got != (label.call_kind, label.initiated_by, label.counterparts):
            wrong.append((key, got, label))
    assert wrong == []


def test_all_telephone_titles_are_calls(corpus_records):
    titled = {
        item_id(row)
        for row in corpus_rows()
        if row["headline"].startswith("Telephone conversation")
    }
    assert len(titled) == 120
    assert all(corpus_records[key].kind == "telephone call" for key in titled)
