"""The published warehouse: a read-only copy of the build warehouse that analysts and BI
tools open. It is written beside the published path and renamed into place, so a reader
that holds the old file keeps a consistent snapshot and the writer never waits for it."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import duckdb

from flows.ops.failpoints import failpoint


def mark_generation(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Names the build's content after the run that last changed it (inside its transaction)."""
    con.execute("INSERT OR REPLACE INTO audit.generations VALUES (?, now())", [run_id])


def generation(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(
        "SELECT run_id FROM audit.generations ORDER BY built_at DESC, run_id DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def _state_path(build: Path) -> Path:
    return build.with_name(build.name + ".published.json")


def published_generation(build: Path, published: Path) -> str | None:
    """The generation last published from `build` to `published`; None when that file is
    missing. Kept beside the build warehouse, so that the writer never opens the published
    file (a reader in the same process would hand it the old snapshot)."""
    if not published.exists():
        return None
    try:
        state = json.loads(_state_path(build).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state.get("generation") if state.get("published") == str(published) else None


def _temporary(published: Path, pid: int | str) -> Path:
    return published.with_name(f".{published.name}.{pid}.publishing")


def remove_leftovers(published: Path) -> list[Path]:
    """Half-copied files of a publication killed mid-way (only the writer, holding the lock,
    publishes: none of them is in use). Returns those removed."""
    leftovers = sorted(published.parent.glob(_temporary(published, "*").name))
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def publish(build: Path, published: Path, generation: str) -> None:
    """Copies the build warehouse (closed, so that its write-ahead log is merged) to a
    temporary file beside `published`, then renames it into place."""
    published.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(published, os.getpid())
    try:
        shutil.copyfile(build, temporary)
        failpoint("publish_copy")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(temporary, published)
    finally:
        temporary.unlink(missing_ok=True)
    state = _state_path(build)
    state.with_suffix(".tmp").write_text(
        json.dumps({"generation": generation, "published": str(published)}), encoding="utf-8"
    )
    os.replace(state.with_suffix(".tmp"), state)


def checkpoint_and_close(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CHECKPOINT")
    con.close()
