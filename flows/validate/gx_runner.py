"""Runs an expectation suite on a pandas view of a Polars frame with Great Expectations
(GE has no Polars datasource, and its SQL path does not work with DuckDB)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl

from flows.validate.suites import Check, Suite

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Failure:
    suite: str
    expectation: str
    column: str | None
    severity: str
    why: str
    unexpected_count: int
    element_count: int
    examples: list[Any]
    failed_ids: list[tuple] = field(default_factory=list)
    error: str | None = None

    @property
    def share(self) -> float:
        return self.unexpected_count / self.element_count if self.element_count else 0.0

    def describe(self) -> str:
        where = f" on column '{self.column}'" if self.column else ""
        ids = (
            f" (ids {[list(i) for i in self.failed_ids[:MAX_EXAMPLES]]})" if self.failed_ids else ""
        )
        detail = self.error or f"{self.unexpected_count} rows, e.g. {self.examples}{ids}"
        return f"suite '{self.suite}', {self.expectation}{where} ({self.why}): {detail}"


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    evaluated: int
    failed: int
    rows: int
    failures: list[Failure]

    @property
    def success(self) -> bool:
        return self.failed == 0


@cache
def _batch_definition():
    """GE's context, datasource and batch definition: built once per process (every suite of
    every validation in it reuses them; tests/unit/test_fixed_costs.py)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    # In memory, without a Data Docs site (the default one leaves a temporary folder behind)
    # and without progress bars on stderr.
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites={},
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas("readouts").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole")


def _expectation(check: Check, number: int):
    import great_expectations.expectations as gxe

    return getattr(gxe, check.expectation)(
        **check.kwargs, meta={"why": check.why, "check_number": number}
    )


_BUILT_SUITES: dict[str, Any] = {}
MAX_BUILT_SUITES = 64


def expectation_suite(suite: Suite):
    """GE's suite for `suite`, built once per process for the same checks. Keyed by value:
    a Suite holds dicts (not hashable), and a caller may rebuild an equal one per run
    (staged_suites() dates its checks from today)."""
    import great_expectations as gx

    key = repr(suite)
    built = _BUILT_SUITES.get(key)
    if built is None:
        if len(_BUILT_SUITES) >= MAX_BUILT_SUITES:
            _BUILT_SUITES.clear()
        built = gx.ExpectationSuite(name=suite.name)
        for number, check in enumerate(suite.checks):
            built.add_expectation(_expectation(check, number))
        _BUILT_SUITES[key] = built
    return built


def run_suite(suite: Suite, frame: pl.DataFrame) -> SuiteResult:
    batch_definition = _batch_definition()  # also makes the context GE's active one
    built_suite = expectation_suite(suite)
    id_columns = [c for c in suite.id_columns if c in frame.columns]
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    result = batch.validate(
        built_suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": id_columns},
    )
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        check = suite.checks[int(outcome.expectation_config.meta["check_number"])]
        details = outcome.result or {}
        raised = (outcome.exception_info or {}).get("raised_exception")
        index_rows = details.get("unexpected_index_list") or []
        failures.append(
            Failure(
                suite=suite.name,
                expectation=outcome.expectation_config.type,
                column=check.kwargs.get("column"),
                severity=check.severity,
                why=check.why,
                unexpected_count=int(details.get("unexpected_count") or 0),
                element_count=int(details.get("element_count") or frame.height),
                examples=list(details.get("partial_unexpected_list") or [])[:MAX_EXAMPLES],
                failed_ids=[
                    tuple(row.get(c) for c in id_columns)
                    for row in index_rows
                    if isinstance(row, dict)
                ],
                error=(outcome.exception_info or {}).get("exception_message") if raised else None,
            )
        )
    return SuiteResult(
        suite=suite.name,
        evaluated=len(result.results),
        failed=len(failures),
        rows=frame.height,
        failures=failures,
    )
