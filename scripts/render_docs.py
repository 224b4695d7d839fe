"""Renders the docs that are generated: docs/data-dictionary.md from the marts' .yml files
(sql/models/marts/), and docs/analyses/RESULTS.md (every analysis in docs/analyses/ with
its result on the demo warehouse). Run `readouts demo` first; `readouts docs` writes dbt's
docs site.

    .venv/bin/python scripts/render_docs.py [WAREHOUSE]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.publish.dictionary import render_dictionary  # noqa: E402
from flows.publish.docs import render_analyses  # noqa: E402


def main() -> None:
    warehouse = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT / "data" / "demo" / "warehouse" / "readouts.duckdb"
    )
    (ROOT / "docs" / "data-dictionary.md").write_text(render_dictionary() + "\n", encoding="utf-8")
    (ROOT / "docs" / "analyses" / "RESULTS.md").write_text(
        render_analyses(warehouse) + "\n", encoding="utf-8"
    )
    print("wrote docs/data-dictionary.md and docs/analyses/RESULTS.md")


if __name__ == "__main__":
    main()
