"""The raw landing zone: every fetched page stored byte for byte under its sha256,
and an append-only manifest with one row per fetch. Nothing here is ever rewritten:
the warehouse can always be rebuilt from this folder."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flows.core.fetch import FetchResult
from flows.ops.jsonl import append_line, read_lines


@dataclass(frozen=True)
class ManifestRow:
    fetch_id: str
    run_id: str
    source: str
    url: str
    page_no: int
    fetched_at: str
    status: int | None
    sha256: str | None
    size: int
    path: str | None
    error: str | None = None
    entry_keys: list[list[str]] = field(default_factory=list)


class RawZone:
    def __init__(self, raw_dir: Path, source: str) -> None:
        self.source = source
        self.root = raw_dir / source
        self.pages_dir = self.root / "pages"
        self.manifest_path = self.root / "manifest.jsonl"
        self.checkpoint_path = self.root / "checkpoint.json"

    def store(
        self,
        fetch: FetchResult,
        *,
        run_id: str,
        page_no: int,
        entry_keys: Iterable[tuple[str, str]] = (),
        error: str | None = None,
    ) -> ManifestRow:
        sha = path = None
        if fetch.body:
            sha = hashlib.sha256(fetch.body).hexdigest()
            path = self._write_page(sha, fetch.body)
        row = ManifestRow(
            fetch_id=f"{fetch.fetched_at:%Y%m%dT%H%M%S%fZ}-{page_no}",
            run_id=run_id,
            source=self.source,
            url=fetch.url,
            page_no=page_no,
            fetched_at=fetch.fetched_at.isoformat(),
            status=fetch.status,
            sha256=sha,
            size=len(fetch.body),
            path=path,
            error=error or fetch.error,
            entry_keys=[list(key) for key in entry_keys],
        )
        self._append(row)
        return row

    def _write_page(self, sha: str, body: bytes) -> str:
        relative = f"pages/{sha[:2]}/{sha}.xml"
        target = self.root / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(body)
            os.replace(temporary, target)
        return relative

    def _append(self, row: ManifestRow) -> None:
        append_line(self.manifest_path, asdict(row))

    def manifest(self) -> Iterator[ManifestRow]:
        for record in read_lines(self.manifest_path):
            try:
                yield ManifestRow(**record)
            except TypeError:
                continue  # not a manifest row: skipped like a torn line

    def landed_entry_keys(self) -> set[tuple[str, str]]:
        return {
            (item_id, entry_sha)
            for row in self.manifest()
            if row.path
            for item_id, entry_sha in row.entry_keys
        }

    def has_page(self, row: ManifestRow) -> bool:
        return row.path is not None and (self.root / row.path).is_file()

    def lost_pages(self) -> list[ManifestRow]:
        """Landed pages whose file is gone while no page file on disk holds all of their
        entries: what a rebuild from this zone would drop. One row per missing file. A page
        whose entries were landed again by another fetch is not lost."""
        rows = [row for row in self.manifest() if row.path and row.status == 200]
        present = {row.path for row in rows if self.has_page(row)}
        held = {sha for row in rows if row.path in present for _, sha in row.entry_keys}
        lost: dict[str, ManifestRow] = {}
        for row in rows:
            if row.path in present or row.path in lost:
                continue
            if any(sha not in held for _, sha in row.entry_keys):
                lost[row.path] = row
        return list(lost.values())

    def recover_unlisted(
        self, entry_keys: Callable[[bytes], list[tuple[str, str]]], run_id: str
    ) -> list[ManifestRow]:
        """The raw zone is the source of truth: a page file on disk that the manifest does
        not list (a manifest lost, truncated or restored from an older copy) is listed
        again, with the entries it holds. Returns the rows added."""
        listed = {row.path for row in self.manifest() if row.path}
        added = []
        for page in sorted(self.pages_dir.glob("*/*.xml")):
            relative = page.relative_to(self.root).as_posix()
            body = page.read_bytes()
            sha = hashlib.sha256(body).hexdigest()
            if relative in listed or page.stem != sha:
                continue
            try:
                keys = entry_keys(body)
                error = None
            except ValueError as problem:  # an unreadable page is listed and quarantined
                keys, error = [], str(problem)
            stamp = datetime.fromtimestamp(page.stat().st_mtime, UTC)
            row = ManifestRow(
                fetch_id=f"recovered-{sha[:24]}",
                run_id=run_id,
                source=self.source,
                url=f"recovered:{relative}",
                page_no=0,
                fetched_at=stamp.isoformat(),
                status=200,
                sha256=sha,
                size=len(body),
                path=relative,
                error=error,
                entry_keys=[list(key) for key in keys],
            )
            self._append(row)
            added.append(row)
        return added

    def read_page(self, row: ManifestRow) -> bytes:
        if row.path is None:
            raise ValueError(f"fetch {row.fetch_id} of {row.url} stored no body")
        return (self.root / row.path).read_bytes()

    def read_checkpoint(self) -> dict:
        if not self.checkpoint_path.exists():
            return {}
        return json.loads(self.checkpoint_path.read_text(encoding="utf-8"))

    def write_checkpoint(self, state: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.checkpoint_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.checkpoint_path)
