"""Benchmarks at 1,000, 10,000 and 100,000 items against a baseline and the parse floor.

    uv sync --locked --all-groups && .venv/bin/python -m benchmarks.run [1000 10000 100000]

For each size, on the same resampled feed: extraction from a server on 127.0.0.1 (pause 0),
the transform from the landed raw zone (normalise, validate, load, build; its own process,
for its peak RSS), an incremental run with nothing new (`readouts run`, a process of its
own) against Prefect's start-up cost (a process running an empty flow), the baseline
(benchmarks/baseline.py; above 1,000 items it is projected, see RESULTS.md) and the
floor (lxml parsing the same bytes). Prints the table and writes benchmarks/RESULTS.md."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from lxml import etree

from benchmarks.baseline import run_baseline
from benchmarks.sample import resampled_pages
from flows import prefect_env
from flows.demo.server import FeedServer, feed_paths
from flows.extract.http_client import PoliteClient
from flows.extract.walker import walk_feed
from flows.landing.raw_zone import RawZone
from flows.settings import PROJECT_ROOT, USER_AGENT
from flows.sources.kremlin.source import KremlinSource
from tests.cli_commands import readouts_run

WORK = PROJECT_ROOT / "benchmarks" / "work"
BASELINE_LIMIT = 1_000  # above this the baseline is projected linearly (it is superlinear)
PREFECT_HOME = PROJECT_ROOT / ".prefect"


def _env() -> dict[str, str]:
    env = {**os.environ, "READOUTS_PAUSE_SECONDS": "0", "PREFECT_HOME": str(PREFECT_HOME)}
    for key, value in prefect_env.QUIET_DEFAULTS.items():
        env.setdefault(key, value)
    return env


def _extract(pages: dict[int, bytes], data_dir: Path) -> tuple[float, int]:
    source = KremlinSource()
    client = PoliteClient(
        user_agent=USER_AGENT,
        timeout_seconds=30,
        pause_seconds=0,
        retries=2,
        backoff_seconds=0.1,
        max_retry_after=5,
    )
    with FeedServer(feed_paths(pages, source.feed_path)) as server:
        started = time.perf_counter()
        result = walk_feed(
            source,
            client,
            RawZone(data_dir / "raw", "kremlin"),
            base_url=server.base_url,
            run_id="bench",
            overlap_pages=1,
        )
        elapsed = time.perf_counter() - started
    return elapsed, result.pages_fetched


def _floor(pages: dict[int, bytes]) -> float:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    started = time.perf_counter()
    for body in pages.values():
        etree.fromstring(body, parser=parser)
    return time.perf_counter() - started


def _transform(data_dir: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.transform_child", str(data_dir)],
        cwd=PROJECT_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _timed_process(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, cwd=PROJECT_ROOT, env=_env(), capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started


def _incremental(pages: dict[int, bytes], data_dir: Path) -> tuple[float, float]:
    with FeedServer(feed_paths(pages, KremlinSource.feed_path)) as server:
        incremental = _timed_process(readouts_run(server.base_url, data_dir))
    empty_flow = (
        "from flows import prefect_env; prefect_env.configure()\n"
        "from prefect import flow\n@flow\ndef empty(): pass\nempty()"
    )
    startup = _timed_process([sys.executable, "-c", empty_flow])
    return incremental, startup


def _baseline(pages: dict[int, bytes], size: int) -> tuple[float, bool]:
    if size > BASELINE_LIMIT:
        return float("nan"), True
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        run_baseline(list(pages.values()), Path(scratch) / "baseline.duckdb")
        return time.perf_counter() - started, False


def bench(size: int) -> dict:
    data_dir = WORK / f"items-{size}"
    shutil.rmtree(data_dir, ignore_errors=True)
    pages = resampled_pages(size)
    result = {
        "items": size,
        "pages": len(pages),
        "feed_mb": sum(len(b) for b in pages.values()) / 1e6,
    }
    result["extract_s"], fetched = _extract(pages, data_dir)
    result["pages_per_s"] = fetched / result["extract_s"]
    result["floor_s"] = _floor(pages)
    result.update(_transform(data_dir))
    result["transform_s"] = sum(result["seconds"].values())
    result["incremental_s"], result["prefect_startup_s"] = _incremental(pages, data_dir)
    result["baseline_s"], result["baseline_projected"] = _baseline(pages, size)
    shutil.rmtree(data_dir, ignore_errors=True)
    return result


def _table(results: list[dict]) -> str:
    measured = next((r["baseline_s"] for r in results if r["items"] == BASELINE_LIMIT), None)
    rows = [
        "| items | feed MB | extract pages/s | normalize s | validate s | load s | build s "
        "| transform s (items/s) | peak RSS MB | parse floor s | transform / floor "
        "| baseline s | baseline / transform | incremental s | Prefect start-up s |",
        "|" + "---|" * 15,
    ]
    for r in results:
        s = r["seconds"]
        baseline = r["baseline_s"]
        mark = ""
        if r["baseline_projected"] and measured:
            baseline, mark = measured * r["items"] / BASELINE_LIMIT, " (projected)"
        rows.append(
            f"| {r['items']:,} | {r['feed_mb']:.0f} | {r['pages_per_s']:.0f} "
            f"| {s['normalize']:.1f} "
            f"| {s['validate']:.1f} | {s['load']:.1f} | {s['build']:.1f} | {r['transform_s']:.1f} "
            f"({r['items'] / r['transform_s']:,.0f}) | {r['peak_rss_mb']:.0f} | {r['floor_s']:.2f} "
            f"| {r['transform_s'] / r['floor_s']:.1f}x | {baseline:.0f}{mark} "
            f"| {baseline / r['transform_s']:.1f}x | {r['incremental_s']:.1f} "
            f"| {r['prefect_startup_s']:.1f} |"
        )
    return "\n".join(rows)


def write_results(results: list[dict]) -> str:
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        + ", ".join(
            f"{p} {version(p)}"
            for p in (
                "prefect",
                "duckdb",
                "polars",
                "great-expectations",
                "lxml",
                "dbt-core",
                "dbt-duckdb",
            )
        )
    )
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            "Written by `python -m benchmarks.run` (its docstring says what each column",
            "measures).",
            f"Machine: {machine}.",
            "",
            _table(results),
            "",
            "- transform = normalize + validate + load + build (`dbt build` in process: start-up,",
            "  parsing, seeds, models and their tests),",
            "  from a landed raw zone, in a process of its own; peak RSS is that process's.",
            "- parse floor = lxml parsing the same page bytes and nothing else.",
            f"- the baseline runs up to {BASELINE_LIMIT:,} items; above that it is projected",
            f"  linearly from {BASELINE_LIMIT:,} items, which flatters it: growing a DataFrame by",
            "  rows is quadratic (at 10,000 items it was still running after 6 minutes).",
            "- incremental = a `readouts run` process finding nothing new; Prefect start-up = a",
            "  process running an empty flow on a temporary local server.",
        ]
    )
    (PROJECT_ROOT / "benchmarks" / "RESULTS.md").write_text(text + "\n", encoding="utf-8")
    return text


def main(sizes: list[int]) -> None:
    results = []
    for size in sizes:
        print(f"benchmarking {size:,} items...", flush=True)
        results.append(bench(size))
        print(json.dumps(results[-1]), flush=True)
    (PROJECT_ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=1))
    print(write_results(results))


if __name__ == "__main__":
    if sys.argv[1:] == ["--from-json"]:
        print(write_results(json.loads((PROJECT_ROOT / "benchmarks" / "results.json").read_text())))
    else:
        main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
