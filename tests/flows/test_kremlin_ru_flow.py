"""`readouts run --source kremlin_ru` through the real flow, HTTP included: the 128 real
items of kremlin.ru (Feb-Mar 2025, ../shared/corpus) served as the Russian Atom feed on
127.0.0.1 (entry ids and links on http://kremlin.ru), as the issue's check will serve
unseen items. The marts' contract with source = 'kremlin_ru' and canonical English labels."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from flows.demo.atom_pages import paginate
from flows.demo.server import FeedServer, feed_paths
from flows.publish.docs import ANALYSES_DIR, _markdown_table
from flows.query import run_query
from flows.sources.kremlin_ru.source import KremlinRuSource
from tests.corpus_feed import RUSSIAN_NEWS_CSV, russian_items
from tests.flows.helpers import flow_settings

LABELS = Path(__file__).resolve().parents[1] / "labels" / "kremlin_ru_calls.csv"
FEED = "http://kremlin.ru" + KremlinRuSource.feed_path

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not RUSSIAN_NEWS_CSV.exists(), reason="corpus not beside"),
]


def test_the_russian_feed_through_the_flow(tmp_path, prefect_harness):
    from flows.pipeline import run_flow

    pages = paginate(russian_items(), language="ru", feed_url=FEED)
    with FeedServer(feed_paths(pages, KremlinRuSource.feed_path)) as server:
        settings = flow_settings(server.base_url, tmp_path, source="kremlin_ru")
        summary = run_flow(settings)
    assert summary.exit_code == 0, summary.message
    assert (tmp_path / "raw" / "kremlin_ru" / "manifest.jsonl").exists()
    with open(LABELS, newline="", encoding="utf-8") as handle:
        gold = {row["item_id"]: row for row in csv.DictReader(handle)}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        calls = dict(
            con.execute(
                "select item_id, call_scope from marts.calls where source = 'kremlin_ru'"
            ).fetchall()
        )
        assert set(calls) == set(gold)
        assert {i for i, scope in calls.items() if scope == "domestic"} == {
            i for i, row in gold.items() if row["counterparts"] == "RU"
        }
        countries = dict(
            con.execute(
                "select item_id, string_agg(distinct country_code, ';') "
                "from marts.call_counterparts where source = 'kremlin_ru' group by 1"
            ).fetchall()
        )
        assert countries == {
            i: r["counterparts"] for i, r in gold.items() if r["counterparts"] != "RU"
        }
        tone = {
            item: (sorted(descriptors), satisfaction, condolences, greetings)
            for item, descriptors, satisfaction, condolences, greetings in con.execute(
                "select item_id, descriptors, expressed_satisfaction, expressed_condolences, "
                "congratulations_or_greetings from marts.call_tone where source = 'kremlin_ru'"
            ).fetchall()
        }
        # the Trump calls of 2025: none on 12 February, "подробный и откровенный" on 18 March
        assert tone["76259"][0] == []
        assert tone["76477"][0] == ["detailed", "frank"]
        assert tone["76565"] == (["detailed"], True, False, True)
        (evidence,) = con.execute(
            "select matched_text from marts.tone_evidence where source = 'kremlin_ru' "
            "and item_id = '76477' and label = 'frank'"
        ).fetchone()
        assert evidence == "откровенный"

    # the 2025 Trump calls in the report, with the Russian words as evidence
    report = settings.report_path.read_text(encoding="utf-8")
    assert "76477" in report and "откровенный" in report
    # and in the analysis beside the 2017-2020 wording, as its table says
    sql = (ANALYSES_DIR / "trump_calls_wording.sql").read_text(encoding="utf-8")
    table = _markdown_table(*run_query(settings.warehouse_path, sql))
    assert table in (ANALYSES_DIR / "trump_calls_2017_2025.md").read_text(encoding="utf-8")
