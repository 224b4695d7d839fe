"""The code blocks of docs/ (its pages and docs/analyses/), and which test runs each.

Every block is run by a test (RUN_BY names it; the test checks that the block it runs is
still the page's), or is marked on its page as an illustration, visibly, with its reason:
the paragraph just before the block is `Illustration, not run: <reason>.`"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flows.settings import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
ILLUSTRATION = re.compile(r"Illustration, not run: (\S.*?)\.?\s*$", re.DOTALL)

# page (relative to docs/) and the language of its blocks → the test that runs them
RUN_BY = {
    ("operator.md", "sh"): "tests/flows/test_operator_page.py",
    ("operations.md", "sh"): "tests/flows/test_workpool.py",
    ("operations.md", ""): "tests/unit/test_doc_blocks.py",  # the synopsis, against the parser
    ("analysts.md", "sql"): "tests/flows/test_doc_blocks.py",
    ("analyses/RESULTS.md", "sql"): "tests/flows/test_doc_blocks.py",
    ("connect.md", "sh"): "tests/flows/test_doc_blocks.py",
    ("connect.md", "python"): "tests/flows/test_doc_blocks.py",
    ("models.md", "sh"): "tests/flows/test_dbt_build.py",
}


@dataclass(frozen=True)
class Block:
    page: str  # relative to docs/
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    illustration: str | None  # the reason, when the page marks the block as one


def pages() -> list[Path]:
    return sorted([*DOCS.glob("*.md"), *(DOCS / "analyses").glob("*.md")])


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n\n", 1)[-1]
        reason = ILLUSTRATION.search(before)
        found.append(
            Block(
                page=str(page.relative_to(DOCS)),
                line=text.count("\n", 0, match.start()) + 1,
                language=match.group(1),
                text=match.group(2),
                illustration=reason.group(1).strip() if reason else None,
            )
        )
    return found


def page_blocks(page: str, language: str) -> list[Block]:
    return [b for b in blocks(DOCS / page) if b.language == language and not b.illustration]


def commands(block: Block) -> list[str]:
    """A shell block's commands: its lines, comments aside, with `\\` continuations joined."""
    joined = block.text.replace("\\\n", " ")
    lines = [line.split(" #", 1)[0].strip() for line in joined.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]
