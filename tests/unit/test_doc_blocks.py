"""Every code block in docs/ runs in a test, or its page marks it, visibly and with a
reason, as an illustration (tests/doc_blocks.py); the commands' synopsis in
docs/operations.md is the command line's own (its parser); docs/connect.md names every
source's attribution."""

from __future__ import annotations

import re

import pytest

from flows.settings import PROJECT_ROOT
from tests.doc_blocks import DOCS, RUN_BY, Block, blocks, page_blocks, pages

pytestmark = pytest.mark.unit

# a block may be left unrun only for a reason its page gives; there are few
MAX_ILLUSTRATIONS = 2


def every_block() -> list[Block]:
    return [block for page in pages() for block in blocks(page)]


def test_every_block_is_run_by_a_test_or_marked_as_an_illustration():
    found = every_block()
    assert len(found) >= 15
    unclaimed = [
        f"{b.page}:{b.line} ({b.language or 'no language'})"
        for b in found
        if not b.illustration and (b.page, b.language) not in RUN_BY
    ]
    assert not unclaimed, f"blocks no test runs (tests/doc_blocks.py RUN_BY): {unclaimed}"
    illustrations = [b for b in found if b.illustration]
    assert len(illustrations) <= MAX_ILLUSTRATIONS, illustrations
    assert all(len(b.illustration) > 20 for b in illustrations), illustrations


def test_each_test_named_runs_its_page():
    for (page, language), test in RUN_BY.items():
        assert page_blocks(page, language), (page, language)
        text = (PROJECT_ROOT / test).read_text(encoding="utf-8")
        assert page in text, f"{test} does not name {page}"


def test_the_marker_is_seen(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```sh\nreadouts run\n```\n\n"
        "Illustration, not run: it needs a real Slack URL.\n\n```sh\nreadouts x\n```\n"
    )
    first, second = blocks_of(page)
    assert first.illustration is None and first.text == "readouts run\n"
    assert second.illustration == "it needs a real Slack URL"


def blocks_of(page):
    import tests.doc_blocks as doc_blocks

    original = doc_blocks.DOCS
    doc_blocks.DOCS = page.parent
    try:
        return blocks(page)
    finally:
        doc_blocks.DOCS = original


def _subcommands() -> dict[str, set[str]]:
    from flows.cli import _parser

    parser = _parser()
    (action,) = [a for a in parser._actions if a.dest == "command"]
    return {
        name: {o for o in sub._option_string_actions if o.startswith("--") and o != "--help"}
        for name, sub in action.choices.items()
    }


def test_the_synopsis_of_the_commands_is_the_command_line_s_own():
    (synopsis,) = page_blocks("operations.md", "")
    documented: dict[str, set[str]] = {}
    command = None
    for line in synopsis.text.splitlines():
        if line.startswith("readouts "):
            command = line.split()[1]
            documented[command] = set()
        assert command is not None, line
        documented[command] |= set(re.findall(r"--[a-z][a-z-]*", line.split("(", 1)[0]))
    assert documented == _subcommands()


def test_connect_names_every_source_s_attribution():
    from flows.sources import SOURCE_NAMES, get_source

    page = (DOCS / "connect.md").read_text(encoding="utf-8")
    missing = [name for name in SOURCE_NAMES if f'"{get_source(name).attribution}"' not in page]
    assert not missing, missing
