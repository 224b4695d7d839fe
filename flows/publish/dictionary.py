"""The data dictionary: sql/marts/schema.yml rendered as markdown for the docs."""

from __future__ import annotations

from pathlib import Path

import yaml

from flows.settings import SQL_DIR


def accepted_values(column: dict) -> list | None:
    """The values a column may take (dbt's `accepted_values` test in schema.yml), or None."""
    for test in column.get("data_tests", []):
        if isinstance(test, dict) and "accepted_values" in test:
            return list(test["accepted_values"]["values"])
    return None


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
            values = accepted_values(column)
            if values is not None:
                shown = ", ".join(
                    f"`{v}`" if isinstance(v, str) else f"`{v!s}`".upper() for v in values
                )
                description += f" Accepted values: {shown}."
            lines.append(f"| `{column['name']}` | {description} |")
        lines.append("")
    return "\n".join(lines)
