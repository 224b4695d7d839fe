"""The validator on a staged batch the normaliser wrote: checks that need two staged tables
at once (a sentence's offsets against its item's text)."""

from __future__ import annotations

import polars as pl

from flows.normalize.reference import Reference
from flows.settings import REFERENCE_DIR
from flows.sources.kremlin.source import KremlinSource
from flows.validate.staged import validate_staged
from tests.warehouse_builder import call, staged_batch


def test_an_item_whose_sentence_offsets_miss_its_text_is_quarantined_and_the_rest_loads(
    tmp_path,
):
    items = [call(str(n), f"The leaders discussed topic number {n}.") for n in range(1, 5)]
    batch = staged_batch(items, tmp_path)
    (chunk,) = batch.files("sentences")
    sentences = pl.read_parquet(chunk)
    off_by_one = (pl.col("item_id") == "3") & (pl.col("sentence_no") == 2)
    sentences.with_columns(
        char_start=pl.when(off_by_one).then(pl.col("char_start") + 1).otherwise("char_start")
    ).write_parquet(chunk)

    outcome = validate_staged(batch, KremlinSource(Reference(REFERENCE_DIR)))

    assert outcome.quarantined == {"items": 1}
    (reason,) = batch.frame("quarantine").filter(pl.col("item_id") == "3")["reason"]
    assert "offsets do not point at its text" in reason
    assert sorted(batch.frame("items")["item_id"]) == ["1", "2", "4"]
    assert "3" not in batch.frame("sentences")["item_id"].to_list()


def test_the_offsets_the_normaliser_writes_point_at_their_text(tmp_path):
    text = "Ünïcode – “quoted” words. Second sentence? Third one!"
    batch = staged_batch([call("1", text, "The leaders discussed trade.")], tmp_path)
    outcome = validate_staged(batch, KremlinSource(Reference(REFERENCE_DIR)))
    assert outcome.quarantined == {}
    assert len(batch.frame("sentences")) >= 5
