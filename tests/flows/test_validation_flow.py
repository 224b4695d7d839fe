"""Systemic validation failures stop the run before the warehouse changes and publish
nothing; one odd entry is a row problem; results are kept either way."""

from __future__ import annotations

import shutil

import pytest

from flows.demo.atom_pages import FeedItem, entry_xml, paginate
from flows.demo.server import FeedServer, feed_paths
from flows.ops.outcomes import EXIT_DATA
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

# Systemic failures: the feed changed under us. Nothing loads, nothing is published.
SYSTEMIC_FEEDS = {
    "every entry without content": [
        _item("3", lead="", paragraphs=[]),
        _item("4", lead="", paragraphs=[]),
    ],
    "most entries dated in the future": [
        _item(str(n), "2031-01-01T12:00:00+04:00") for n in range(3, 8)
    ],
}


def _serve(items: list[FeedItem]) -> FeedServer:
    return FeedServer(feed_paths(paginate(items), FEED))


@pytest.fixture(scope="module")
def _baseline_run(tmp_path_factory):
    """The baseline's run, made once per module (a run is most of a test's cost)."""
    from flows.pipeline import run_flow

    data_dir = tmp_path_factory.mktemp("baseline")
    with _serve(BASELINE) as server:
        run_flow(flow_settings(server.base_url, data_dir))
    return data_dir


@pytest.fixture
def baseline(_baseline_run, tmp_path):
    """The baseline's data folder copied for the test, which runs again over it."""
    data_dir = tmp_path / "data"
    shutil.copytree(_baseline_run, data_dir, ignore=shutil.ignore_patterns("*.lock", "dbt"))
    settings = flow_settings("http://unused", data_dir)
    return settings, table_fingerprints(settings.build_path)


def _assert_failed_and_unchanged(settings, before, published, summary, says):
    assert (summary.status, summary.exit_code) == ("failed", EXIT_DATA)
    assert says in summary.message and "nothing was loaded" in summary.message
    assert table_fingerprints(settings.build_path) == before
    assert settings.warehouse_path.read_bytes() == published  # nothing was published
    (status, message) = query(
        settings.build_path,
        "select status, message from audit.runs order by started_at desc limit 1",
    )[0]
    assert status == "failed" and "suite '" in message
    assert query(
        settings.build_path,
        "select suite from audit.validations where not success and hard_failures > 0",
    )
    report = (settings.warehouse_path.parent / "validation-report.html").read_text()
    assert "failed" in report and "<script" not in report
    # the raw zone kept what was fetched: the next run can reprocess it once fixed
    assert any(settings.raw_dir.rglob("*.xml"))


@pytest.mark.parametrize("case", list(SYSTEMIC_FEEDS))
def test_a_systemic_failure_leaves_the_warehouse_as_it_was(baseline, case, capfd, caplog):
    from flows.pipeline import run_flow

    settings, before = baseline
    published = settings.warehouse_path.read_bytes()
    with _serve(SYSTEMIC_FEEDS[case]) as server:
        summary = run_flow(settings.with_(base_url=server.base_url))
    # an expected failure is a message, not a failed Prefect task with its traceback
    said = capfd.readouterr().err + caplog.text
    assert "Traceback" not in said and "encountered an exception" not in said
    says = "lacks its text" if "content" in case else "systemic"
    _assert_failed_and_unchanged(settings, before, published, summary, says)


def test_a_renamed_entry_element_is_a_hard_failure(baseline):
    from flows.pipeline import run_flow

    settings, before = baseline
    published = settings.warehouse_path.read_bytes()
    renamed = [
        FeedItem(None, None, None, None, "", [], raw_xml=entry_xml(item).replace("entry>", "item>"))
        for item in [_item("3"), *BASELINE]
    ]
    with _serve(renamed) as server:
        summary = run_flow(settings.with_(base_url=server.base_url))
    _assert_failed_and_unchanged(
        settings, before, published, summary, "no entries parsed from a non-empty page"
    )


def test_one_odd_entry_is_a_row_problem_and_the_rest_loads(baseline):
    from flows.pipeline import run_flow

    settings, _ = baseline
    odd = [
        _item("3", "2031-01-01T12:00:00+04:00"),
        _item(
            "4",
            title="Call with President of France Emmanuel Macron",
            lead="The two presidents talked about trade.",
        ),
        *BASELINE,
    ]
    with _serve(odd) as server:
        summary = run_flow(settings.with_(base_url=server.base_url))
    assert (summary.status, summary.exit_code) == ("success", 0)
    assert (
        query(settings.warehouse_path, "select item_id, reason from staging.stg_quarantine")[0][0]
        == "3"
    )
    latest = query(
        settings.warehouse_path,
        "select item_id, kind from intermediate.int_latest_item_versions order by item_id",
    )
    assert latest == [("1", "telephone call"), ("2", "telephone call"), ("4", "other")]
    assert query(
        settings.warehouse_path, "select item_id, review_reason from raw.review_flags"
    ) == [("4", "title_looks_like_a_call")]


def test_every_suite_is_recorded_for_a_successful_run(baseline):
    settings, _ = baseline
    suites = query(
        settings.warehouse_path,
        "select stage, suite, success, evaluated > 0 from audit.validations order by stage, suite",
    )
    # the marts' invariants are dbt tests beside their models (sql/models/marts/*.yml)
    assert suites == [
        ("staged", "calls", True, True),
        ("staged", "counterparts", True, True),
        ("staged", "items", True, True),
        ("staged", "raw_manifest", True, True),
        ("staged", "raw_pages", True, True),
        ("staged", "sentences", True, True),
    ]
