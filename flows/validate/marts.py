"""Validates the tone and topic marts inside the build's transaction: a hard failure
rolls the whole run back."""

from __future__ import annotations

import duckdb

from flows.validate.gx_runner import SuiteResult, run_suite
from flows.validate.staged import ValidationFailed
from flows.validate.suites import HARD, mart_suites


def validate_marts(con: duckdb.DuckDBPyConnection) -> list[SuiteResult]:
    results = [run_suite(suite, con.sql(f"from {suite.table}").pl()) for suite in mart_suites()]
    if any(f.severity == HARD for r in results for f in r.failures):
        raise ValidationFailed(results)
    return results
