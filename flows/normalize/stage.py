"""The normaliser's output, written as Parquet chunks for the validator and the loader:
memory stays bounded whatever the backlog, and tasks pass a folder, not frames."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.core.source import Source
from flows.landing.raw_zone import ManifestRow, RawZone
from flows.normalize.batch import REVIEW_SCHEMA, normalize_pages

STAGED_TABLES = (
    "fetches",
    "fetch_entries",
    "pages",
    "items",
    "counterparts",
    "sentences",
    "quarantine",
    "review",
)


@dataclass(frozen=True)
class StagedBatch:
    directory: Path
    pages_normalised: int  # pages whose content was new to the normaliser
    # manifest rows whose page file is missing from the raw zone: reported and skipped
    missing_pages: tuple[str, ...] = ()

    def files(self, table: str) -> list[Path]:
        return sorted((self.directory / table).glob("*.parquet"))

    def frame(self, table: str) -> pl.DataFrame:
        return pl.read_parquet(self.files(table))

    def replace(self, table: str, frame: pl.DataFrame) -> None:
        """Rewrites a staged table as one file (after validation moved rows out of it)."""
        for path in self.files(table):
            path.unlink()
        frame.write_parquet(self.directory / table / "validated.parquet")


def fetches_frame(rows: list[ManifestRow]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "fetch_id": [r.fetch_id for r in rows],
            "run_id": [r.run_id for r in rows],
            "source": [r.source for r in rows],
            "url": [r.url for r in rows],
            "page_no": [r.page_no for r in rows],
            "fetched_at": [r.fetched_at for r in rows],
            "status": [r.status for r in rows],
            "sha256": [r.sha256 for r in rows],
            "size": [r.size for r in rows],
            "raw_path": [r.path for r in rows],
            "error": [r.error for r in rows],
            "entries": [len(r.entry_keys) for r in rows],
        },
        schema={
            "fetch_id": pl.String,
            "run_id": pl.String,
            "source": pl.String,
            "url": pl.String,
            "page_no": pl.Int32,
            "fetched_at": pl.String,
            "status": pl.Int32,
            "sha256": pl.String,
            "size": pl.Int64,
            "raw_path": pl.String,
            "error": pl.String,
            "entries": pl.Int32,
        },
    ).with_columns(pl.col("fetched_at").str.to_datetime(time_zone="UTC"))


def fetch_entries_frame(rows: list[ManifestRow]) -> pl.DataFrame:
    """The entries each landed page held, as the walker saw them: what must end up loaded
    or quarantined."""
    return pl.DataFrame(
        [
            {"fetch_id": r.fetch_id, "source": r.source, "entry_id": entry_id, "entry_sha": sha}
            for r in rows
            for entry_id, sha in r.entry_keys
        ],
        schema={
            "fetch_id": pl.String,
            "source": pl.String,
            "entry_id": pl.String,
            "entry_sha": pl.String,
        },
    ).unique(maintain_order=True)


def _chunks(rows: list[ManifestRow], size: int) -> Iterator[list[ManifestRow]]:
    if not rows:
        yield []  # one empty chunk, so that every staged table exists with its schema
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def stage_pages(
    rows: list[ManifestRow],
    zone: RawZone,
    source: Source,
    directory: Path,
    *,
    chunk_pages: int = 250,
    normalised_pages: set[str] | None = None,
) -> StagedBatch:
    """Normalise the landed pages of `rows` (oldest fetch first) into `directory`. A page
    whose bytes were normalised before (`normalised_pages`, by sha256: an incremental run
    re-reading an unchanged page) is recorded as a fetch but not normalised again."""
    done = set(normalised_pages or ())
    pages_normalised = 0
    if directory.exists():
        shutil.rmtree(directory)
    for table in STAGED_TABLES:
        (directory / table).mkdir(parents=True)
    seen: set[tuple[str, str]] = set()
    missing = [row for row in rows if row.path and not zone.has_page(row)]
    rows = [row for row in rows if row not in missing]
    # Their entries did land: the reconciliation counts them, as missing unless another
    # page loaded them, instead of forgetting that they ever existed.
    fetch_entries_frame(missing).write_parquet(directory / "fetch_entries" / "missing.parquet")
    for number, chunk in enumerate(_chunks(rows, chunk_pages)):
        name = f"{number:05d}.parquet"
        fetches_frame(chunk).write_parquet(directory / "fetches" / name)
        fetch_entries_frame(chunk).write_parquet(directory / "fetch_entries" / name)
        landed = []
        for row in chunk:
            if row.path and row.status == 200 and row.sha256 not in done:
                landed.append(row)
                done.add(row.sha256)
        pages_normalised += len(landed)
        batch = normalize_pages(((row, zone.read_page(row)) for row in landed), source, seen)
        for table, frame in (
            ("items", batch.items),
            ("counterparts", batch.counterparts),
            ("sentences", batch.sentences),
            ("quarantine", batch.quarantine),
            ("pages", batch.pages),
        ):
            frame.write_parquet(directory / table / name)
        pl.DataFrame(schema=REVIEW_SCHEMA).write_parquet(directory / "review" / name)
    return StagedBatch(
        directory,
        pages_normalised,
        tuple(f"{row.path} (fetch {row.fetch_id} of {row.url})" for row in missing),
    )
