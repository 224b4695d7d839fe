"""The expectation suites on small frames: hard failures, row-level failures, messages."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from flows.validate.gx_runner import run_suite
from flows.validate.staged import ValidationFailed
from flows.validate.suites import HARD, REVIEW, ROW, staged_suites

SUITES = {suite.name: suite for suite in staged_suites()}


def _items(**changes) -> pl.DataFrame:
    frame = {
        "source": ["kremlin", "kremlin"],
        "item_id": ["1", "2"],
        "entry_sha": ["a", "b"],
        "title": ["Telephone conversation with X", "Meeting on the budget"],
        "published_at": [datetime(2021, 1, 1, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC)],
        "text_length": [5, 5],
        "kind": ["telephone call", "other"],
        "initiated_by": [None, None],
        "counterpart_count": [1, 0],
        "is_call": [True, False],
        "title_looks_like_call": [True, False],
        "sentence_offsets_ok": [True, True],
        "bytes_replaced": [False, False],
    }
    frame.update(changes)
    return pl.DataFrame(frame)


def _failures(suite: str, frame: pl.DataFrame):
    return run_suite(SUITES[suite], frame).failures


def test_a_clean_batch_passes():
    result = run_suite(SUITES["items"], _items())
    assert result.success and result.evaluated == len(SUITES["items"].checks)


def test_duplicate_keys_are_a_hard_failure_naming_the_rows():
    (failure,) = _failures("items", _items(entry_sha=["a", "a"], item_id=["1", "1"]))
    assert failure.severity == HARD
    assert failure.expectation == "expect_compound_columns_to_be_unique"
    assert failure.unexpected_count == 2


def test_a_date_from_the_future_or_before_the_web_is_a_row_problem():
    failures = _failures(
        "items",
        _items(published_at=[datetime(1989, 12, 31, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC)]),
    )
    (failure,) = failures
    assert (failure.severity, failure.column) == (ROW, "published_at")
    assert "before 1990 or after tomorrow" in failure.why
    assert failure.failed_ids == [("kremlin", "1", "a"), ("kremlin", "2", "b")]


def test_a_date_in_1999_is_history_not_a_failure():
    # Putin was acting president from 31 December 1999: a backfill reaches that far
    frame = _items(published_at=[datetime(1999, 12, 31, tzinfo=UTC)] * 2)
    assert run_suite(SUITES["items"], frame).success


def _many(count: int, bad: int, **bad_values) -> pl.DataFrame:
    frame = pl.concat([_items().head(1)] * count).with_columns(
        item_id=pl.Series([str(n) for n in range(count)]),
        entry_sha=pl.Series([f"sha{n}" for n in range(count)]),
        title=pl.lit("Meeting on the budget"),
        kind=pl.lit("other"),
        is_call=pl.lit(False),
        title_looks_like_call=pl.lit(False),
    )
    rows = frame.to_dicts()
    for row in rows[:bad]:
        row.update(bad_values)
    return pl.DataFrame(rows, schema=frame.schema)


def _escalated(frame: pl.DataFrame):
    from flows.validate.staged import _escalate

    suites = staged_suites()
    results = [run_suite(suite, frame) for suite in suites if suite.name == "items"]
    return [f for r in _escalate(results, suites) for f in r.failures]


def test_one_odd_entry_stays_a_row_problem_but_most_of_a_batch_is_systemic():
    future = datetime(2031, 1, 1, tzinfo=UTC)
    (one,) = _escalated(_many(20, 1, published_at=future))
    assert one.severity == ROW
    (most,) = _escalated(_many(20, 11, published_at=future))
    assert most.severity == HARD and "systemic: 55% of 20 rows" in most.why
    # a small batch needs at least SYSTEMIC_MIN_ROWS failing rows to be systemic
    (two,) = _escalated(_many(2, 2, published_at=future))
    assert two.severity == ROW


def test_a_missing_column_is_hard_and_says_which():
    failures = _failures("items", _items().drop("kind"))
    assert any(f.severity == HARD and f.column == "kind" for f in failures)
    message = str(ValidationFailed([run_suite(SUITES["items"], _items().drop("kind"))]))
    assert "suite 'items'" in message and "'kind'" in message and "nothing was loaded" in message


def test_row_level_failures_name_the_items():
    failures = _failures(
        "items",
        _items(
            title=[None, "Meeting on the budget"],
            published_at=[None, datetime(2022, 1, 1, tzinfo=UTC)],
        ),
    )
    assert {f.severity for f in failures} == {ROW}
    assert {f.why for f in failures} == {"missing title", "unparseable publication date"}
    assert all(f.failed_ids == [("kremlin", "1", "a")] for f in failures)


def test_a_title_that_looks_like_a_call_but_is_not_classified_as_one_is_for_review():
    (failure,) = _failures("items", _items(kind=["other", "other"]))
    assert failure.severity == REVIEW and "new title pattern" in failure.why
    assert failure.failed_ids == [("kremlin", "1", "a")]
    (most,) = _escalated(
        _many(10, 6, title="Telephone conversation with X", title_looks_like_call=True)
    )
    assert most.severity == HARD


def test_a_call_without_counterpart_is_quarantined():
    (failure,) = _failures("calls", _items(counterpart_count=[0, 0]).filter(pl.col("is_call")))
    assert failure.severity == ROW and failure.failed_ids == [("kremlin", "1", "a")]


@pytest.mark.parametrize(
    ("pages", "why"),
    [
        (
            {"entries": [0], "entries_without_content": [0], "unknown_elements": ["item"]},
            "no entries parsed from a non-empty page",
        ),
        (
            {"entries": [20], "entries_without_content": [20], "unknown_elements": [""]},
            "every entry of a page lacks its text",
        ),
    ],
)
def test_layout_changes_are_hard(pages, why):
    (failure,) = _failures("raw_pages", pl.DataFrame({"fetch_id": ["f1"], **pages}))
    assert failure.severity == HARD and why in failure.why


def test_an_empty_feed_page_is_not_a_layout_change():
    frame = pl.DataFrame(
        {
            "fetch_id": ["f1"],
            "entries": [0],
            "entries_without_content": [0],
            "unknown_elements": [""],
        }
    )
    assert run_suite(SUITES["raw_pages"], frame).success


def test_unresolved_counterparts_load_and_bad_codes_are_row_level():
    """A counterpart the reference data lacks (NULL country and organisation) is not broken
    input: it loads and goes to marts.review_queue. A malformed code is quarantined."""
    frame = pl.DataFrame(
        {
            "source": ["kremlin"] * 2,
            "item_id": ["1", "2"],
            "entry_sha": ["a", "b"],
            "counterpart_no": [1, 1],
            "counterpart_name": ["A", "President of Atlantis Jo Doe"],
            "country_code": ["xx", None],
            "organisation": [None, None],
            "resolved_as": ["xx", None],
        }
    )
    failures = _failures("counterparts", frame)
    assert {(f.why, tuple(f.failed_ids)) for f in failures} == {
        ("a country code that is not ISO 3166-1 alpha-2", (("kremlin", "1", "a", 1),)),
    }
