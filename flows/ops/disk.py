"""A folder that cannot be written (read-only, no permission) or a full disk is an
operator's problem, not a bug: it becomes one line and exit 6, never a traceback. Nothing
is lost by it: the raw zone and the published warehouse stay as the last run left them."""

from __future__ import annotations

import errno

import duckdb

from flows.ops.outcomes import WarehouseUnwritable

ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
# DuckDB reports the OS's words, not an errno
DUCKDB_WORDS = ("No space left", "Disk quota", "Read-only file system", "Permission denied")


def unwritable(error: BaseException, where: str | None = None) -> WarehouseUnwritable | None:
    """The expected failure `error` stands for, or None when it is something else."""
    if isinstance(error, OSError) and error.errno in ERRNOS:
        what = where or error.filename or "a file of the data folder"
        reason = error.strerror or str(error)
    elif isinstance(error, duckdb.IOException) and any(w in str(error) for w in DUCKDB_WORDS):
        what = where or "the build warehouse"
        reason = str(error).splitlines()[0]
    else:
        return None
    return WarehouseUnwritable(
        f"cannot write {what} ({reason}): the disk is full or the folder is read-only. "
        "Nothing was lost: the raw zone and the published warehouse are as the last run "
        "left them. Free space or make the folder writable, then run again."
    )
