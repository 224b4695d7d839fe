"""`rebuild` never shrinks the warehouse: it refuses, before anything is set aside, when
raw page files whose entries no other page holds are missing from the raw zone."""

from __future__ import annotations

from flows.landing.raw_zone import ManifestRow, RawZone
from flows.ops.outcomes import RawZoneIncomplete

SHOWN = 3  # missing files named in the one line; the rest are counted


def _describe(row: ManifestRow) -> str:
    return f"{row.path} (page {row.page_no} of {row.url}, fetched {row.fetched_at[:19]})"


def refuse_if_lossy(zone: RawZone) -> None:
    lost = zone.lost_pages()
    if not lost:
        return
    held = {
        sha
        for row in zone.manifest()
        if row.path and row.status == 200 and zone.has_page(row)
        for _, sha in row.entry_keys
    }
    entries = {sha for row in lost for _, sha in row.entry_keys if sha not in held}
    named = "; ".join(_describe(row) for row in lost[:SHOWN])
    more = f" and {len(lost) - SHOWN} more" if len(lost) > SHOWN else ""
    raise RawZoneIncomplete(
        f"refused, nothing was changed: {len(lost)} raw page file(s) of {zone.source} "
        f"holding {len(entries)} entries that no other page holds are missing from "
        f"{zone.root}: {named}{more}; a rebuild would drop those entries from the warehouse. "
        "Put the files back from a backup (each is named by its sha256), or land the "
        "entries again with `readouts run --since DATE`, DATE older than those entries (a "
        "plain run and `--reprocess` re-read only the newest pages; a range an earlier "
        f"backfill completed is skipped: remove it from `completed` in {zone.checkpoint_path} "
        "first), then rebuild."
    )
