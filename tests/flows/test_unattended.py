"""Unattended runs never stall, never hide data, never report success when they failed:
each case a live feed or a busy operator will eventually produce, with its effect on the
data asserted. Every case adds a line to the reliability tally."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import pytest

from flows.demo.atom_pages import FeedItem, paginate, render_page
from flows.demo.server import FeedServer, feed_paths
from flows.landing.raw_zone import RawZone
from flows.ops import run_log
from flows.ops.outcomes import EXIT_DATA, EXIT_SOURCE, EXIT_USAGE, EXIT_WAREHOUSE
from tests.flows.helpers import flow_settings, query
from tests.reliability.cases import FEED, PAGE_2, Outcome, item, standard_items

pytestmark = pytest.mark.usefixtures("prefect_harness")


@contextmanager
def tallied(tally: list, case: str, served: int = 0) -> Iterator[dict]:
    """Adds the case to the reliability tally, passed or not."""
    counts = {"in_warehouse": 0, "quarantined": 0}
    try:
        yield counts
    except BaseException as error:
        tally.append(Outcome(case, False, str(error)[:200], served, **counts))
        raise
    tally.append(Outcome(case, True, "ok", served, **counts))


def _run(settings, items: list[FeedItem] | None = None, pages: dict[str, bytes] | None = None):
    from flows.pipeline import run_flow

    with FeedServer(pages or feed_paths(paginate(items or []), FEED)) as server:
        return run_flow(settings.with_(base_url=server.base_url))


def _latest(settings) -> set[str]:
    return {
        item_id
        for (item_id,) in query(
            settings.warehouse_path, "select item_id from intermediate.int_latest_item_versions"
        )
    }


def _quarantine(settings) -> dict[str, str]:
    return dict(
        query(
            settings.warehouse_path,
            "select coalesce(item_id, entry_sha), reason from staging.stg_quarantine",
        )
    )


def test_an_entry_from_the_future_is_quarantined_and_its_fix_loads(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path)
    served = standard_items()
    broken = list(served)
    broken[3] = item(3, published="2031-01-01T12:00:00+04:00", updated="2031-01-01T12:00:00+04:00")
    with tallied(tally, "entry_dated_2031_then_fixed", len(served)) as counts:
        first = _run(settings, broken)
        assert (first.status, first.exit_code) == ("success", 0)
        assert _latest(settings) == {i.item_id for i in served} - {"6997"}
        assert "after tomorrow" in _quarantine(settings)["6997"]
        fixed = list(served)
        fixed[3] = item(3, updated="2023-01-05T09:00:00+04:00")  # the site corrects the date
        second = _run(settings, fixed)
        assert second.status == "success" and second.new_items == 1
        assert _latest(settings) == {i.item_id for i in served}
        counts.update(in_warehouse=len(_latest(settings)), quarantined=1)


def test_entries_from_1999_in_a_backfill_are_history_and_load(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path, since=date(1999, 12, 1))
    items = [
        item(n, published=f"1999-12-{31 - n:02d}T12:00:00+04:00", updated=None) for n in range(25)
    ]
    with tallied(tally, "backfill_reaching_1999", len(items)) as counts:
        summary = _run(settings, items)
        assert summary.status == "success", summary.message
        assert len(_latest(settings)) == 25 and not _quarantine(settings)
        counts.update(in_warehouse=25)


@pytest.mark.parametrize(
    ("case", "title", "lead"),
    [
        (
            "non_call_title_with_phone",
            "Vladimir Putin answered children's questions by phone",
            "The President took part in a charity event.",
        ),
        (
            "call_title_lead_announces",
            "Telephone conversation with President of Finland Sauli Niinisto",
            "Vladimir Putin will have a telephone conversation with President of Finland "
            "Sauli Niinisto.",
        ),
    ],
)
def test_a_title_that_looks_like_a_call_loads_and_is_flagged_for_review(
    tmp_path, tally, case, title, lead
):
    settings = flow_settings("http://unused", tmp_path)
    items = standard_items(30)
    items[2] = item(2, title=title, lead=lead)
    with tallied(tally, case, len(items)) as counts:
        summary = _run(settings, items)
        assert (summary.status, summary.exit_code) == ("success", 0)
        assert _latest(settings) == {i.item_id for i in items}
        flags = query(settings.warehouse_path, "select item_id, detail from raw.review_flags")
        assert [item_id for item_id, _ in flags] == ["6998"]
        assert "looks like a call" in flags[0][1]
        queue = query(
            settings.warehouse_path, "select item_id, review_reason from marts.review_queue"
        )
        assert queue == [("6998", "title_looks_like_a_call")]
        counts.update(in_warehouse=len(items))


def test_a_page_that_fails_every_run_is_set_aside_and_stops_blocking(tmp_path, tally):
    """Page 1 lacks every entry's text (systemic: the run fails and loads nothing); after
    three failed runs it is set aside, page 2 loads, and the fixed page loads when served."""
    settings = flow_settings("http://unused", tmp_path)
    empty = [item(n, lead="", paragraphs=[]) for n in range(20)]
    good = [item(n) for n in range(20, 40)]
    with tallied(tally, "systemic_page_set_aside", 40) as counts:
        for attempt in range(3):
            failed = _run(settings, [*empty, *good])
            assert (failed.status, failed.exit_code) == ("failed", EXIT_DATA), attempt
            assert "every entry of a page lacks its text" in failed.message
            assert not settings.warehouse_path.exists()  # a failed run publishes nothing
        fourth = _run(settings, [*empty, *good])
        assert fourth.status == "success", fourth.message
        assert any("set aside after 3 failed runs" in w for w in fourth.warnings)
        assert _latest(settings) == {i.item_id for i in good}
        assert len(_quarantine(settings)) == 20  # page 1's entries, each with the reason
        failures = query(
            settings.warehouse_path,
            "select failures, set_aside_at is not null from raw.page_failures",
        )
        assert failures == [(3, True)]
        fixed = _run(settings, [*[item(n) for n in range(20)], *good])
        assert fixed.status == "success"
        assert _latest(settings) == {i.item_id for i in [*empty, *good]}
        counts.update(in_warehouse=40, quarantined=20)


def test_reprocess_rebuilds_from_the_page_files_when_the_manifest_is_empty(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path)
    items = standard_items()
    with tallied(tally, "reprocess_with_empty_manifest", len(items)) as counts:
        _run(settings, items)
        before = query(settings.warehouse_path, "select count(*) from marts.calls")
        zone = RawZone(settings.raw_dir, "kremlin")
        zone.manifest_path.write_text("")
        summary = _run(settings.with_(reprocess=True, extract=False), items)
        assert (summary.status, summary.exit_code) == ("success", 0)
        assert any("listed again" in w for w in summary.warnings)
        assert _latest(settings) == {i.item_id for i in items}
        assert query(settings.warehouse_path, "select count(*) from marts.calls") == before
        counts.update(in_warehouse=len(_latest(settings)))


def test_a_missing_page_file_is_reported_and_skipped(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path)
    items = standard_items()
    with tallied(tally, "reprocess_with_missing_page_file", len(items)) as counts:
        _run(settings, items)
        zone = RawZone(settings.raw_dir, "kremlin")
        victim = next(row for row in zone.manifest() if row.path and row.page_no == 2)
        (zone.root / victim.path).unlink()
        summary = _run(settings.with_(reprocess=True, extract=False), items)
        assert (summary.status, summary.exit_code) == ("success", 0)
        assert any("page file missing, skipped" in w for w in summary.warnings)
        # nothing already loaded is deleted because its page file is gone
        assert _latest(settings) == {i.item_id for i in items}
        counts.update(in_warehouse=len(_latest(settings)))


def test_an_unreachable_source_is_not_a_success(tmp_path, tally, capsys):
    from flows.cli import run_command
    from flows.pipeline import run_flow

    with FeedServer({}) as server:
        base_url = server.base_url  # the port is closed once the server stops
    settings = flow_settings(base_url, tmp_path)
    with tallied(tally, "source_unreachable"):
        code = run_command("run", settings, lambda run_id: run_flow(settings, run_id=run_id))
        assert code == EXIT_SOURCE
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "failed after retries" in err[0] and "--base-url" in err[0]
        (record,) = run_log.latest_records(settings.run_log_path).values()
        assert (record["status"], record["exit_code"]) == ("failed", EXIT_SOURCE)  # none read


def test_an_ad_hoc_run_that_fails_ends_failed_in_prefect(tmp_path):
    """Not only the scheduled flow: `readouts run`'s own flow run is Failed when its exit
    code is not 0, with one message naming the source and saying what to do."""
    from flows.pipeline import readouts_run

    with FeedServer({}) as server:
        base_url = server.base_url
    state = readouts_run(flow_settings(base_url, tmp_path), return_state=True)
    assert state.is_failed()
    assert "failed: kremlin:" in state.message and "--base-url" in state.message


def test_every_entry_quarantined_is_a_failure(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path)
    items = [item(0, title=None), item(1, title=None)]
    with tallied(tally, "every_entry_quarantined", 2) as counts:
        summary = _run(settings, items)
        assert (summary.status, summary.exit_code) == ("failed", EXIT_DATA)
        assert "every one of the 2 entries" in summary.message
        counts.update(quarantined=2)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["run", "--base-url", "en.kremlin.ru"], "is not an http(s) URL"),
        (["run", "--since", "2022-01-01", "--until", "2021-01-01"], "is before --since"),
        (["run", "--until", "2021-01-01"], "--until needs --since"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(tmp_path, capsys, argv, says):
    from flows.cli import main

    with pytest.raises(SystemExit) as refused:
        main([*argv, "--data-dir", str(tmp_path)])
    assert refused.value.code == EXIT_USAGE
    assert says in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_a_backfill_over_a_site_that_repeats_page_1_stops(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path, since=date(2000, 1, 1))
    page = render_page(standard_items(20), page_no=1, last_page=9999)
    with tallied(tally, "backfill_page_1_for_every_page", 20) as counts:
        with FeedServer({}, lambda path: (200, {}, page)) as server:
            from flows.pipeline import run_flow

            summary = run_flow(settings.with_(base_url=server.base_url))
            requests = len(server.requests)
        assert requests == 2
        assert (summary.status, summary.exit_code) == ("partial", EXIT_SOURCE)
        assert "repeats page 1" in summary.stopped_reason
        assert len(_latest(settings)) == 20  # what was read is loaded
        counts.update(in_warehouse=20)


def test_exports_and_report_are_rewritten_when_missing_even_with_nothing_new(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path)
    items = standard_items()
    with tallied(tally, "exports_lost_after_publishing", len(items)):
        _run(settings, items)
        shutil.rmtree(settings.exports_dir)
        settings.report_path.unlink()
        again = _run(settings, items)
        assert again.new_items == 0 and again.published
        assert (settings.exports_dir / "manifest.json").exists()
        assert settings.report_path.exists()


def test_a_failure_after_the_models_were_built_publishes_nothing(tmp_path, tally, monkeypatch):
    settings = flow_settings("http://unused", tmp_path)
    with tallied(tally, "failure_while_publishing"):
        _run(settings, standard_items(20))
        before = settings.warehouse_path.read_bytes()
        monkeypatch.setenv("READOUTS_FAILPOINT", "publish:raise")
        with pytest.raises(RuntimeError, match="failpoint 'publish'"):
            _run(settings, standard_items(40))
        assert settings.warehouse_path.read_bytes() == before
        failed = [
            r
            for r in run_log.latest_records(settings.run_log_path).values()
            if r["status"] == "failed"
        ]
        assert len(failed) == 1 and "failpoint" in failed[0]["message"]
        with duckdb.connect(str(settings.build_path), read_only=True) as con:
            statuses = con.execute("select status from audit.runs order by started_at").fetchall()
        assert statuses == [("success",), ("failed",)]
        monkeypatch.delenv("READOUTS_FAILPOINT")
        recovered = _run(settings, standard_items(40))
        assert recovered.published and len(_latest(settings)) == 40


def test_a_corrupt_build_warehouse_says_rebuild_and_rebuild_keeps_the_history(
    tmp_path, tally, capsys
):
    from flows.cli import _rebuild

    settings = flow_settings("http://unused", tmp_path)
    items = standard_items()
    with tallied(tally, "corrupt_warehouse_then_rebuild", len(items)) as counts:
        _run(settings, items)
        _run(settings, items)
        settings.build_path.write_bytes(b"")  # a full disk on the first write
        broken = _run(settings, items)
        assert (broken.status, broken.exit_code) == ("failed", EXIT_WAREHOUSE)
        assert "readouts rebuild" in broken.message
        assert _rebuild(settings) == 0
        assert _latest(settings) == {i.item_id for i in items}
        statuses = query(settings.warehouse_path, "select status from audit.runs order by 1")
        assert statuses.count(("success",)) >= 2 and ("failed",) in statuses
        assert list(settings.build_path.parent.glob("readouts.duckdb.set-aside-*"))
        counts.update(in_warehouse=len(items))


def test_rebuild_with_a_page_file_missing_refuses_and_the_backfill_it_names_restores_it(
    tmp_path, tally, capsys
):
    import json

    from flows.cli import _rebuild

    settings = flow_settings("http://unused", tmp_path)
    backfill = settings.with_(since=date(2000, 1, 1))
    items = standard_items()
    with tallied(tally, "rebuild_with_a_page_file_missing", len(items)) as counts:
        _run(backfill, items)  # completes: the range is recorded as covered
        published = settings.warehouse_path.read_bytes()
        zone = RawZone(settings.raw_dir, "kremlin")
        # page 3: one that an incremental run does not re-read
        victim = next(row for row in zone.manifest() if row.path and row.page_no == 3)
        (zone.root / victim.path).unlink()
        capsys.readouterr()
        assert _rebuild(settings) == EXIT_DATA
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert "refused, nothing was changed: 1 raw page file(s)" in line
        assert "holding 5 entries" in line and victim.path in line and "--since" in line
        assert str(zone.checkpoint_path) in line
        assert settings.warehouse_path.read_bytes() == published
        assert not list(settings.build_path.parent.glob("*.set-aside-*"))
        last = list(run_log.latest_records(settings.run_log_path).values())[-1]
        assert (last["command"], last["status"], last["exit_code"]) == (
            "rebuild",
            "failed",
            EXIT_DATA,
        )
        # what the line says: a completed range is skipped until removed from the checkpoint
        _run(backfill, items)
        assert _rebuild(settings) == EXIT_DATA
        checkpoint = json.loads(zone.checkpoint_path.read_text())
        zone.write_checkpoint({**checkpoint, "completed": []})
        _run(backfill, items)
        assert _rebuild(settings) == 0
        assert _latest(settings) == {i.item_id for i in items}
        counts.update(in_warehouse=len(_latest(settings)))


def test_a_read_only_warehouse_folder_exits_6_and_a_run_is_final_only_once_published(
    tmp_path, tally, monkeypatch
):
    import errno
    from types import SimpleNamespace

    from flows.publish import snapshot

    settings = flow_settings("http://unused", tmp_path)
    with tallied(tally, "read_only_warehouse_then_publish", 40) as counts:
        _run(settings, standard_items(20))
        published = settings.warehouse_path.read_bytes()

        def read_only(source, target, *args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system", str(target))

        # only the publication's copy: shutil itself serves others (dbt, the first build)
        monkeypatch.setattr(snapshot, "shutil", SimpleNamespace(copyfile=read_only))
        refused = _run(settings, standard_items(40))
        assert (refused.status, refused.exit_code) == ("failed", EXIT_WAREHOUSE)
        assert len(refused.message.splitlines()) == 1 and "Read-only" in refused.message
        assert settings.warehouse_path.read_bytes() == published
        record = run_log.latest_records(settings.run_log_path)[refused.run_id]
        assert record["exit_code"] == EXIT_WAREHOUSE
        monkeypatch.undo()

        # a publication killed mid-way left its half-copied file; while the next run
        # publishes, the run log still says it is running (a kill there is no success)
        leftover = settings.warehouse_path.with_name(".readouts.duckdb.999.publishing")
        leftover.write_bytes(b"half a copy")
        seen = []
        publish = snapshot.publish

        def watched(build, target, generation):
            (running,) = [
                r
                for r in run_log.latest_records(settings.run_log_path).values()
                if r["status"] == "running"
            ]
            seen.append(running["run_id"])
            publish(build, target, generation)

        monkeypatch.setattr(snapshot, "publish", watched)
        fixed = _run(settings, standard_items(40))
        assert (fixed.status, fixed.exit_code, fixed.published) == ("success", 0, True)
        assert seen == [fixed.run_id]
        assert run_log.latest_records(settings.run_log_path)[fixed.run_id]["status"] == "success"
        assert not leftover.exists()
        assert len(_latest(settings)) == 40
        counts.update(in_warehouse=40)


def test_entries_whose_only_page_file_is_missing_fail_the_run_until_they_land_again(
    tmp_path, tally, monkeypatch
):
    settings = flow_settings("http://unused", tmp_path)
    items = standard_items()
    with tallied(tally, "page_file_lost_before_its_load", len(items)) as counts:
        monkeypatch.setenv("READOUTS_FAILPOINT", "load:raise")
        with pytest.raises(RuntimeError, match="failpoint 'load'"):
            _run(settings, items)  # landed, nothing loaded
        monkeypatch.delenv("READOUTS_FAILPOINT")
        zone = RawZone(settings.raw_dir, "kremlin")
        victim = next(row for row in zone.manifest() if row.path and row.page_no == 2)
        (zone.root / victim.path).unlink()
        lacking = _run(settings.with_(extract=False), items)
        assert (lacking.status, lacking.exit_code) == ("failed", EXIT_DATA), lacking.message
        assert any("page file missing, skipped" in w for w in lacking.warnings)
        fetched_again = _run(settings, items)  # an incremental run re-reads page 2
        assert (fetched_again.status, fetched_again.exit_code) == ("success", 0)
        assert fetched_again.balanced
        assert _latest(settings) == {i.item_id for i in items}
        counts.update(in_warehouse=len(_latest(settings)))


def test_rebuild_rebuilds_every_source_and_publishes_once(tmp_path, tally, monkeypatch):
    from flows import run_book
    from flows.cli import _rebuild
    from flows.demo.run import demo_base_urls, demo_pages
    from flows.pipeline import run_sources_flow
    from flows.publish import snapshot

    settings = flow_settings("http://unused", tmp_path)
    calls = "select source, count(*) from marts.calls group by 1 order by 1"
    with FeedServer(demo_pages()) as server:
        run_sources_flow(
            settings, ("kremlin", "whitehouse"), base_urls=demo_base_urls(server.base_url)
        )
    items = len(_latest(settings))
    with tallied(tally, "rebuild_of_two_sources", items) as counts:
        before = query(settings.warehouse_path, calls)
        assert [source for source, _ in before] == ["kremlin", "whitehouse"]
        published = []
        publish = snapshot.publish

        def counted(build, target, generation):
            published.append(query(build, calls))
            publish(build, target, generation)

        monkeypatch.setattr(snapshot, "publish", counted)
        builds = []
        build_models = run_book.build_models

        def counted_build(settings, full_refresh=False):
            builds.append(full_refresh)
            return build_models(settings, full_refresh)

        monkeypatch.setattr(run_book, "build_models", counted_build)
        assert _rebuild(settings) == 0
        assert published == [before]  # once, with both sources
        assert builds == [True]  # once, every row, after both sources loaded
        assert query(settings.warehouse_path, calls) == before
        counts.update(in_warehouse=len(_latest(settings)))


def test_one_page_holding_two_bodies_for_one_item_quarantines_both(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path)
    items = standard_items(10)
    twin = item(4, paragraphs=["A different body for the same item."])
    page = render_page([*items[:5], twin, *items[5:]], page_no=1, last_page=1)
    with tallied(tally, "same_id_twice_in_one_page", len(items)) as counts:
        summary = _run(settings, pages={FEED: page})
        assert summary.status == "success"
        assert _latest(settings) == {i.item_id for i in items} - {"6996"}
        reasons = query(
            settings.warehouse_path,
            "select reason from staging.stg_quarantine where item_id = '6996'",
        )
        assert len(reasons) == 2 and all("2 different bodies" in r for (r,) in reasons)
        counts.update(in_warehouse=9, quarantined=2)


def test_an_edit_reverted_is_a_new_version_and_the_newest(tmp_path, tally):
    settings = flow_settings("http://unused", tmp_path)
    original = standard_items(5)
    edited = list(original)
    edited[1] = item(1, paragraphs=["An edit the site later took back."])
    with tallied(tally, "edit_reverted", 5) as counts:
        for feed in (original, edited, original):
            _run(settings, feed)
        versions = query(
            settings.warehouse_path,
            "select version, body from staging.stg_item_versions where item_id = '6999' "
            "order by version",
        )
        assert [body for _, body in versions] == [
            "The budget was discussed.",
            "An edit the site later took back.",
            "The budget was discussed.",
        ]
        (latest,) = query(
            settings.warehouse_path,
            "select body from intermediate.int_latest_item_versions where item_id = '6999'",
        )
        assert latest == ("The budget was discussed.",)
        counts.update(in_warehouse=5)


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_text('/etc/hostname')",
        "select * from read_csv('/etc/passwd')",
        "copy (select 1) to '/tmp/readouts-query-escape.csv'",
        "install httpfs",
        "set enable_external_access = true",
    ],
)
def test_query_stays_inside_the_warehouse(demo_run, capsys, sql):
    from flows.cli import main

    settings, _ = demo_run
    code = main(["query", sql, "--warehouse", str(settings.warehouse_path)])
    assert code != 0
    err = capsys.readouterr().err
    assert err.startswith("readouts query: ") and len(err.strip().splitlines()) == 1


def test_csv_exports_neutralise_formula_cells(tmp_path):
    from flows.publish.exports import export_marts

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.sample as select * from (values "
        "('=HYPERLINK(\"x\")', 1), ('+1', 2), ('-2', 3), ('@SUM(A1)', 4), ('plain', 5)) t(text, n)"
    )
    export_marts(con, tmp_path / "exports", "run")
    csv_cells = [
        row[0]
        for row in duckdb.sql(f"from read_csv('{tmp_path / 'exports' / 'sample.csv'}')").fetchall()
    ]
    # rows in the order of the exact text (+ - = @ p), as in the Parquet file
    assert csv_cells == ["'+1", "'-2", '\'=HYPERLINK("x")', "'@SUM(A1)", "plain"]
    parquet_cells = [
        row[0] for row in duckdb.sql(f"from '{tmp_path / 'exports' / 'sample.parquet'}'").fetchall()
    ]
    assert parquet_cells == ["+1", "-2", '=HYPERLINK("x")', "@SUM(A1)", "plain"]  # exact text


def test_the_walker_does_not_fetch_a_repeated_page_twice(tmp_path):
    """Incremental runs are bounded too: page 2 answered with page 1's bytes stops there."""
    settings = flow_settings("http://unused", tmp_path)
    pages = feed_paths(paginate(standard_items(60)), FEED)
    pages[PAGE_2] = pages[FEED]
    summary = _run(settings, pages=pages)
    assert "repeats page 1" in summary.stopped_reason and summary.exit_code == EXIT_SOURCE
