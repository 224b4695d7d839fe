"""The data dictionary: the marts' .yml files of the dbt project (sql/models/marts/),
rendered as markdown for the docs. The same text is in DuckDB's comments (dbt's
persist_docs) and in dbt's docs site (`readouts docs`)."""

from __future__ import annotations

from pathlib import Path

import yaml

from flows.settings import SQL_DIR

MARTS_DIR = SQL_DIR / "models" / "marts"


def documented_models(directory: Path = MARTS_DIR) -> list[dict]:
    models = []
    for path in sorted(directory.glob("*.yml")):
        models += yaml.safe_load(path.read_text(encoding="utf-8")).get("models", [])
    return models


def accepted_values(column: dict) -> list | None:
    """The values a column may take (its dbt `accepted_values` test), or None."""
    for test in column.get("data_tests", []):
        if isinstance(test, dict) and "accepted_values" in test:
            options = test["accepted_values"]
            return list(options.get("arguments", options)["values"])
    return None


def never_empty(column: dict) -> bool:
    """The column is declared not_null in the model's contract (DuckDB refuses a NULL)."""
    return any(c.get("type") == "not_null" for c in column.get("constraints", []))


def render_dictionary(directory: Path = MARTS_DIR) -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from the marts' `.yml` files in `sql/models/marts/` (the dbt project) by",
        "`python scripts/render_docs.py`; the same descriptions are DuckDB comments on the",
        "tables and columns (`duckdb_columns().comment`, dbt's `persist_docs`), are listed in",
        "`data/warehouse/exports/manifest.json`, and are in dbt's docs site (`readouts docs`).",
        "Each column's type, and whether it is never empty, are the model's contract: dbt checks",
        "the types before it writes the table and DuckDB refuses a NULL in a never-empty column.",
        "",
    ]
    for model in documented_models(directory):
        lines += [
            f"## marts.{model['name']}",
            "",
            " ".join(model["description"].split()),
            "",
            "| column | type | description |",
            "| --- | --- | --- |",
        ]
        for column in model["columns"]:
            description = " ".join(str(column["description"]).split()).replace("|", "\\|")
            values = accepted_values(column)
            if values is not None:
                shown = ", ".join(
                    f"`{v}`" if isinstance(v, str) else f"`{v!s}`".upper() for v in values
                )
                description += f" Accepted values: {shown}."
            if never_empty(column):
                description += " Never empty."
            lines.append(f"| `{column['name']}` | {column['data_type']} | {description} |")
        lines.append("")
    return "\n".join(lines)
