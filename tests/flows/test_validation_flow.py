"""Hard validation failures stop the run before the warehouse changes; results are kept."""

from __future__ import annotations

import pytest

from flows.demo.atom_pages import FeedItem, entry_xml, paginate
from flows.demo.server import FeedServer, feed_paths
from flows.sources.kremlin.source import KremlinSource
from tests.flows.helpers import flow_settings, query, table_fingerprints

pytestmark = pytest.mark.usefixtures("prefect_harness")
FEED = KremlinSource.feed_path
LEAD = "Vladimir Putin had a telephone conversation with President of Finland Sauli Niinisto."


def _item(item_id: str, published: str = "2021-06-30T16:10:00+04:00", **changes) -> FeedItem:
    fields = dict(
        item_id=item_id,
        title="Telephone conversation with President of Finland Sauli Niinisto",
        published=published,
        updated=published,
        lead=LEAD,
        paragraphs=["They agreed to stay in touch."],
    )
    fields.update(changes)
    return FeedItem(**fields)


BASELINE = [_item("2"), _item("1", "2021-06-29T12:00:00+04:00")]

BAD_FEEDS = {
    "date before 2000": [_item("3", "1999-12-31T12:00:00+04:00"), *BASELINE],
    "new call title pattern": [
        _item(
            "3",
            title="Call with President of France Emmanuel Macron",
            lead="The two presidents talked about trade.",
        ),
        *BASELINE,
    ],
    "every entry without content": [
        _item("3", lead="", paragraphs=[]),
        _item("4", lead="", paragraphs=[]),
    ],
}


def _serve(items: list[FeedItem]) -> FeedServer:
    return FeedServer(feed_paths(paginate(items), FEED))


@pytest.fixture
def baseline(tmp_path):
    from flows.pipeline import run_flow

    with _serve(BASELINE) as server:
        run_flow(flow_settings(server.base_url, tmp_path))
    settings = flow_settings("http://unused", tmp_path)
    return settings, table_fingerprints(settings.warehouse_path)


@pytest.mark.parametrize("case", list(BAD_FEEDS))
def test_a_hard_failure_leaves_the_warehouse_as_it_was(baseline, case):
    from flows.pipeline import run_flow
    from flows.validate.staged import ValidationFailed

    settings, before = baseline
    with _serve(BAD_FEEDS[case]) as server, pytest.raises(ValidationFailed) as failure:
        run_flow(settings.with_(base_url=server.base_url))
    assert "nothing was loaded" in str(failure.value)
    assert table_fingerprints(settings.warehouse_path) == before
    (status, message) = query(
        settings.warehouse_path,
        "select status, message from audit.runs order by started_at desc limit 1",
    )[0]
    assert status == "failed" and "suite '" in message
    failed_suites = query(
        settings.warehouse_path,
        "select suite from audit.validations where not success and hard_failures > 0",
    )
    assert failed_suites
    report = (settings.warehouse_path.parent / "validation-report.html").read_text()
    assert "failed" in report and "<script" not in report
    # the raw zone kept what was fetched: the next run can reprocess it once fixed
    assert any(settings.raw_dir.rglob("*.xml"))


def test_a_renamed_entry_element_is_a_hard_failure(baseline):
    from flows.pipeline import run_flow
    from flows.validate.staged import ValidationFailed

    settings, before = baseline
    renamed = [
        FeedItem(None, None, None, None, "", [], raw_xml=entry_xml(item).replace("entry>", "item>"))
        for item in [_item("3"), *BASELINE]
    ]
    with _serve(renamed) as server, pytest.raises(ValidationFailed) as failure:
        run_flow(settings.with_(base_url=server.base_url))
    assert "no entries parsed from a non-empty page" in str(failure.value)
    assert table_fingerprints(settings.warehouse_path) == before


def test_every_suite_is_recorded_for_a_successful_run(baseline):
    settings, _ = baseline
    suites = query(
        settings.warehouse_path,
        "select stage, suite, success, evaluated > 0 from audit.validations order by stage, suite",
    )
    assert suites == [
        ("marts", "call_tone", True, True),
        ("marts", "call_topics", True, True),
        ("marts", "tone_evidence", True, True),
        ("staged", "calls", True, True),
        ("staged", "counterparts", True, True),
        ("staged", "items", True, True),
        ("staged", "raw_manifest", True, True),
        ("staged", "raw_pages", True, True),
        ("staged", "sentences", True, True),
    ]
