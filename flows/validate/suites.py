"""The expectation suites, one per stage that feeds the warehouse. Each expectation says
what its failure means and what it guards against:
- hard: the batch is unusable (a key is duplicated, a column vanished): nothing is loaded;
- row: the offending entries go to quarantine with the reason, the rest loads;
- review: the entries load and are listed in `marts.review_queue` with the reason.
A row or review check with `systemic_share` becomes hard when more than that share of the
rows fail, and at least SYSTEMIC_MIN_ROWS of them: one odd entry is a row problem, most of
a batch failing the same way is the feed changing under us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flows.core.records import CALL_KINDS, KINDS

HARD = "hard"
ROW = "row"
REVIEW = "review"

SYSTEMIC_SHARE = 0.5
SYSTEMIC_MIN_ROWS = 3
# Readouts are web pages; anything dated before the web is a broken clock, not history.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)

ITEM_KEY = ("source", "item_id", "entry_sha")


@dataclass(frozen=True)
class Check:
    expectation: str  # a class name in great_expectations.expectations
    kwargs: dict[str, Any]
    severity: str
    why: str
    systemic_share: float | None = None
    # for a review check: the code analysts see in marts.review_queue.review_reason
    review_reason: str | None = None


@dataclass(frozen=True)
class Suite:
    name: str
    table: str  # the staged table (or mart) it validates
    id_columns: tuple[str, ...]
    checks: tuple[Check, ...]


def _exist(columns: tuple[str, ...], what: str) -> tuple[Check, ...]:
    return tuple(
        Check(
            "ExpectColumnToExist",
            {"column": c},
            HARD,
            f"the {what} lost its '{c}' column: the normaliser or the site changed shape",
        )
        for c in columns
    )


def tomorrow() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)


def staged_suites() -> tuple[Suite, ...]:
    return (
        _raw_manifest_suite(),
        _raw_pages_suite(),
        _items_suite(),
        _calls_suite(),
        _counterparts_suite(),
        _sentences_suite(),
    )


def _raw_manifest_suite() -> Suite:
    return Suite(
        "raw_manifest",
        "fetches",
        ("fetch_id",),
        (
            *_exist(("fetch_id", "url", "fetched_at", "status", "sha256", "size"), "manifest"),
            Check(
                "ExpectColumnValuesToBeUnique",
                {"column": "fetch_id"},
                HARD,
                "a fetch recorded twice would load its page twice",
            ),
            Check(
                "ExpectColumnValuesToNotBeNull",
                {"column": "fetched_at"},
                HARD,
                "a fetch without a time cannot be ordered into versions",
            ),
            Check(
                "ExpectColumnValuesToNotBeNull",
                {
                    "column": "sha256",
                    "row_condition": "status == 200",
                    "condition_parser": "pandas",
                },
                HARD,
                "a successful fetch must have stored its page byte for byte",
            ),
            Check(
                "ExpectColumnValuesToBeBetween",
                {"column": "size", "min_value": 0},
                HARD,
                "a negative size is a corrupt manifest",
            ),
        ),
    )


def _raw_pages_suite() -> Suite:
    return Suite(
        "raw_pages",
        "pages",
        ("fetch_id",),
        (
            *_exist(
                ("fetch_id", "entries", "unknown_elements", "entries_without_content"),
                "page statistics",
            ),
            Check(
                "ExpectColumnValuesToBeBetween",
                {
                    "column": "entries",
                    "min_value": 1,
                    "row_condition": 'unknown_elements != ""',
                    "condition_parser": "pandas",
                },
                HARD,
                "no entries parsed from a non-empty page: the feed's element names changed",
            ),
            Check(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {
                    "column_A": "entries",
                    "column_B": "entries_without_content",
                    "or_equal": False,
                    "row_condition": "entries > 0",
                    "condition_parser": "pandas",
                },
                HARD,
                "every entry of a page lacks its text: the feed stopped carrying content",
            ),
        ),
    )


def _items_suite() -> Suite:
    return Suite("items", "items", ITEM_KEY, (*_item_key_checks(), *_item_row_checks()))


def _item_key_checks() -> tuple[Check, ...]:
    """What makes the batch of items unusable, or each item's kind and date unsure."""
    return (
        *_exist(
            (
                "source",
                "item_id",
                "entry_sha",
                "title",
                "published_at",
                "text_length",
                "kind",
            ),
            "items",
        ),
        Check(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": list(ITEM_KEY)},
            HARD,
            "duplicate item versions would double every count",
        ),
        Check(
            "ExpectColumnValuesToBeBetween",
            {"column": "published_at", "min_value": EARLIEST, "max_value": tomorrow()},
            ROW,
            "dated before 1990 or after tomorrow: a broken date (most of a batch: the "
            "clock or its format changed)",
            SYSTEMIC_SHARE,
        ),
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "kind", "value_set": list(KINDS)},
            HARD,
            "an unknown item kind would fall out of every mart",
        ),
        Check(
            "ExpectColumnValuesToBeInSet",
            {
                "column": "kind",
                "value_set": list(CALL_KINDS),
                "row_condition": "title_looks_like_call == True",
                "condition_parser": "pandas",
            },
            REVIEW,
            "the title looks like a call readout but the item matched no call pattern "
            "(loaded as it was classified; most of a batch: a new title pattern)",
            SYSTEMIC_SHARE,
            review_reason="title_looks_like_a_call",
        ),
    )


def _item_row_checks() -> tuple[Check, ...]:
    """What costs one item its place (quarantine) or flags it for review."""
    return (
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "bytes_replaced", "value_set": [False]},
            REVIEW,
            "the feed sent bytes that are not UTF-8 in this entry: each became U+FFFD "
            "(loaded; most of a batch: the site's encoding changed)",
            SYSTEMIC_SHARE,
            review_reason="invalid_bytes_replaced",
        ),
        Check(
            "ExpectColumnValuesToNotBeNull",
            {"column": "title"},
            ROW,
            "missing title",
            SYSTEMIC_SHARE,
        ),
        Check(
            "ExpectColumnValuesToBeBetween",
            {"column": "text_length", "min_value": 1},
            ROW,
            "missing body",
            SYSTEMIC_SHARE,
        ),
        Check(
            "ExpectColumnValuesToNotBeNull",
            {"column": "published_at"},
            ROW,
            "unparseable publication date",
            SYSTEMIC_SHARE,
        ),
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "sentence_offsets_ok", "value_set": [True]},
            ROW,
            "a sentence's offsets do not point at its text in the item: its evidence "
            "would show other words (most of a batch: the sentence splitter is broken)",
            SYSTEMIC_SHARE,
        ),
    )


def _calls_suite() -> Suite:
    return Suite(
        "calls",
        "calls",
        ITEM_KEY,
        (
            Check(
                "ExpectColumnValuesToBeInSet",
                {"column": "kind", "value_set": list(CALL_KINDS)},
                HARD,
                "the calls view must hold only telephone and video calls",
            ),
            Check(
                "ExpectColumnValuesToBeInSet",
                {"column": "initiated_by", "value_set": ["own_side", "counterpart"]},
                ROW,
                "an initiator outside own_side / counterpart",
            ),
            Check(
                "ExpectColumnValuesToBeBetween",
                {"column": "counterpart_count", "min_value": 1},
                ROW,
                "a call readout without a counterpart",
            ),
        ),
    )


def _counterparts_suite() -> Suite:
    return Suite(
        "counterparts",
        "counterparts",
        (*ITEM_KEY, "counterpart_no"),
        (
            *_exist(
                ("item_id", "counterpart_name", "country_code", "organisation"), "counterparts"
            ),
            Check(
                "ExpectCompoundColumnsToBeUnique",
                {"column_list": [*ITEM_KEY, "counterpart_no"]},
                HARD,
                "a counterpart listed twice would double the counts by country",
            ),
            Check(
                "ExpectColumnValuesToMatchRegex",
                {"column": "country_code", "regex": r"^[A-Z]{2}$"},
                ROW,
                "a country code that is not ISO 3166-1 alpha-2",
            ),
        ),
    )


def _sentences_suite() -> Suite:
    return Suite(
        "sentences",
        "sentences",
        ("item_id", "sentence_no"),
        (
            *_exist(
                ("sentence_key", "sentence_no", "char_start", "char_end", "sentence_length"),
                "sentences",
            ),
            Check(
                "ExpectColumnValuesToBeUnique",
                {"column": "sentence_key"},
                HARD,
                "duplicate sentences would duplicate evidence",
            ),
            Check(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {"column_A": "char_end", "column_B": "char_start", "or_equal": False},
                HARD,
                "an empty or inverted span cannot point at evidence",
            ),
            Check(
                "ExpectColumnValuesToBeBetween",
                {"column": "sentence_length", "min_value": 1},
                HARD,
                "an empty sentence cannot be evidence",
            ),
        ),
    )
