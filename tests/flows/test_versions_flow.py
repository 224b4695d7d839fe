"""A readout edited after publication becomes a new version; nothing is overwritten."""

from __future__ import annotations

import pytest

from flows.demo.atom_pages import FeedItem, paginate
from flows.demo.server import FeedServer, feed_paths
from flows.sources.kremlin.source import KremlinSource
from tests.flows.helpers import flow_settings, query

pytestmark = pytest.mark.usefixtures("prefect_harness")

LEAD = "Vladimir Putin had a telephone conversation with President of Finland Sauli Niinisto."


def _feed(edited: bool) -> dict[str, bytes]:
    updated = "2021-06-30T18:00:00+04:00" if edited else "2021-06-30T16:10:00+04:00"
    body = (
        "They discussed trade and agreed to stay in touch." if edited else "They discussed trade."
    )
    items = [
        FeedItem(
            "2",
            "Telephone conversation with President of Finland Sauli Niinisto",
            "2021-06-30T16:10:00+04:00",
            updated,
            LEAD,
            [body],
        ),
        FeedItem(
            "1",
            "Meeting with Government members",
            "2021-06-29T12:00:00+04:00",
            "2021-06-29T12:00:00+04:00",
            "The President held a meeting.",
            ["Budget."],
        ),
    ]
    return feed_paths(paginate(items), KremlinSource.feed_path)


def test_an_edited_item_becomes_a_new_version(tmp_path):
    from flows.pipeline import run_flow

    with FeedServer(_feed(edited=False)) as server:
        first = run_flow(flow_settings(server.base_url, tmp_path))
    with FeedServer(_feed(edited=True)) as server:
        second = run_flow(flow_settings(server.base_url, tmp_path))
    assert (first.entries_new, second.entries_new, second.item_versions_loaded) == (2, 1, 1)
    warehouse = flow_settings("http://unused", tmp_path).warehouse_path
    versions = query(
        warehouse,
        "select version, updated_raw, body from staging.stg_item_versions "
        "where item_id = '2' order by version",
    )
    assert versions == [
        (1, "2021-06-30T16:10:00+04:00", "They discussed trade."),
        (2, "2021-06-30T18:00:00+04:00", "They discussed trade and agreed to stay in touch."),
    ]
    assert query(warehouse, "select item_id, version, word_count from marts.calls") == [
        ("2", 2, 21)
    ]
