"""Validation results: one row per suite and run in audit.validations, and an HTML report
under data/warehouse/ that opens offline (no scripts, no CDN)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb

from flows.load.warehouse import ensure_schema
from flows.validate.gx_runner import SuiteResult
from flows.validate.suites import HARD


def record_validations(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    stage: str,
    results: list[SuiteResult],
    quarantined: dict[str, int] | None = None,
) -> None:
    ensure_schema(con)
    now = datetime.now(UTC)
    for result in results:
        details = [
            {
                "expectation": f.expectation,
                "column": f.column,
                "severity": f.severity,
                "why": f.why,
                "unexpected_count": f.unexpected_count,
                "examples": [str(e) for e in f.examples],
                "error": f.error,
            }
            for f in result.failures
        ]
        con.execute(
            "INSERT OR REPLACE INTO audit.validations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                result.suite,
                stage,
                now,
                result.success,
                result.rows,
                result.evaluated,
                result.failed,
                sum(f.severity == HARD for f in result.failures),
                (quarantined or {}).get(result.suite, 0),
                json.dumps(details),
            ],
        )


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.ok{color:#176b2c}.bad{color:#a11}
code{font-size:.9em}
"""


def calls_to_review(con: duckdb.DuckDBPyConnection) -> int:
    """Calls in marts.review_queue (0 before the marts exist)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'marts' and table_name = 'review_queue'"
    ).fetchone()[0]
    if not exists:
        return 0
    query = "select count(distinct (source, item_id)) from marts.review_queue"
    return con.execute(query).fetchone()[0]


def write_report(con: duckdb.DuckDBPyConnection, path: Path, latest: int = 20) -> Path:
    runs = con.execute(
        """
        select run_id, min(validated_at), bool_and(success), sum(rows_validated),
               sum(evaluated), sum(failed), sum(hard_failures), sum(rows_quarantined)
        from audit.validations group by run_id order by min(validated_at) desc limit ?
        """,
        [latest],
    ).fetchall()
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>readouts: validation report</title>",
        f"<style>{_STYLE}</style></head><body><h1>Validation report</h1>",
        f"<p>Written {escape(datetime.now(UTC).isoformat(timespec='seconds'))}. "
        "Hard failures stop a run before it loads; row-level failures send rows to "
        "<code>staging.stg_quarantine</code>. Calls whose counterpart the reference data "
        "could not resolve are loaded, not quarantined, and listed in "
        f"<code>marts.review_queue</code>: {calls_to_review(con)} call(s) need review.</p>",
        "<h2>Recent runs</h2><table><tr><th>run</th><th>validated at</th><th>result</th>"
        "<th>rows</th><th>expectations</th><th>failed</th><th>hard</th><th>quarantined</th></tr>",
    ]
    for run_id, at, success, rows, evaluated, failed, hard, quarantined in runs:
        status = "<span class='ok'>passed</span>" if success else "<span class='bad'>failed</span>"
        parts.append(
            f"<tr><td>{escape(run_id)}</td><td>{escape(str(at))}</td><td>{status}</td>"
            f"<td>{rows}</td><td>{evaluated}</td><td>{failed}</td><td>{hard}</td>"
            f"<td>{quarantined}</td></tr>"
        )
    parts.append("</table>")
    if runs:
        parts.append(f"<h2>Suites of run {escape(runs[0][0])}</h2>")
        suites = con.execute(
            "select suite, stage, success, rows_validated, evaluated, failed, details "
            "from audit.validations where run_id = ? order by stage, suite",
            [runs[0][0]],
        ).fetchall()
        parts.append(
            "<table><tr><th>suite</th><th>stage</th><th>result</th><th>rows</th>"
            "<th>expectations</th><th>failed</th><th>failures</th></tr>"
        )
        for suite, stage, success, rows, evaluated, failed, details in suites:
            failures = "".join(
                f"<li><b>{escape(d['severity'])}</b> {escape(d['expectation'])}"
                f"{' on ' + escape(d['column']) if d['column'] else ''}: {escape(d['why'])}"
                f" ({d['unexpected_count']} rows; e.g. {escape(', '.join(d['examples']))})"
                f"{' ' + escape(d['error']) if d['error'] else ''}</li>"
                for d in json.loads(details or "[]")
            )
            status = (
                "<span class='ok'>passed</span>" if success else "<span class='bad'>failed</span>"
            )
            parts.append(
                f"<tr><td>{escape(suite)}</td><td>{escape(stage)}</td><td>{status}</td>"
                f"<td>{rows}</td><td>{evaluated}</td><td>{failed}</td><td><ul>{failures}</ul></td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
