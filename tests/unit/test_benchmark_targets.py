"""The benchmark's targets (benchmarks/targets.csv) are issue 26's, each is printed beside
its measurement as met, not met or not measured, and benchmarks/RESULTS.md lists every one
with its verdict, the date, the machine and its load (docs/benchmarks.md says so)."""

from __future__ import annotations

import re

from benchmarks.targets import Target, judge, load_targets, targets_table, verdicts
from flows.settings import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "benchmarks" / "RESULTS.md"
# issue 26, item 3 (and item 2's `readouts query` start-up): metric, op, bound, plus
ISSUE_26 = [
    ("new_10_s", "<=", 10.0, "prefect_startup_s"),
    ("nothing_new_s", "<=", 2.0, "prefect_startup_s"),
    ("demo_s", "<=", 60.0, ""),
    ("speedup_1000", ">=", 3.0, ""),
    ("speedup_10000", ">=", 20.0, ""),
    ("transform_over_floor_100000", "<=", 25.0, ""),
    ("peak_rss_mb_100000", "<", 1500.0, ""),
    ("query_s", "<", 1.0, ""),
]


def test_the_targets_are_the_issue_s():
    assert [(t.metric, t.op, t.bound, t.plus) for t in load_targets()] == ISSUE_26


def test_each_target_is_judged_beside_its_measurement():
    target = Target("ten new", "new_10_s", "<=", 10, "prefect_startup_s", "s")
    met = judge(target, {"new_10_s": 24.0, "prefect_startup_s": 15.0}, {})
    missed = judge(target, {"new_10_s": 25.5, "prefect_startup_s": 15.0}, {})
    absent = judge(target, {"prefect_startup_s": 15.0}, {"new_10_s": "case failed"})
    assert (met.verdict, missed.verdict, absent.verdict) == ("met", "not met", "not measured")
    assert met.measured == "24.0 s" and "15.0" in met.limit
    assert absent.measured == "case failed"
    speedup = Target("faster", "speedup_1000", ">=", 3, "", "x")
    assert judge(speedup, {"speedup_1000": 3.0}, {}).verdict == "met"
    assert judge(speedup, {"speedup_1000": float("nan")}, {}).verdict == "not measured"
    table = targets_table(verdicts({}, {})).splitlines()
    assert len(table) == 2 + len(ISSUE_26)
    assert all(line.endswith("| not measured |") for line in table[2:])


def test_the_100k_case_is_optional_and_the_incremental_case_is_the_issue_s():
    from benchmarks.run import DEFAULT_SIZES, INCREMENTAL_BASE, NEW_ITEMS

    assert 100_000 not in DEFAULT_SIZES and 1_000 in DEFAULT_SIZES
    assert (INCREMENTAL_BASE, NEW_ITEMS) == (35_000, 10)


def test_results_list_every_target_with_its_verdict_date_machine_and_load():
    text = RESULTS.read_text(encoding="utf-8")
    top = text.split("\n## ")[0]
    for target in load_targets():
        row = re.search(
            rf"^\| {re.escape(target.target)} \|.*\| (met|not met|not measured) \|$", top, re.M
        )
        assert row, f"RESULTS.md does not list the target {target.target!r} with a verdict"
    assert re.search(r"Measured \d{4}-\d{2}-\d{2}", top)
    assert "cores" in top and "Load:" in top


def test_a_benchmark_run_rewrites_the_top_of_results_and_keeps_the_sections_below(tmp_path):
    from benchmarks.run import write_results

    results = tmp_path / "RESULTS.md"
    results.write_text("# old top\n\nold table\n\n## dbt against the runner\n\nkept\n")
    size = {
        "items": 1_000,
        "feed_mb": 5.0,
        "pages_per_s": 200.0,
        "seconds": {"normalize": 1.0, "validate": 2.0, "load": 0.5, "build": 1.5},
        "transform_s": 5.0,
        "peak_rss_mb": 500.0,
        "floor_s": 0.02,
        "baseline_s": 20.0,
        "baseline_projected": False,
        "incremental_s": 15.0,
        "prefect_startup_s": 14.0,
    }
    cases = {"demo": {"error": "exited 1", "metrics": ["demo_s"]}}
    write_results([size], cases, "two test suites ran", results)
    text = results.read_text()
    assert "old table" not in text and text.endswith("## dbt against the runner\n\nkept\n")
    assert "| 4.00 x | >= 3 x | met |" in text
    assert "| demo case failed | <= 60 s | not measured |" in text
    assert "Load: two test suites ran" in text
