"""The example analyses (docs/analyses/*.sql) with their results, for the docs."""

from __future__ import annotations

from pathlib import Path

from flows.query import run_query
from flows.settings import PROJECT_ROOT

ANALYSES_DIR = PROJECT_ROOT / "docs" / "analyses"


def _markdown_table(columns: list[str], rows: list[tuple]) -> str:
    def cell(value: object) -> str:
        return ("" if value is None else str(value)).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def render_analyses(warehouse: Path, directory: Path = ANALYSES_DIR) -> str:
    parts = [
        "# Example analyses and their results",
        "",
        "Each query below is a file in this folder; the results are from the demo warehouse",
        "(`readouts demo`: invented sample text, not official readouts), rendered by",
        "`python scripts/render_docs.py`. Run any of them with",
        '`readouts query "$(cat docs/analyses/<file>.sql)"` on your own warehouse.',
    ]
    for path in sorted(directory.glob("*.sql")):
        sql = path.read_text(encoding="utf-8").strip()
        columns, rows = run_query(warehouse, sql)
        parts += [
            "",
            f"## {path.name}",
            "",
            "```sql",
            sql,
            "```",
            "",
            _markdown_table(columns, rows),
        ]
    return "\n".join(parts)
