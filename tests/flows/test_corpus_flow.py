"""The whole flow over the real corpus, served as 28 feed pages on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.corpus_feed import corpus_rows, item_id
from tests.flows.helpers import query
from tests.labels import call_labels

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_every_item_landed_exactly_once(corpus_run):
    first, warehouse = corpus_run["first"], corpus_run["settings"].warehouse_path
    assert first.status == "success"
    assert first.pages_fetched == corpus_run["pages"]
    assert first.entries_new == 549
    assert first.item_versions_loaded == 549 and first.quarantined == 0
    ids = query(warehouse, "select item_id, count(*) from staging.stg_item_versions group by 1")
    assert len(ids) == 549 and {count for _, count in ids} == {1}
    assert {key for key, _ in ids} == {item_id(row) for row in corpus_rows()}


def test_calls_mart_holds_exactly_the_labelled_calls(corpus_run):
    warehouse = corpus_run["settings"].warehouse_path
    labels = call_labels()
    calls = {
        row[0]: row[1:3]
        for row in query(
            warehouse, "select item_id, call_kind, initiated_by, call_scope from marts.calls"
        )
    }
    assert sorted(calls) == sorted(labels)
    # Calls with Russian citizens or officials are domestic: no counterpart rows.
    domestic = {key for key, label in labels.items() if set(label.counterparts) == {"RU"}}
    assert domestic == {"67365", "67425", "67458"}
    scopes = dict(query(warehouse, "select item_id, call_scope from marts.calls"))
    assert {key for key, scope in scopes.items() if scope == "domestic"} == domestic
    counterparts: dict[str, list[str]] = {}
    for key, country, organisation in query(
        warehouse,
        "select item_id, country_code, organisation from marts.call_counterparts "
        "order by item_id, counterpart_no",
    ):
        counterparts.setdefault(key, []).append(country or organisation)
    wrong = [
        (key, calls[key], counterparts.get(key), label)
        for key, label in labels.items()
        if (
            calls[key] != (label.call_kind, label.initiated_by)
            or tuple(counterparts.get(key, [])) != (() if key in domestic else label.counterparts)
        )
    ]
    assert wrong == []


def test_the_120_telephone_titles_are_calls_and_briefings_are_not(corpus_run):
    warehouse = corpus_run["settings"].warehouse_path
    titles = dict(query(warehouse, "select item_id, title from marts.calls"))
    assert sum(title.startswith("Telephone conversation") for title in titles.values()) == 120
    assert not any(
        title.startswith(("Briefing", "Talks with Prime Minister of Hungary"))
        for title in titles.values()
    )


def test_no_call_waits_for_review_on_the_corpus(corpus_run):
    warehouse = corpus_run["settings"].warehouse_path
    assert query(warehouse, "select count(*) from marts.review_queue") == [(0,)]


def test_published_at_is_the_true_instant(corpus_run):
    warehouse = corpus_run["settings"].warehouse_path
    (row,) = query(
        warehouse,
        "select strftime(published_at at time zone 'UTC', '%Y-%m-%d %H:%M'), call_date::varchar "
        "from marts.calls where item_id = '67487'",
    )
    # The page printed 2021-12-31 00:05 in Moscow (UTC+3)... as the corpus records it
    clock = next(r["date"] for r in corpus_rows() if item_id(r) == "67487")
    hour = int(clock[11:13])
    assert row[1] == clock[:10]
    assert int(row[0][11:13]) == (hour - 3) % 24


def test_second_run_fetches_nothing_new_and_changes_no_table(corpus_run):
    second = corpus_run["second"]
    assert (second.pages_fetched, second.entries_new, second.item_versions_loaded) == (2, 0, 0)
    first, again, _ = corpus_run["fingerprints"]
    assert again == first


def test_reloading_everything_from_the_raw_zone_converges(corpus_run):
    first, _, reprocessed = corpus_run["fingerprints"]
    reprocessed_run = corpus_run["reprocessed"]
    assert (reprocessed_run.item_versions_loaded, reprocessed_run.item_versions_rewritten) == (
        0,
        549,
    )
    assert reprocessed == first


def test_reprocess_fetches_what_a_run_fetches_and_no_older_page(corpus_run):
    """The README's promise: `--reprocess` walks as a run does (the two newest pages here),
    then normalises every landed page again; it does not fetch the older pages."""
    reprocessed, second = corpus_run["reprocessed"], corpus_run["second"]
    assert reprocessed.pages_fetched == second.pages_fetched == 2 < corpus_run["pages"]


def test_audit_records_each_run(corpus_run):
    rows = query(
        corpus_run["settings"].warehouse_path,
        "select command, status, pages_fetched, entries_new from audit.runs order by started_at",
    )
    assert rows == [
        ("run", "success", corpus_run["pages"], 549),
        ("run", "success", 2, 0),  # incremental runs re-read two pages to catch edits
        ("run", "success", 2, 0),
    ]
