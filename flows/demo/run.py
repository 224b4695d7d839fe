"""`readouts demo`: the real flow, HTTP extraction included, against a server on
127.0.0.1 serving the bundled sample feed, into a warehouse of its own."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb

from flows.demo.sample import kremlin_ru_sample_pages, sample_pages, whitehouse_sample_paths
from flows.demo.server import FeedServer, feed_paths
from flows.settings import PROJECT_ROOT, Settings
from flows.sources.kremlin.source import KremlinSource
from flows.sources.kremlin_ru.source import KremlinRuSource
from flows.sources.whitehouse.source import WhiteHouseSource

DEMO_DATA_DIR = PROJECT_ROOT / "data" / "demo"
# The Russian site has the English one's paths: on the one demo server it sits under a prefix.
RUSSIAN_PREFIX = "/ru"

REPORT_QUERIES = {
    "Calls by counterpart country or organisation": """
        select counterpart_key, counterpart_name, count(distinct item_id) as calls
        from marts.call_counterparts where counterpart_key is not null
        group by all order by calls desc, counterpart_key limit 12""",
    "Who initiated the calls": """
        select coalesce(initiated_by, '(not stated)') as initiated_by, count(*) as calls
        from marts.calls group by 1 order by calls desc""",
    "Tone descriptors of the conversations": """
        select unnest(descriptors) as descriptor, count(*) as calls
        from marts.call_tone group by 1 order by calls desc, descriptor""",
    "Share of calls with any descriptor, by period": """
        select p.period, count(*) as calls, count(*) filter (where t.has_descriptor) as described,
               round(count(*) filter (where t.has_descriptor) / count(*), 2) as share
        from marts.call_tone t
        join staging.stg_periods p on t.call_date between p.start_date and p.end_date
        where p.period_set = 'invasion_2022'
        group by p.period, p.start_date order by p.start_date""",
    "Most frequent topics": """
        select topic_label, count(*) as calls from marts.call_topics
        group by 1 order by calls desc, topic_label limit 8""",
    "Calls by source": """
        select source, count(*) as calls from marts.calls group by 1 order by 1""",
    "One call, two readouts (marts.call_pairs)": """
        select call_date, leaders, reported_by, a_item_id, b_item_id
        from marts.call_pairs order by call_date, pair_id""",
    "One readout, two languages (marts.call_translations)": """
        select call_date, a_source || '/' || a_item_id, b_source || '/' || b_item_id,
               descriptors_only_in_a, descriptors_only_in_b
        from marts.call_translations order by call_date, pair_id""",
    "Quarantined entries": """
        select coalesce(item_id, '(no id)') as item_id, reason
        from staging.stg_quarantine order by item_id""",
}


def demo_pages() -> dict[str, bytes]:
    """Every source's sample feed, served from one 127.0.0.1 server."""
    pages = feed_paths(sample_pages(), KremlinSource.feed_path)
    russian = feed_paths(
        kremlin_ru_sample_pages(KremlinRuSource.feed_path),
        RUSSIAN_PREFIX + KremlinRuSource.feed_path,
    )
    return pages | russian | whitehouse_sample_paths(WhiteHouseSource.feed_path)


def demo_base_urls(base_url: str) -> dict[str, str]:
    return {
        "kremlin": base_url,
        "whitehouse": base_url,
        "kremlin_ru": base_url.rstrip("/") + RUSSIAN_PREFIX,
    }


def demo_settings(base_url: str, data_dir: Path = DEMO_DATA_DIR) -> Settings:
    return Settings(base_url=base_url, data_dir=data_dir, pause_seconds=0.05, backoff_seconds=0.1)


def run_demo(*, fresh: bool = False) -> int:
    """Runs the flow over both sources' sample feeds like `readouts run --source all` (same
    lock, run log and exit codes), then prints what it built and where to look next."""
    from flows.pipeline import run_sources_flow
    from flows.run_command import run_command

    if fresh and DEMO_DATA_DIR.exists():
        shutil.rmtree(DEMO_DATA_DIR)
    with FeedServer(demo_pages()) as server:
        settings = demo_settings(server.base_url)
        code = run_command(
            "demo",
            settings,
            lambda run_id: run_sources_flow(
                settings, command="demo", base_urls=demo_base_urls(server.base_url)
            ),
        )
    if code == 0:
        print("\n".join(report_lines(settings) + next_steps(settings)))
    return code


def _shown(path: Path) -> str:
    """A path as the user can type it from where they stand."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def readouts_command() -> str:
    """The `readouts` command as it can be typed in a new shell here: the virtual
    environment's script (a PATH set by `source scripts/bootstrap.sh` or an activated venv
    does not outlive its shell), else `readouts` from PATH."""
    script = Path(sys.executable).parent / "readouts"
    if not script.exists():
        return "readouts"
    return _shown(script)


def next_steps(settings: Settings) -> list[str]:
    readouts = readouts_command()
    warehouse = _shown(settings.warehouse_path)
    return [
        "",
        "Where it is:",
        f"  warehouse (read-only, for SQL and BI): {warehouse}",
        f"  report:            {_shown(settings.report_path)}",
        f"  validation report: {_shown(settings.warehouse_path.parent / 'validation-report.html')}",
        f"  exports (Parquet and CSV): {_shown(settings.exports_dir)}",
        f"  run log:           {_shown(settings.run_log_path)}",
        "",
        "Try:",
        f'  {readouts} query "select call_date, title from marts.calls order by call_date '
        f'desc limit 5" --warehouse {warehouse}',
        f'  {readouts} query "from marts.review_queue" --warehouse {warehouse}',
        f"  {readouts} run --help",
    ]


def report_lines(settings: Settings) -> list[str]:
    lines = ["", "What the demo built (sample text, not official readouts):"]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        for heading, query in REPORT_QUERIES.items():
            cursor = con.execute(query)
            rows = cursor.fetchall()
            lines.append(f"\n{heading}:")
            lines.extend("  " + " | ".join(str(value) for value in row) for row in rows)
    return lines
