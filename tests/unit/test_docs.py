"""The README is a front door: short, with the two commands, and a link to every page of
docs/; every relative link in the README and docs/ points at a file that exists."""

from __future__ import annotations

import re

from flows.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_is_a_front_door():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    assert "./scripts/demo.sh" in text and "./scripts/test.sh" in text
    assert "./scripts/test.sh --fast" in text
    linked = set(LINK.findall(text))
    pages = {f"docs/{page.name}" for page in DOCS.glob("*.md")}
    assert pages <= linked, sorted(pages - linked)


def test_every_relative_link_points_at_a_file():
    broken = []
    for page in [README, *DOCS.glob("*.md")]:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(PROJECT_ROOT)}: {target}")
    assert not broken, broken


def test_ci_runs_exactly_the_readmes_test_command():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec ./scripts/test.sh\n" in ci


def test_the_full_suite_runs_in_workers_and_prints_its_15_slowest_tests():
    """docs/tests.md: the full suite in pytest-xdist workers, the tests that share a run on one
    worker; the fast tier in one worker per core; both tiers print their 15 slowest tests and
    their time."""
    script = (PROJECT_ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert '-n "${READOUTS_TEST_WORKERS:-3}" --dist loadgroup' in script
    assert "--durations=15" in script and "took $((SECONDS - started)) s" in script
    assert 'tier=(tests/unit)\n    workers=(-n "${READOUTS_FAST_WORKERS:-2}")' in script
    conftest = (PROJECT_ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert '_SHARED_RUNS = ("both_sources_run", "corpus_run", "demo_run")' in conftest
    assert "pytest-xdist" in (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    docs = (DOCS / "tests.md").read_text(encoding="utf-8")
    assert "`-n 3 --dist loadgroup`" in docs and "15\nslowest tests" in docs


def test_the_first_commands_busy_loops_yield_to_the_suites_other_workers():
    """docs/tests.md: two busy loops hold both cores while the first command runs; in the full
    suite (3 workers) they run at the lowest priority, alone at normal priority."""
    script = (PROJECT_ROOT / "scripts" / "first_command_busy.sh").read_text(encoding="utf-8")
    assert (
        "for _ in 1 2; do\n    nice -n \"${BUSY_NICE:-0}\" bash -c 'while :; do :; done' &"
        in script
    )
    test = (PROJECT_ROOT / "tests" / "process" / "test_first_command.py").read_text(
        encoding="utf-8"
    )
    assert '"PYTEST_XDIST_WORKER_COUNT", "1")) >= 3:\n        env["BUSY_NICE"] = "19"' in test
    assert "`BUSY_NICE=19`" in (DOCS / "tests.md").read_text(encoding="utf-8")
