"""Failpoints for crash tests: when READOUTS_FAILPOINT names a point that a run reaches,
the process kills itself with SIGKILL there, as a power cut or an OOM kill would;
`NAME:raise` raises an error there instead (a failure the run survives to record). Unset in
normal use; the tests set it to prove that the next run converges and that a failed run
publishes nothing."""

from __future__ import annotations

import os
import signal

# "publish_copy": the published file half-copied beside its place, as a kill mid-copy
# leaves it
POINTS = ("extract", "load", "build", "publish", "publish_copy")


class FailpointError(RuntimeError):
    """Raised at a failpoint set with `NAME:raise`."""


def failpoint(name: str) -> None:
    wanted = os.environ.get("READOUTS_FAILPOINT", "")
    if wanted == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if wanted == f"{name}:raise":
        raise FailpointError(f"failpoint {name!r} reached (READOUTS_FAILPOINT={wanted})")
