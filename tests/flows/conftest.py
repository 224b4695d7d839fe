"""The corpus run, shared by the flow tests that check it (it costs ~10 s)."""

from __future__ import annotations

import pytest

from flows.demo.atom_pages import paginate
from flows.demo.run import demo_base_urls, demo_pages
from flows.demo.server import FeedServer, feed_paths
from flows.sources.kremlin.source import KremlinSource
from tests.corpus_feed import corpus_items
from tests.flows.helpers import flow_settings, table_fingerprints
from tests.whitehouse_feed import whitehouse_feed_paths


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory, corpus_dir, prefect_harness):
    from flows.pipeline import run_flow

    data_dir = tmp_path_factory.mktemp("corpus")
    pages = paginate(corpus_items())
    assert len(pages) >= 25
    with FeedServer(feed_paths(pages, KremlinSource.feed_path)) as server:
        settings = flow_settings(server.base_url, data_dir)
        first = run_flow(settings)
        after_first = table_fingerprints(settings.warehouse_path)
        second = run_flow(settings)
        after_second = table_fingerprints(settings.warehouse_path)
        reprocessed = run_flow(settings.with_(reprocess=True))
        after_reprocess = table_fingerprints(settings.warehouse_path)
    return {
        "settings": settings,
        "pages": len(pages),
        "first": first,
        "second": second,
        "reprocessed": reprocessed,
        "fingerprints": (after_first, after_second, after_reprocess),
    }


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, prefect_harness):
    """What `readouts demo` builds: both sources' sample feeds, one run over all sources.
    Returns the settings and the runs' summary (one per source, the Kremlin's first)."""
    from flows.pipeline import run_sources_flow

    data_dir = tmp_path_factory.mktemp("demo")
    with FeedServer(demo_pages()) as server:
        settings = flow_settings(server.base_url, data_dir)
        summary = run_sources_flow(
            settings, command="demo", base_urls=demo_base_urls(server.base_url)
        )
    assert summary.exit_code == 0, summary.message
    return settings, summary


@pytest.fixture(scope="session")
def both_sources_run(tmp_path_factory, corpus_dir, prefect_harness):
    """Both real corpora, HTTP included: the Kremlin's as Atom pages, the White House's as
    WordPress RSS pages; the Kremlin's alone first, then one run over both sources, whose one
    build is incremental over the Kremlin's tables. Returns the settings."""
    from flows.pipeline import run_flow, run_sources_flow

    data_dir = tmp_path_factory.mktemp("both")
    with (
        FeedServer(feed_paths(paginate(corpus_items()), KremlinSource.feed_path)) as kremlin,
        FeedServer(whitehouse_feed_paths()) as whitehouse,
    ):
        settings = flow_settings(None, data_dir)
        alone = run_flow(settings.with_(base_url=kremlin.base_url))
        assert alone.exit_code == 0, alone.message
        summary = run_sources_flow(
            settings,
            sources=("kremlin", "whitehouse"),
            base_urls={"kremlin": kremlin.base_url, "whitehouse": whitehouse.base_url},
        )
    assert summary.exit_code == 0, summary.message
    return settings
