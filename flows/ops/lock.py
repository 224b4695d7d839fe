"""One writer at a time. A run holds an exclusive lock on `<warehouse>.lock` from its first
request to its last write; a second run exits at once, naming the holder. The lock is an
OS file lock (flock): it disappears with the process, even after SIGKILL, so it never goes
stale. Holding is re-entrant within a process: the command line takes the lock before
Prefect starts, and the flow it then runs holds it on the same terms."""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flows.ops.outcomes import WarehouseBusy

__all__ = ["WarehouseBusy", "hold_warehouse", "lock_path", "probe"]

# lock file → how many holds this process has on it
_HELD: dict[Path, int] = {}


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def _holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, json.JSONDecodeError):
        return "another run (its details are unreadable)"
    run, command, pid, host, since = (
        holder.get(key, "?") for key in ("run_id", "command", "pid", "host", "since")
    )
    return f"run {run} ({command}, pid {pid} on {host}) since {since}"


def _unwritable(error: OSError, path: Path) -> Exception:
    from flows.ops.disk import unwritable  # not at import: the lock answers before DuckDB loads

    return unwritable(error, f"the writer's lock {path}") or error


@contextmanager
def hold_warehouse(warehouse: Path, *, run_id: str, command: str) -> Iterator[None]:
    path = lock_path(warehouse)
    if _HELD.get(path):
        _HELD[path] += 1
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    except OSError as error:
        raise _unwritable(error, path) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(
                f"the warehouse {warehouse} is being written by {_holder(path)}; this run "
                "changed nothing. Try again when it has finished (scheduled runs do this by "
                "themselves)."
            ) from None
        holder = {
            "run_id": run_id,
            "command": command,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(holder))
            handle.flush()
        except OSError as error:
            raise _unwritable(error, path) from None
        _HELD[path] = 1
        try:
            yield
        finally:
            _HELD.pop(path, None)
    finally:
        handle.close()  # closing releases the lock


def probe(warehouse: Path) -> str | None:
    """Who holds the warehouse right now, or None: a fast check before starting Prefect."""
    path = lock_path(warehouse)
    if _HELD.get(path):
        return None
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(path)
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None
