"""Benchmarks at 1,000, 10,000 and (optionally) 100,000 items against a baseline and the
parse floor, the incremental case (10 new items over a warehouse of 35,000), the demo and
`readouts query`'s start-up; each target of issue 26 (benchmarks/targets.csv) is printed
beside its measurement, met or not.

    uv sync --locked --all-groups && .venv/bin/python -m benchmarks.run [1000 10000 100000]
        [--incremental-base 35000 (0: skip)] [--no-demo] [--load-note "..."]

For each size, on the same resampled feed: extraction from a server on 127.0.0.1 (pause 0),
the transform from the landed raw zone (normalise, validate, load, build; its own process,
for its peak RSS), an incremental run with nothing new (`readouts run`, a process of its
own) against Prefect's start-up cost (a process running an empty flow), the baseline
(benchmarks/baseline.py; above 1,000 items it is projected, see RESULTS.md) and the
floor (lxml parsing the same bytes). The incremental case: `readouts run` processes over a
feed of 35,000 items (the first run builds the warehouse), then of the same 35,000 and 10
newer ones (a run that finds 10 new items), then again (a run that finds nothing). Prints
the tables and writes the top of benchmarks/RESULTS.md (the sections below its first `## `
heading are kept)."""

from __future__ import annotations

import argparse
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

import duckdb
from lxml import etree

from benchmarks.sample import resampled_items, resampled_pages
from benchmarks.targets import targets_table, verdicts
from flows import prefect_env
from flows.demo.atom_pages import paginate
from flows.demo.server import FeedServer, feed_paths
from flows.extract.http_client import PoliteClient
from flows.extract.walker import Budget, walk_feed
from flows.landing.raw_zone import RawZone
from flows.settings import PROJECT_ROOT, USER_AGENT
from flows.sources.kremlin.source import KremlinSource
from tests.cli_commands import readouts_run

WORK = PROJECT_ROOT / "benchmarks" / "work"
BASELINE_LIMIT = 1_000  # above this the baseline is projected linearly (it is superlinear)
PREFECT_HOME = PROJECT_ROOT / ".prefect"
DEFAULT_SIZES = (1_000, 10_000)  # 100,000 only when asked: it takes ~10 minutes
RESULTS_MD = PROJECT_ROOT / "benchmarks" / "RESULTS.md"
INCREMENTAL_BASE = 35_000
NEW_ITEMS = 10
RUN_TIMEOUT = 3_600  # seconds; the first run of the incremental case loads 35,000 items


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
            # the whole resampled feed in one walk: the source's politeness budget (2,500
            # pages a run) would land only half of 100,000 items
            budget=Budget(len(pages) + 1, sum(len(body) for body in pages.values()) * 2),
        )
        elapsed = time.perf_counter() - started
    return elapsed, result.pages_fetched


def _floor(pages: dict[int, bytes]) -> float:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    started = time.perf_counter()
    for body in pages.values():
        etree.fromstring(body, parser=parser)
    return time.perf_counter() - started


def _failure(done: subprocess.CompletedProcess) -> str:
    """How a child process ended, with the last words of what it said."""
    return f"exited {done.returncode}: {' '.join((done.stderr or done.stdout).split()[-60:])}"


def _transform(data_dir: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.transform_child", str(data_dir)],
        cwd=PROJECT_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:  # say why: a failed build's message is in the child's stderr
        raise RuntimeError(f"the transform of {data_dir.name} {_failure(out)}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _timed_process(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:4])} {_failure(done)}")
    return time.perf_counter() - started


def _prefect_startup() -> float:
    """A process running an empty flow: what any `readouts run` pays before its first task."""
    empty_flow = (
        "from flows import prefect_env; prefect_env.configure()\n"
        "from prefect import flow\n@flow\ndef empty(): pass\nempty()"
    )
    return _timed_process([sys.executable, "-c", empty_flow])


def _incremental(pages: dict[int, bytes], data_dir: Path) -> tuple[float, float]:
    with FeedServer(feed_paths(pages, KremlinSource.feed_path)) as server:
        incremental = _timed_process(readouts_run(server.base_url, data_dir))
    return incremental, _prefect_startup()


def _items_in(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(distinct item_id) from raw.item_versions").fetchone()[0]


def incremental_case(base: int, new: int = NEW_ITEMS) -> dict:
    """`readouts run` processes, as an operator's schedule starts them: the first over `base`
    items builds the warehouse; then `new` newer items appear at the head of the feed (its
    pages shift, as a real feed's do) and a run finds them; then a run finds nothing."""
    data_dir = WORK / f"incremental-{base}"
    shutil.rmtree(data_dir, ignore_errors=True)
    items = resampled_items(base + new)
    result: dict = {"base_items": base, "new_items": new, "load_before": os.getloadavg()[0]}
    with FeedServer(feed_paths(paginate(items[new:]), KremlinSource.feed_path)) as server:
        result["first_run_s"] = _timed_process(readouts_run(server.base_url, data_dir))
    result["items_before"] = _items_in(data_dir / "warehouse" / "readouts.duckdb")
    with FeedServer(feed_paths(paginate(items), KremlinSource.feed_path)) as server:
        result["new_10_s"] = _timed_process(readouts_run(server.base_url, data_dir))
        result["items_after"] = _items_in(data_dir / "warehouse" / "readouts.duckdb")
        result["nothing_new_s"] = _timed_process(readouts_run(server.base_url, data_dir))
    result["prefect_startup_s"] = _prefect_startup()
    result["query_s"] = query_startup(data_dir)
    result["load_after"] = os.getloadavg()[0]
    return result


def query_startup(data_dir: Path, repeats: int = 3) -> float:
    """The fastest of `repeats` `readouts query "select 1"` processes (the console script)."""
    command = [
        str(Path(sys.executable).with_name("readouts")),
        "query",
        "select 1",
        "--data-dir",
        str(data_dir),
    ]
    return min(_timed_process(command) for _ in range(repeats))


def demo_case() -> dict:
    """`readouts demo --fresh`, as a user starts it (from an empty demo warehouse)."""
    load = os.getloadavg()[0]
    seconds = _timed_process([sys.executable, "-m", "flows.cli", "demo", "--fresh"])
    return {"demo_s": seconds, "load_before": load, "load_after": os.getloadavg()[0]}


def _baseline(pages: dict[int, bytes], size: int) -> tuple[float, bool]:
    if size > BASELINE_LIMIT:
        return float("nan"), True
    from benchmarks.baseline import run_baseline  # the `bench` dependency group

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


def metrics(results: list[dict], cases: dict) -> tuple[dict[str, float], dict[str, str]]:
    """The measurements the targets name (benchmarks/targets.csv), and a note on some."""
    found: dict[str, float] = {}
    notes: dict[str, str] = {}
    measured = next((r["baseline_s"] for r in results if r["items"] == BASELINE_LIMIT), None)
    for r in results:
        baseline = r["baseline_s"]
        if r["baseline_projected"] and measured:
            baseline = measured * r["items"] / BASELINE_LIMIT
            notes[f"speedup_{r['items']}"] = "against the baseline projected from 1,000 items"
        found[f"speedup_{r['items']}"] = baseline / r["transform_s"]
        found[f"transform_over_floor_{r['items']}"] = r["transform_s"] / r["floor_s"]
        found[f"peak_rss_mb_{r['items']}"] = r["peak_rss_mb"]
    for name, case in cases.items():
        if "error" in case:
            notes.update(dict.fromkeys(case["metrics"], f"{name} case failed"))
            continue
        found.update({k: v for k, v in case.items() if isinstance(v, float)})
        if case.get("base_items", INCREMENTAL_BASE) != INCREMENTAL_BASE:  # not the target's
            for metric in ("new_10_s", "nothing_new_s"):
                notes[metric] = f"measured over {case['base_items']:,} items only"
                found.pop(metric)
    demo = cases.get("demo", {})
    if "demo_s" in demo:
        notes["demo_s"] = f"load average {demo['load_before']:.1f} at its start"
    return found, notes


def _machine() -> str:
    return (
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


def _incremental_table(case: dict) -> str:
    if "error" in case:
        return f"Incremental case: failed: {case['error']}"
    return "\n".join(
        [
            "| warehouse items | first run s | 10 new: run s | items after | nothing new: run s "
            "| Prefect start-up s | `readouts query` s |",
            "|---|---|---|---|---|---|---|",
            f"| {case['items_before']:,} | {case['first_run_s']:.1f} | {case['new_10_s']:.1f} "
            f"| {case['items_after']:,} | {case['nothing_new_s']:.1f} "
            f"| {case['prefect_startup_s']:.1f} | {case['query_s']:.2f} |",
        ]
    )


def write_results(
    results: list[dict], cases: dict, load_note: str = "", path: Path = RESULTS_MD
) -> str:
    """The top of RESULTS.md (up to its first `## ` heading) is this run's; the sections
    below, measured by hand for earlier issues, are kept."""
    found, notes = metrics(results, cases)
    parts = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks.run` (its docstring says what each column",
        "measures; the targets are benchmarks/targets.csv).",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Machine: {_machine()}.",
        f"Load: {load_note or 'not noted'}; load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        targets_table(verdicts(found, notes)),
        "",
    ]
    if results:
        parts += [_table(results), ""]
    if "incremental" in cases:
        parts += [_incremental_table(cases["incremental"]), ""]
    parts += [
        "- transform = normalize + validate + load + build (`dbt build` in process: start-up,",
        "  parsing, seeds, models and their tests),",
        "  from a landed raw zone, in a process of its own; peak RSS is that process's.",
        "- parse floor = lxml parsing the same page bytes and nothing else.",
        f"- the baseline runs up to {BASELINE_LIMIT:,} items; above that it is projected",
        f"  linearly from {BASELINE_LIMIT:,} items, which flatters it: growing a DataFrame by",
        "  rows is quadratic (at 10,000 items it was still running after 6 minutes).",
        "- incremental (per size) = a `readouts run` process over the landed raw zone with",
        "  nothing new; Prefect start-up = a process running an empty flow on a temporary",
        "  local server; each run of the incremental case is a `readouts run` process too.",
    ]
    text = "\n".join(parts)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = old[old.index("\n## ") :] if "\n## " in old else "\n"
    path.write_text(text + "\n" + kept, encoding="utf-8")
    return text


def _case(name: str, run, names: tuple[str, ...]) -> dict:
    print(f"benchmarking the {name} case...", flush=True)
    try:
        result = run()
    except Exception as error:  # the other cases and the table still get written
        result = {"error": " ".join(str(error).split())[:600], "metrics": names}
    print(json.dumps(result), flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("sizes", nargs="*", type=int, help="default: 1000 10000 (100000 is slow)")
    parser.add_argument("--incremental-base", type=int, default=INCREMENTAL_BASE, help="0: skip")
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--load-note", default="", help="what else ran on the machine")
    parser.add_argument("--from-json", action="store_true", help="rewrite RESULTS.md only")
    args = parser.parse_args(argv)
    saved = PROJECT_ROOT / "benchmarks" / "results.json"
    if args.from_json:
        data = json.loads(saved.read_text())
        print(write_results(data["sizes"], data["cases"], data.get("load_note", "")))
        return
    results, cases = [], {}
    for size in args.sizes or DEFAULT_SIZES:
        print(f"benchmarking {size:,} items...", flush=True)
        results.append(bench(size))
        print(json.dumps(results[-1]), flush=True)
    if args.incremental_base:
        cases["incremental"] = _case(
            "incremental",
            lambda: incremental_case(args.incremental_base),
            ("new_10_s", "nothing_new_s", "prefect_startup_s", "query_s"),
        )
    if not args.no_demo:
        cases["demo"] = _case("demo", demo_case, ("demo_s",))
    data = {"sizes": results, "cases": cases, "load_note": args.load_note}
    saved.write_text(json.dumps(data, indent=1))
    print(write_results(results, cases, args.load_note))


if __name__ == "__main__":
    main()
