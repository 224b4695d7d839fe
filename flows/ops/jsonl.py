"""Append-only JSON-lines files that survive a crash mid-write: the raw zone's manifest and
the run log."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path


def append_line(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
    with open(path, "a+b") as handle:
        # A crash can leave a half-written last line; start on a fresh line so that it
        # cannot swallow the record written now.
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                line = "\n" + line
        handle.write(line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def read_lines(path: Path) -> Iterator[dict]:
    """Every whole record; the torn tail of a crashed write is skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                yield record
