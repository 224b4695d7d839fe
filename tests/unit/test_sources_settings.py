"""Several sources: which site each one reads, what each declares about itself, the exit
code of a run over all of them, and the White House demo sample."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from flows.demo.sample import SAMPLE_WHITEHOUSE, whitehouse_sample_paths
from flows.load.sources import declared_sources
from flows.load.warehouse import ensure_schema
from flows.pipeline import SourcesSummary
from flows.settings import from_environment
from flows.sources import SOURCE_NAMES, get_source
from flows.summary import RunSummary


def test_each_source_reads_its_own_site(monkeypatch):
    for name in ("READOUTS_BASE_URL", "READOUTS_SOURCE", "READOUTS_WHITEHOUSE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert from_environment().source == "all"  # every source, unless configured
    monkeypatch.setenv("READOUTS_SOURCE", "all")
    settings = from_environment()
    assert settings.source == "all" and settings.base_url is None
    monkeypatch.setenv("READOUTS_WHITEHOUSE_BASE_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("READOUTS_WHITEHOUSE_FEED_PATH", "/feed/")
    white = settings.for_source("whitehouse")
    assert (white.source, white.base_url, white.feed_path) == (
        "whitehouse",
        "http://127.0.0.1:9",
        "/feed/",
    )
    kremlin = settings.for_source("kremlin")
    assert (kremlin.base_url, kremlin.feed_path) == (None, None)  # the source's own
    assert get_source("kremlin").default_base_url == "http://en.kremlin.ru"


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["run", "--base-url", "http://127.0.0.1:9"], {}),
        (["run", "--feed-path", "/feed/"], {}),
        (["run", "--base-url", "http://127.0.0.1:9", "--source", "all"], {}),
        (["run"], {"READOUTS_BASE_URL": "http://127.0.0.1:9"}),
        (["run", "--base-url", "http://127.0.0.1:9"], {"READOUTS_SOURCE": "all"}),
    ],
)
def test_one_site_for_every_source_is_refused_not_ignored(monkeypatch, capsys, argv, env):
    """A run over every source would read each one's own site and leave the given one
    unused: refused before anything starts, with what to do."""
    from flows.cli import main
    from flows.ops.outcomes import EXIT_USAGE

    for name in ("READOUTS_BASE_URL", "READOUTS_FEED_PATH", "READOUTS_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as refused:
        main(argv)
    assert refused.value.code == EXIT_USAGE
    said = capsys.readouterr().err
    assert "give --source too" in said and "READOUTS_<SOURCE>_BASE_URL" in said


def test_the_sources_declare_themselves_and_the_schema_records_it():
    declared = declared_sources()
    assert {row[0] for row in declared} == set(SOURCE_NAMES)
    by_leader = {(row[0], row[1]): row for row in declared}
    assert by_leader[("kremlin", "Vladimir Putin")][5:] == (
        "RU",
        "President",
        "Europe/Moscow",
        "CC BY 4.0",
        "President of Russia, kremlin.ru",
    )
    assert by_leader[("whitehouse", "Joseph R. Biden, Jr.")][2] == "Biden"
    con = duckdb.connect()
    ensure_schema(con)
    ensure_schema(con)  # rewritten only when the declarations change
    assert con.execute("select count(*) from raw.sources").fetchone()[0] == len(declared)


def _summary(source: str, code: int) -> RunSummary:
    summary = RunSummary("r-" + source, "run", source, datetime.now(UTC))
    summary.exit_code = code
    summary.status = {0: "success", 3: "busy"}.get(code, "failed")
    return summary


def test_a_run_over_all_sources_exits_with_its_most_serious_failure():
    assert SourcesSummary([_summary("kremlin", 0), _summary("whitehouse", 0)]).exit_code == 0
    partial = SourcesSummary([_summary("kremlin", 0), _summary("whitehouse", 4)])
    assert partial.exit_code == 4
    assert partial.status == "whitehouse did not succeed"
    assert SourcesSummary([_summary("kremlin", 4), _summary("whitehouse", 5)]).exit_code == 5
    assert SourcesSummary([_summary("kremlin", 1), _summary("whitehouse", 5)]).exit_code == 1


def test_a_run_over_all_sources_kept_out_by_another_writer_is_busy_not_failed():
    """The scheduled flow ends such a run Completed 'Skipped', as it does for one source."""
    busy = SourcesSummary([_summary("kremlin", 3), _summary("whitehouse", 3)])
    assert (busy.status, busy.exit_code) == ("busy", 3)
    half = SourcesSummary([_summary("kremlin", 0), _summary("whitehouse", 3)])
    assert half.status == "busy"
    mixed = SourcesSummary([_summary("kremlin", 3), _summary("whitehouse", 4)])
    assert (mixed.status, mixed.exit_code) == ("kremlin, whitehouse did not succeed", 4)


def test_the_white_house_demo_sample_is_labelled_rss():
    pages = whitehouse_sample_paths("/briefing-room/feed/")
    assert list(pages) == ["/briefing-room/feed/"]
    page = pages["/briefing-room/feed/"]
    assert b"SAMPLE FEED" in page and b"not official" in page
    assert "SAMPLE TEXT" in SAMPLE_WHITEHOUSE.read_text(encoding="utf-8")
    parsed = get_source("whitehouse").parse_page(page)
    assert len(parsed.entries) == 6
    assert all("SAMPLE TEXT" in (entry.content_html or "") for entry in parsed.entries)


def test_walk_budgets_are_the_sources_unless_set(monkeypatch):
    """README: 2,500 pages and 500 MB per walk by default; READOUTS_PAGE_BUDGET and
    READOUTS_BYTE_BUDGET_MB (or --page-budget, --byte-budget-mb) override them."""
    from flows.cli import _parser

    for name in SOURCE_NAMES:
        source = get_source(name)
        assert (source.page_budget, source.byte_budget) == (2_500, 500_000_000)
    monkeypatch.delenv("READOUTS_PAGE_BUDGET", raising=False)
    assert from_environment().page_budget is None
    monkeypatch.setenv("READOUTS_PAGE_BUDGET", "40")
    monkeypatch.setenv("READOUTS_BYTE_BUDGET_MB", "7")
    settings = from_environment()
    assert (settings.page_budget, settings.byte_budget_mb) == (40, 7)
    args = _parser().parse_args(["run", "--page-budget", "9", "--byte-budget-mb", "3"])
    assert (args.page_budget, args.byte_budget_mb) == (9, 3)
