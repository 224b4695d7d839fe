"""What analysts and BI tools get: exports, the report, the data dictionary, the analyses,
and `readouts query`."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import time

import duckdb

from flows.cli import main
from flows.publish.dictionary import render_dictionary
from flows.publish.docs import render_analyses
from flows.publish.report import write_report
from flows.settings import PROJECT_ROOT
from tests.flows.helpers import query
from tests.warehouse_builder import build_warehouse, call

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_exports_hold_every_mart_with_a_manifest(demo_run):
    settings, summary = demo_run
    manifest = json.loads((settings.exports_dir / "manifest.json").read_text())
    assert manifest["run_id"] == summary.run_id
    marts = {
        name
        for (name,) in query(
            settings.warehouse_path,
            "select 'marts.' || table_name from duckdb_tables() where schema_name = 'marts'",
        )
    }
    assert {t["table"] for t in manifest["tables"]} == marts
    for table in manifest["tables"]:
        parquet = settings.exports_dir / table["files"]["parquet"]
        ((rows,),) = duckdb.sql(f"select count(*) from '{parquet}'").fetchall()
        assert rows == table["rows"]
        assert (settings.exports_dir / table["files"]["csv"]).exists()
        assert all(column["description"] for column in table["columns"])
    compression = duckdb.sql(
        f"select distinct compression from parquet_metadata('{settings.exports_dir / 'calls.parquet'}')"
    ).fetchall()
    assert compression == [("ZSTD",)]


def test_mart_comments_match_the_data_dictionary(demo_run):
    settings, _ = demo_run
    comments = dict(
        query(
            settings.warehouse_path,
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'",
        )
    )
    assert all(comments.values())
    assert "One row per call readout" in comments["calls"]


def test_generated_docs_are_up_to_date(demo_run):
    settings, _ = demo_run
    docs = PROJECT_ROOT / "docs"
    assert (docs / "data-dictionary.md").read_text() == render_dictionary() + "\n", (
        "run `python scripts/render_docs.py`"
    )
    assert (docs / "analyses" / "RESULTS.md").read_text() == render_analyses(
        settings.warehouse_path
    ) + "\n", "run `readouts demo` then `python scripts/render_docs.py`"


def test_source_text_never_becomes_markup_in_the_report(tmp_path):
    hostile = call(
        "666",
        "The conversation was constructive. <script>alert('x')</script>",
        "<img src=x onerror=alert(1)> was discussed.",
    )
    hostile = type(hostile)(
        **{
            **hostile.__dict__,
            "title": "Telephone conversation with "
            "President of Finland Sauli Niinisto <script>alert(2)</script>",
        }
    )
    con = build_warehouse([hostile], tmp_path)
    html = write_report(con, tmp_path / "report.html", "run-x").read_text()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<mark>constructive</mark>" in html


def test_the_report_renders_its_charts_in_headless_chromium(demo_run, tmp_path):
    settings, _ = demo_run
    chromium = shutil.which("chromium")
    assert chromium, (
        "Debian's chromium is needed: scripts/test.sh installs it (apt-get install chromium)"
    )
    result = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            "--dump-dom",
            settings.report_path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert dom.count("<svg") >= 4
    assert dom.count("<rect") > 20
    assert "Latest calls and their tone evidence" in dom
    console = [
        line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line
    ]
    assert console == []


def test_query_prints_tables_csv_and_json(demo_run, capsys):
    settings, _ = demo_run
    sql = "select item_id, call_kind from marts.calls order by item_id limit 2"
    assert main(["query", "--warehouse", str(settings.warehouse_path), sql]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["item_id", "call_kind"] and table[-1] == "(2 rows)"
    assert main(["query", "--warehouse", str(settings.warehouse_path), "--format", "csv", sql]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "item_id,call_kind"
    assert (
        main(["query", "--warehouse", str(settings.warehouse_path), "--format", "json", sql]) == 0
    )
    assert json.loads(capsys.readouterr().out)[0]["call_kind"] == "telephone call"


def test_query_cannot_modify_the_warehouse(demo_run, capsys):
    settings, _ = demo_run
    before = query(settings.warehouse_path, "select count(*) from marts.calls")
    for statement in (
        "delete from marts.calls",
        "drop table marts.calls",
        "create table marts.x as select 1",
    ):
        assert main(["query", "--warehouse", str(settings.warehouse_path), statement]) == 1
        assert "read-only" in capsys.readouterr().err
    assert query(settings.warehouse_path, "select count(*) from marts.calls") == before


def _hold_for_writing(settings, ready):
    """What a run does to the files: the writer's lock, and the build warehouse open for
    writing."""
    from flows.ops.lock import hold_warehouse

    with hold_warehouse(settings.build_path, run_id="writer", command="run"):
        con = duckdb.connect(str(settings.build_path))
        con.execute("CREATE OR REPLACE TABLE audit.scratch AS SELECT 1 AS x")
        ready.set()
        time.sleep(30)
        con.close()


def test_query_is_answered_while_a_run_writes(demo_run, tmp_path, capsys):
    settings, _ = demo_run
    copy = settings.with_(data_dir=tmp_path)
    shutil.copytree(settings.data_dir / "build", copy.build_path.parent)
    copy.warehouse_path.parent.mkdir(parents=True)
    shutil.copy(settings.warehouse_path, copy.warehouse_path)
    ready = multiprocessing.Event()
    writer = multiprocessing.get_context("fork").Process(
        target=_hold_for_writing, args=(copy, ready)
    )
    writer.start()
    try:
        assert ready.wait(10)
        started = time.monotonic()
        code = main(
            ["query", "--warehouse", str(copy.warehouse_path), "select count(*) from marts.calls"]
        )
        assert code == 0 and time.monotonic() - started < 10
        assert "(1 rows)" in capsys.readouterr().out
    finally:
        writer.kill()
        writer.join()
