"""The data dictionary: sql/marts/schema.yml rendered as markdown for the docs."""

from __future__ import annotations

from pathlib import Path

import yaml

from flows.settings import SQL_DIR


def render_dictionary(schema: Path = SQL_DIR / "marts" / "schema.yml") -> str:
    documented = yaml.safe_load(schema.read_text(encoding="utf-8"))
    lines = [
        "# Data dictionary",
        "",
        "Generated from `sql/marts/schema.yml` by `python scripts/render_docs.py`; the same",
        "descriptions are DuckDB comments on the tables and columns (`duckdb_columns().comment`)",
        "and are listed in `data/warehouse/exports/manifest.json`.",
        "",
    ]
    for model in documented["models"]:
        lines += [
            f"## marts.{model['name']}",
            "",
            " ".join(model["description"].split()),
            "",
            "| column | description |",
            "| --- | --- |",
        ]
        for column in model["columns"]:
            description = " ".join(str(column["description"]).split()).replace("|", "\\|")
            lines.append(f"| `{column['name']}` | {description} |")
        lines.append("")
    return "\n".join(lines)
