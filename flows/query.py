"""`readouts query`: SQL on a read-only connection, printed as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb


class QueryError(RuntimeError):
    pass


# The query stays inside the warehouse: no file reads or writes, no extension installs, and
# a configuration the query cannot change back.
SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def run_query(warehouse: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Runs `sql` on a read-only, sandboxed connection to the published warehouse. The
    writer never opens that file, so a query never waits for a run, nor a run for a query."""
    if not warehouse.exists():
        raise QueryError(f"no warehouse at {warehouse}: run `readouts run` (or `readouts demo`)")
    try:
        con = duckdb.connect(str(warehouse), read_only=True, config=SANDBOX)
    except duckdb.Error as error:
        raise QueryError(f"cannot open {warehouse}: {error}") from error
    try:
        cursor = con.execute(sql)
        if cursor.description is None:
            return [], []
        return [column[0] for column in cursor.description], cursor.fetchall()
    except duckdb.PermissionException as error:
        raise QueryError(
            "refused: queries may read the warehouse's tables only (no files, no extensions, "
            f"no settings): {str(error).splitlines()[0]}"
        ) from error
    except duckdb.Error as error:
        raise QueryError(f"{type(error).__name__}: {error}") from error
    finally:
        con.close()


def _text(value: object) -> str:
    return "NULL" if value is None else str(value)


def format_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            [dict(zip(columns, row, strict=True)) for row in rows],
            default=str,
            ensure_ascii=False,
            indent=1,
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        return out.getvalue().rstrip("\n")
    cells = [[_text(v).replace("\n", " ") for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line, rule, *body, f"({len(rows)} rows)"])
