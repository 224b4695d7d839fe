"""What analysts and BI tools get: exports, the report, the data dictionary, the analyses,
and `readouts query`."""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
import socket
import subprocess
import threading
import time
from html import escape
from pathlib import Path

import duckdb
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from flows.cli import main
from flows.publish.charts import check_spec
from flows.publish.dictionary import render_dictionary
from flows.publish.docs import render_analyses
from flows.publish.report import _segments, anchor, build_report, write_report
from flows.settings import PROJECT_ROOT
from tests.flows.helpers import query
from tests.warehouse_builder import build_warehouse, call

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--no-pings",
]


def test_exports_hold_every_mart_with_a_manifest(demo_run):
    settings, sources = demo_run
    manifest = json.loads((settings.exports_dir / "manifest.json").read_text())
    assert manifest["run_id"] == sources.summaries[-1].run_id  # the last run published
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
        exported = duckdb.sql(f"select * from '{parquet}'").fetchall()
        assert exported == duckdb.sql(f"select * from '{parquet}' order by all").fetchall()
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
    html = write_report(con, tmp_path / "report.html", "run-x<b>").read_text()
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "run-x&lt;b&gt;" in html
    assert '<mark title="constructive">constructive</mark>' in html


def test_evidence_is_marked_at_its_own_span_not_the_first_occurrence():
    sentence = "Constructive proposals were made; the conversation was constructive."
    second = sentence.rindex("constructive")
    pieces = _segments(sentence, [(second, second + len("constructive"), "constructive")])
    assert pieces == [
        (sentence[:second], None),
        ("constructive", "constructive"),
        (".", None),
    ]
    both = _segments("frank and frank", [(0, 5, "frank"), (10, 15, "frank"), (3, 9, "x")])
    assert [label for _, label in both] == ["frank, x", None, "frank"]


def test_check_spec_finds_a_chart_without_titles_or_legend():
    import altair as alt

    bare = alt.Chart(alt.Data(values=[{"a": 1, "b": 2}])).mark_point().encode(x="a:Q", y="b:Q")
    assert check_spec(bare.to_dict()) == [
        "no title on the x axis",
        "no title on the y axis",
        "no legend",
    ]


class _RecordingProxy:
    """Chromium sends every http(s) request through this proxy, which answers nothing and
    records each one: the report must make none."""

    def __init__(self):
        self.requests: list[str] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    first = connection.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    first = b"(no request line)"
                self.requests.append(first.decode("latin-1"))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join(5)
        self.server.close()


# Chromium's own services (component updates, network time, sign-in), which it calls
# whatever page it opens, even with the flags above; a request to any other host fails the
# test, and the page source may hold no URL but links to the readouts (checked below).
CHROMIUM_OWN_HOSTS = {
    "update.googleapis.com",
    "accounts.google.com",
    "clients1.google.com",
    "clients2.google.com",
    "redirector.gvt1.com",
    "safebrowsing.googleapis.com",
    "optimizationguide-pa.googleapis.com",
    "content-autofill.googleapis.com",
}


def _host(request_line: str) -> str:
    target = request_line.split(" ")[1] if " " in request_line else request_line
    return re.sub(r"^[a-z]+://", "", target).split("/")[0].split(":")[0]


def _open_in_chromium(report: Path, profile: Path) -> tuple[str, list[str], list[str]]:
    """The DOM Chromium built from the report, its console errors, and every network
    request it tried."""
    chromium = shutil.which("chromium")
    assert chromium, (
        "Debian's chromium is needed: scripts/test.sh installs it (apt-get install chromium)"
    )
    with _RecordingProxy() as proxy:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--proxy-server=http://127.0.0.1:{proxy.port}",
                "--proxy-bypass-list=<-loopback>",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=3000",
                "--dump-dom",
                report.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [
        line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line
    ]
    requests = [r for r in proxy.requests if _host(r) not in CHROMIUM_OWN_HOSTS]
    return result.stdout, console, requests


def _check_report(warehouse: Path, report: Path, profile: Path) -> str:
    dom, console, requests = _open_in_chromium(report, profile)
    assert console == []
    assert requests == [], "the report made network requests"
    source = report.read_text(encoding="utf-8")
    # no URL in the page but links to the readouts themselves
    links = {url for (url,) in query(warehouse, "select url from marts.calls")} | {
        url for (url,) in query(warehouse, "select url from marts.review_queue")
    }
    urls = set(re.findall(r"https?://[^\s\"'<>]+", source))
    assert urls <= links, urls - links
    assert "<script" not in source and "<iframe" not in source and "<link" not in source
    # every counterpart of every government has its anchor and its row (never the
    # government itself)
    counterparts = [(key, government) for government, key, _, _ in _partner_counts(warehouse)]
    assert counterparts
    for key, government in counterparts:
        assert f'id="{anchor(key, government)}"' in dom, key
        assert f'href="#{anchor(key, government)}"' in dom, key
    assert "initiated by not stated" not in dom
    # every chart is drawn, with its caption
    assert dom.count("<svg") >= 5
    assert "Latest calls and their evidence" in dom
    return dom


def _partner_counts(warehouse: Path) -> list[tuple]:
    """(government, counterpart_key, name, calls): each government's counterparts, counted
    in its own readouts only, never the government itself."""
    governments = "(select distinct source, country_code as government from staging.stg_sources)"
    return query(
        warehouse,
        "select g.government, p.counterpart_key, any_value(p.counterpart_name), "
        "count(distinct (p.source, p.item_id)) from marts.call_counterparts as p "
        f"join {governments} as g using (source) where p.counterpart_key is not null "
        "and p.country_code is distinct from g.government group by 1, 2",
    )


def _check_specs(con) -> list:
    report = build_report(con, "run-test")
    assert len(report.charts) >= 5
    for chart in report.charts:
        validate_jsonschema(chart.spec, load_schema())  # Vega-Lite's schema, as render skips it
        assert check_spec(chart.spec) == [], chart.name
        # a time axis shows each month once
        months = re.findall(
            r">((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4})<", chart.svg
        )
        assert len(months) == len(set(months)), (chart.name, months)
    for ladder in [c for c in report.charts if c.name.startswith("chart-ladder")]:
        # every point visible: big, opaque, outlined, and no colour near the page's white
        mark = ladder.spec["mark"]
        assert mark["size"] >= 100 and mark["opacity"] == 1 and mark["strokeWidth"] >= 1
        for colour in ladder.spec["encoding"]["color"]["scale"]["range"]:
            assert sum(int(colour[i : i + 2], 16) for i in (1, 3, 5)) < 3 * 200, colour
    # months without calls are on the axis: every month from the first call to the last
    monthly = next(c for c in report.charts if c.name.startswith("chart-calls-per-month"))
    months = {row["month"] for row in monthly.spec["data"]["values"]}
    first, last, with_calls = con.execute(
        "select min(call_date), max(call_date), "
        "count(distinct date_trunc('month', call_date)) from marts.calls"
    ).fetchone()
    expected = (last.year - first.year) * 12 + last.month - first.month + 1
    assert len(months) == expected
    return [expected, with_calls, report]


def test_the_demo_report_renders_in_headless_chromium_offline(demo_run, tmp_path):
    settings, _ = demo_run
    dom = _check_report(settings.warehouse_path, settings.report_path, tmp_path / "profile")
    # one call, two readouts: both sides of the sample's 30 Dec 2021 call, side by side
    assert "One call, two readouts" in dom
    section = dom[dom.index("One call, two readouts") :]
    assert "2021-12-30 · Vladimir Putin - Joseph R. Biden, Jr." in section
    assert "Calls only one side reported" in section and "whitehouse only" in section
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        months, with_calls, report = _check_specs(con)
    assert with_calls < months  # the demo has empty months, and they are drawn
    print(f"demo report: {report.seconds:.1f} s, {len(report.html) / 1e3:.0f} kB")


def test_the_report_never_adds_two_governments_together(demo_run, tmp_path):
    """The demo has two governments' readouts and counterparts they share. Read in Chromium:
    each government's table of counterparts holds its own counts (never the sum of both),
    never the government itself; every latest call and every tone shift says whose readout
    it is; "One call, two readouts" is where they meet."""
    settings, _ = demo_run
    warehouse = settings.warehouse_path
    dom, console, requests = _open_in_chromium(settings.report_path, tmp_path / "profile")
    assert console == [] and requests == []
    expected: dict[str, dict[str, int]] = {}
    for government, _, name, calls in _partner_counts(warehouse):
        expected.setdefault(government, {})[name] = calls
    assert len(expected) == 2
    shared = set(next(iter(expected.values()))) & set(list(expected.values())[1])
    assert shared, "the demo should have a counterpart of both governments"
    sources = dict(
        query(warehouse, "select distinct source, country_code from staging.stg_sources")
    )
    own_names = dict(query(warehouse, "select code, name from reference.countries"))
    section = dom[dom.index('<section id="counterparts">') :]
    section = section[: section.index("</section>")]
    tables = re.findall(r"<caption>Calls in (.*?)</caption>(.*?)</table>", section, re.S)
    assert len(tables) == 2
    for caption, table in tables:
        (listed,) = re.findall(r"\(([^)]*)\)$", caption)
        (government,) = {sources[source] for source in listed.split(", ")}
        rows = dict(
            re.findall(
                r'<td><a href="#[^"]+">([^<]+)</a></td><td>[^<]*</td><td class="n">(\d+)</td>',
                table,
            )
        )
        assert {name: int(n) for name, n in rows.items()} == {
            escape(name): n for name, n in expected[government].items()
        }, caption
        assert own_names[government] not in rows  # never its own counterpart
    # each source's calls are counted apart: no number is the sum of two governments
    latest = dom[dom.index('<section id="latest">') :]
    latest = latest[: latest.index("</section>")]
    assert latest.count('<div class="call">') == latest.count("government's readouts (")
    assert "initiator not stated" in dom or "initiated by" in latest
    assert 'id="call-pairs"' in dom and "One call, two readouts" in dom


@pytest.mark.corpus
def test_the_corpus_report_renders_in_headless_chromium_offline(corpus_run, tmp_path):
    settings = corpus_run["settings"]
    dom = _check_report(settings.warehouse_path, settings.report_path, tmp_path / "profile")
    for name in ("United States", "United Kingdom", "France", "Germany"):
        assert name in dom
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        *_, report = _check_specs(con)
    print(f"corpus report: {report.seconds:.1f} s, {len(report.html) / 1e3:.0f} kB")


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
