"""A feed that changes under us, on the real corpus: the English Kremlin feed loaded in two
runs (October-December 2021, then January-March 2022: the second must not warn), then four
real shapes of change, each from a copy of that warehouse, each of which must load, end
`warned` (exit 8) and say what drifted in one line per measure on its first run:
- the Russian feed (kremlin.ru, xml:lang="ru") read by the English source, run as the
  scheduled deployment runs it (its Prefect state must not be plain Completed);
- the same Russian items with their readout titles reworded into English and served as
  the English feed: calls are found, but nothing in their text resolves or carries a tone;
- the second half of the English corpus with its entries' bodies gone (leads kept);
- the second half with a burst of quarantines (every third entry's date broken).
Each case costs one run (a dbt build); the measures are printed with `pytest -s`."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from flows.demo.atom_pages import paginate
from flows.demo.server import FeedServer, feed_paths
from flows.ops import run_log
from flows.ops.outcomes import EXIT_DRIFT
from flows.sources.kremlin.source import KremlinSource
from tests.corpus_feed import corpus_items, russian_items
from tests.flows.helpers import flow_settings, query

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow, pytest.mark.corpus]

FEED = KremlinSource.feed_path
SPLIT = "2022-01-01"
HEALTH = (
    "select run_id, entries, quarantine_share, items, call_share, resolved_share, toned_share, "
    "sentences_per_item, languages, hosts from marts.source_health order by fetched_at"
)


def _older():
    return [item for item in corpus_items() if item.published < SPLIT]


def _newer():
    return [item for item in corpus_items() if item.published >= SPLIT]


def _reworded(items):
    return [
        replace(
            item, title=item.title.replace("Телефонный разговор с ", "Telephone conversation with ")
        )
        for item in items
    ]


def _print_health(label, warehouse):
    print(f"\n{label}: marts.source_health")
    for row in query(warehouse, HEALTH):
        print("  ", row)


@pytest.fixture(scope="module")
def history(tmp_path_factory, corpus_dir, prefect_harness):
    from flows.pipeline import run_flow

    base = tmp_path_factory.mktemp("drift")
    data = base / "data"
    with FeedServer(feed_paths(paginate(_older()), FEED)) as server:
        first = run_flow(flow_settings(server.base_url, data))
    shutil.copytree(data, base / "after-first")
    with FeedServer(feed_paths(paginate(corpus_items()), FEED)) as server:
        settings = flow_settings(server.base_url, data)
        second = run_flow(settings)
    _print_health("the real corpus in two runs", settings.warehouse_path)
    return {"after-first": base / "after-first", "after-second": data, "runs": (first, second)}


def test_an_ordinary_run_of_the_real_corpus_does_not_warn(history):
    first, second = history["runs"]
    assert (first.status, second.status) == ("success", "success"), second.warnings
    assert second.new_items == len(_newer())
    assert not [w for w in first.warnings + second.warnings if w.startswith("drift")]
    rows = query(history["after-second"] / "warehouse" / "readouts.duckdb", HEALTH)
    assert [(row[0], row[1]) for row in rows] == [
        (first.run_id, len(_older())),
        (second.run_id, len(_newer())),
    ]


CASES = {
    # name: (starting warehouse, pages, measures that must drift)
    "russian feed": (
        "after-second",
        lambda: paginate(russian_items(), language="ru", feed_url="http://kremlin.ru" + FEED),
        {"call_share", "languages", "hosts"},
    ),
    "reworded titles": (
        "after-second",
        lambda: paginate([*_reworded(russian_items("http://en.kremlin.ru")), *corpus_items()]),
        {"resolved_share", "toned_share"},
    ),
    "bodies lost": (
        "after-first",
        lambda: paginate([*(replace(i, paragraphs=[]) for i in _newer()), *_older()]),
        {"sentences_per_item"},
    ),
    "quarantine burst": (
        "after-first",
        lambda: paginate(
            [
                *(
                    replace(item, published="March 2022", updated="March 2022")
                    if n % 3 == 0
                    else item
                    for n, item in enumerate(_newer())
                ),
                *_older(),
            ]
        ),
        {"quarantine_share"},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_feed_that_changes_warns_on_its_first_run(history, case, tmp_path, monkeypatch):
    from flows.pipeline import run_flow, scheduled_flow

    start, pages, expected = CASES[case]
    data = tmp_path / "data"
    shutil.copytree(history[start], data)
    with FeedServer(feed_paths(pages(), FEED)) as server:
        settings = flow_settings(server.base_url, data)
        if case == "russian feed":  # as the deployment runs it
            monkeypatch.setenv("READOUTS_DATA_DIR", str(data))
            monkeypatch.setenv("READOUTS_PAUSE_SECONDS", "0")
            monkeypatch.setenv("READOUTS_KREMLIN_BASE_URL", server.base_url)
            state = scheduled_flow(source="kremlin", return_state=True)
            (record,) = [
                r
                for r in run_log.latest_records(settings.run_log_path).values()
                if r["command"] == "scheduled"
            ]
            status, code, warnings = record["status"], record["exit_code"], record["warnings"]
            loaded, published = record["item_versions_loaded"], True
        else:
            summary = run_flow(settings)
            status, code, warnings = summary.status, summary.exit_code, summary.warnings
            loaded, published = summary.item_versions_loaded, summary.published
    _print_health(case, settings.warehouse_path)
    drifts = [w for w in warnings if w.startswith("drift: ")]
    print("\n".join(drifts))
    assert (status, code) == ("warned", EXIT_DRIFT), warnings
    assert loaded > 0 and published
    drifted = {line.split()[1] for line in drifts}
    assert expected <= drifted
    assert all(", expected " in line for line in drifts)
    # the published warehouse has the run, its row and its warnings
    (run_id, row_status, row_warnings) = query(
        settings.warehouse_path,
        "select run_id, status, warnings from audit.runs order by started_at desc limit 1",
    )[0]
    assert row_status == "warned" and [w for w in row_warnings if w.startswith("drift")] == drifts
    assert query(
        settings.warehouse_path,
        f"select count(*) from marts.source_health where run_id = '{run_id}'",
    ) == [(1,)]
    report = settings.report_path.read_text()
    assert "Source health" in report and drifts[0].split(",")[0] in report
    if case == "russian feed":
        assert state.is_completed() and state.name == "Warned"
        assert all(line in state.message for line in drifts)
