"""The data dictionary: the marts' .yml files of the dbt project (sql/models/marts/),
rendered as markdown for the docs. The same text is in DuckDB's comments (dbt's
persist_docs) and in dbt's docs site (`readouts docs`)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from flows.settings import SQL_DIR

MARTS_DIR = SQL_DIR / "models" / "marts"


def documented_models(directory: Path = MARTS_DIR) -> list[dict]:
    models = []
    for path in sorted(directory.glob("*.yml")):
        models += yaml.safe_load(path.read_text(encoding="utf-8")).get("models", [])
    return models


# a check constraint that closes a column: `<column> in ('a', 'b')`, SQL string literals only
_ONE_OF = re.compile(r"(?P<column>\w+) in \((?P<values>'(?:[^']|'')*'(?:, '(?:[^']|'')*')*)\)")
_LITERAL = re.compile(r"'((?:[^']|'')*)'")


def accepted_values(column: dict) -> list[str] | None:
    """The values a column may take: a check constraint `<column> in ('a', 'b')` in the
    model's contract (DuckDB refuses any other value), or None."""
    for constraint in column.get("constraints", []):
        closed = _ONE_OF.fullmatch(str(constraint.get("expression", "")).strip())
        if constraint.get("type") == "check" and closed and closed["column"] == column["name"]:
            return [value.replace("''", "'") for value in _LITERAL.findall(closed["values"])]
    return None


def row_checks(model: dict) -> list[str]:
    """What every row of the model satisfies: its contract's check constraints."""
    return [c["expression"] for c in model.get("constraints", []) if c.get("type") == "check"]


def key_columns(model: dict) -> list[str]:
    """The model's primary key in its contract: no two rows share these columns."""
    for constraint in model.get("constraints", []):
        if constraint.get("type") == "primary_key":
            return list(constraint["columns"])
    return []


def never_empty(column: dict, model: dict) -> bool:
    """The model's contract declares the column not_null, or part of its primary key
    (DuckDB refuses a NULL in either)."""
    declared = any(c.get("type") == "not_null" for c in column.get("constraints", []))
    return declared or column["name"] in key_columns(model)


def render_dictionary(directory: Path = MARTS_DIR) -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from the marts' `.yml` files in `sql/models/marts/` (the dbt project) by",
        "`python scripts/render_docs.py`; the same descriptions are DuckDB comments on the",
        "tables and columns (`duckdb_columns().comment`, dbt's `persist_docs`), are listed in",
        "`data/warehouse/exports/manifest.json`, and are in dbt's docs site (`readouts docs`).",
        "Each column's type, whether it is never empty, its accepted values, the table's key and",
        "what every row satisfies are the model's contract: dbt checks the types before it writes",
        "the table, and DuckDB refuses a row that breaks any of the others.",
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
                description += f" Accepted values: {', '.join(f'`{v}`' for v in values)}."
            if never_empty(column, model):
                description += " Never empty."
            lines.append(f"| `{column['name']}` | {column['data_type']} | {description} |")
        if key_columns(model):
            lines += ["", f"Key: {', '.join(f'`{c}`' for c in key_columns(model))} (one row each)."]
        checks = row_checks(model)
        if checks:
            lines += ["", "Every row satisfies " + "; ".join(f"`{c}`" for c in checks) + "."]
        lines.append("")
    return "\n".join(lines)
