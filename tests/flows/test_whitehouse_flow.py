"""Both sources in one warehouse through the real flow over all sources, HTTP included:
the Kremlin corpus as Atom pages and the White House corpus as WordPress RSS pages, each on
its own 127.0.0.1 server. A source that cannot be reached does not stop the other; the same
call is then seen from both capitals in marts.call_pairs."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from flows.demo.atom_pages import paginate
from flows.demo.server import FeedServer, feed_paths
from flows.sources.kremlin.source import KremlinSource
from tests.corpus_feed import corpus_items
from tests.flows.helpers import flow_settings
from tests.whitehouse_feed import whitehouse_feed_paths

LABELS = Path(__file__).resolve().parents[1] / "labels" / "whitehouse_calls.csv"


def test_both_sources_in_one_warehouse(tmp_path, corpus_dir, prefect_harness, monkeypatch):
    from flows.pipeline import run_sources_flow

    settings = flow_settings(None, tmp_path)
    with (
        FeedServer(feed_paths(paginate(corpus_items()), KremlinSource.feed_path)) as kremlin,
        FeedServer(whitehouse_feed_paths()) as whitehouse,
    ):
        monkeypatch.setenv("READOUTS_KREMLIN_BASE_URL", kremlin.base_url)
        # the White House first unreachable: the Kremlin still loads and publishes
        monkeypatch.setenv("READOUTS_WHITEHOUSE_BASE_URL", "http://127.0.0.1:9")
        # the two governments of this test; the Russian site has its own test
        first = run_sources_flow(settings, ("kremlin", "whitehouse"))
        assert [s.source for s in first.summaries] == ["kremlin", "whitehouse"]
        assert first.summaries[0].exit_code == 0
        assert first.summaries[1].exit_code == 4
        assert first.exit_code == 4
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            assert con.execute("select count(*) from marts.calls").fetchone()[0] == 125
        monkeypatch.setenv("READOUTS_WHITEHOUSE_BASE_URL", whitehouse.base_url)
        second = run_sources_flow(settings, ("kremlin", "whitehouse"))
    assert second.exit_code == 0, second.message
    assert (tmp_path / "raw" / "whitehouse" / "manifest.jsonl").exists()
    with open(LABELS, newline="", encoding="utf-8") as handle:
        gold = {row["item_id"]: row for row in csv.DictReader(handle)}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        sources = dict(
            con.execute("select source, count(*) from marts.calls group by 1").fetchall()
        )
        assert sources == {"kremlin": 125, "whitehouse": len(gold)}
        loaded = {
            item_id: countries
            for item_id, countries in con.execute(
                "select c.item_id, string_agg(coalesce(p.country_code, p.organisation), ';' "
                "order by p.counterpart_no) from marts.calls c join marts.call_counterparts p "
                "using (source, item_id) where c.source = 'whitehouse' group by 1"
            ).fetchall()
        }
        assert loaded == {item_id: row["counterparts"] for item_id, row in gold.items()}
        pairs = con.execute(
            "select a_item_id, b_item_id, reported_by, match_evidence from marts.call_pairs "
            "order by call_date"
        ).fetchall()
        both = {(a, b) for a, b, reported, _ in pairs if reported == "both"}
        assert (
            "67315",
            "2021/12/07/readout-of-president-bidens-video-call-with-president-vladimir-putin-of-russia",
        ) in both
        assert (
            "67487",
            "2021/12/30/statement-by-press-secretary-jen-psaki-on-president-bidens-phone-call-"
            "with-president-vladimir-putin-of-russia",
        ) in both
        # 12 February 2022: the Kremlin corpus has only an aide's briefing
        assert any(
            b and b.startswith("2022/02/12/") and reported == "whitehouse only"
            for _, b, reported, _ in pairs
        )
        shared = con.execute(
            "select count(*), count(distinct country_code) from marts.shared_counterparts"
        ).fetchone()
        assert shared[0] > 0
        print(f"\ncall pairs: {pairs}\nshared counterparts (rows, countries): {shared}")
